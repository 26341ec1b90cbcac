"""Back-office pages of 内容管理: list, write (rich-text editor), publish now or later, withdraw, attach."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors, services
from .forms import ArticleForm, AttachmentForm, PublishForm, WithdrawForm

VIEW = "portal.view_article"


def _crumb():
    return (_("门户文章"), reverse("portal_content:article_list"))


class ArticleListView(ScopedListView):
    title = gettext_lazy("门户文章")
    permission_required = VIEW
    columns = [
        Column(gettext_lazy("标题"), "title", link=True),
        Column(gettext_lazy("栏目"), "column"),
        Column(gettext_lazy("状态"), "state", sort="state"),
        Column(gettext_lazy("发布时间"), "publish_at", sort="publish_at"),
        Column(gettext_lazy("区划"), "region_code", sort="region_code"),
    ]
    search_fields = ("title", "document_number")
    search_placeholder = gettext_lazy("标题或文号")
    default_ordering = ("-pk",)

    def get_base_queryset(self):
        return selectors.article_list(user=self.request.user)


def _form_page(request, form, title, article=None):
    return render(
        request,
        "portal/content/article_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [_crumb(), (title, None)],
            "cancel_url": article.get_absolute_url() if article else reverse("portal_content:article_list"),
        },
    )


@staff_permission_required(services.ADD)
def article_create(request):
    form = ArticleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("文章已保存为草稿。"))
            return redirect(article.get_absolute_url())
    return _form_page(request, form, _("撰写文章"))


@staff_permission_required(services.EDIT)
def article_edit(request, pk: int):
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    initial = {
        "column": article.column_id,
        "title": article.title,
        "region_code": article.region_code,
        "document_number": article.document_number,
        "source": article.source,
        "summary": article.summary,
        "body_html": article.body_html,
    }
    form = ArticleForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_save(actor=request.user, article=article, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("文章已保存。"))
            return redirect(article.get_absolute_url())
    return _form_page(request, form, _("修改文章"), article)


@staff_permission_required(VIEW)
def article_detail(request, pk: int):
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    user = request.user
    return render(
        request,
        "portal/content/article_detail.html",
        {
            "article": article,
            "title": article.title,
            "breadcrumbs": [_crumb(), (article.title, None)],
            "attachments": selectors.article_attachments(article=article),
            "publish_form": PublishForm(),
            "withdraw_form": WithdrawForm(),
            "attachment_form": AttachmentForm(),
            "can_edit": user.has_perm(services.EDIT),
            "can_publish": user.has_perm(services.PUBLISH),
        },
    )


def _post_action(request, pk, form_class, action, done):
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(article, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(article.get_absolute_url())


@require_POST
@staff_permission_required(services.PUBLISH)
def article_publish(request, pk: int):
    def act(article, data):
        services.article_publish(article=article, actor=request.user, publish_at=data.get("publish_at"))

    return _post_action(request, pk, PublishForm, act, _("文章已发布（定时发布的，到时自动在门户显示）。"))


@require_POST
@staff_permission_required(services.PUBLISH)
def article_withdraw(request, pk: int):
    def act(article, data):
        services.article_withdraw(article=article, actor=request.user, reason=data["reason"])

    return _post_action(request, pk, WithdrawForm, act, _("文章已从门户撤下。"))


@require_POST
@staff_permission_required(services.EDIT)
def article_attach(request, pk: int):
    def act(article, data):
        services.article_attach(article=article, actor=request.user, upload=data["file"], name=data["name"])

    return _post_action(request, pk, AttachmentForm, act, _("附件已上传。"))
