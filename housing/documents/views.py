"""The public verification page and the back-office pages for document templates."""

from __future__ import annotations

import django_fsm
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import require_staff_permission as _staff_with
from housing.backoffice.listing import Column, ScopedListView

from .forms import DocumentTemplateForm
from .models import TRANSITION_LABELS
from .selectors import document_template_get_for_user, document_template_list, issued_document_verify
from .services import (
    TRANSITION_SERVICES,
    document_template_copy,
    document_template_preview,
    document_template_update,
)


def verify(request, number: str):
    """文书真伪核验 (public, no login): only the number, title and date of a genuine document."""
    document = issued_document_verify(number=number.strip()[:32])
    status = 200 if document else 404
    return render(request, "documents/verify.html", {"document": document, "number": number}, status=status)


# --- back office --------------------------------------------------------------------------------


class TemplateListView(ScopedListView):
    permission_required = "documents.view_documenttemplate"
    title = gettext_lazy("文书模板")
    columns = [
        Column(gettext_lazy("模板编码"), "code", sort="code", link=True),
        Column(gettext_lazy("模板名称"), "name", sort="name"),
        Column(gettext_lazy("版本号"), "version", sort="version"),
        Column(gettext_lazy("状态"), "state", sort="state"),
        Column(gettext_lazy("已出具"), "issued_count"),
        Column(gettext_lazy("修改时间"), "updated_at", sort="updated_at"),
    ]
    search_fields = ("code__icontains", "name__icontains")
    search_placeholder = gettext_lazy("模板编码或名称")
    default_ordering = ("code", "-version")
    export_filename = "文书模板"

    def get_base_queryset(self):
        return document_template_list(user=self.request.user).annotate(issued_count=Count("issued"))


def template_detail(request, pk: int):
    _staff_with(request, "documents.view_documenttemplate")
    template = document_template_get_for_user(user=request.user, pk=pk)
    transitions = [
        {
            "name": t.name,
            "label": TRANSITION_LABELS.get(t.name, t.name),
            "url": reverse("documents_office:template_transition", args=[template.pk]),
            "style": "danger" if t.name == "retire" else "primary",
        }
        for t in template.get_available_user_state_transitions(request.user)
    ]
    context = {
        "object": template,
        "template_obj": template,
        "title": str(template),
        "breadcrumbs": [(_("文书模板"), reverse("documents_office:templates")), (str(template), None)],
        "fields": [
            (_("模板编码"), template.code),
            (_("模板名称"), template.name),
            (_("版本号"), template.version),
            (_("状态"), template.get_state_display()),
            (_("行政区划代码"), template.region_code),
            (_("创建人"), template.created_by.display_name if template.created_by else ""),
            (_("修改时间"), template.updated_at),
        ],
        "tabs": [
            ("info", _("基本信息"), "backoffice/_fields.html"),
            ("body", _("模板正文"), "documents/_template_body.html"),
        ],
        "transitions": transitions,
        "can_change": request.user.has_perm("documents.change_documenttemplate"),
    }
    return render(request, "documents/template_detail.html", context)


@require_POST
def template_transition(request, pk: int):
    _staff_with(request, "documents.view_documenttemplate")
    template = document_template_get_for_user(user=request.user, pk=pk)
    service = TRANSITION_SERVICES.get(request.POST.get("transition", ""))
    if service is None:
        messages.error(request, _("未知的操作。"))
        return redirect(template)
    try:
        service(template=template, actor=request.user, opinion=request.POST.get("opinion", "")[:500])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except django_fsm.TransitionNotAllowed:
        messages.error(request, _("当前状态不允许此操作，请刷新后重试。"))
    else:
        messages.success(request, _("操作成功。"))
    return redirect(template)


@require_POST
def template_copy(request, pk: int):
    """ "修改": copy this version into a new draft and open it."""
    _staff_with(request, "documents.change_documenttemplate")
    template = document_template_get_for_user(user=request.user, pk=pk)
    draft = document_template_copy(template=template, actor=request.user)
    messages.success(request, _("已生成第%(version)s版草稿，请修改后启用。") % {"version": draft.version})
    return redirect(draft)


def template_edit(request, pk: int):
    _staff_with(request, "documents.change_documenttemplate")
    template = document_template_get_for_user(user=request.user, pk=pk)
    if not template.is_editable:
        messages.error(request, _("已启用或已停用的模板版本不能修改，请使用“修改”生成新的草稿版本。"))
        return redirect(template)
    form = DocumentTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        document_template_update(
            template=template,
            actor=request.user,
            name=form.cleaned_data["name"],
            body=form.cleaned_data["body"],
            sample_context=form.cleaned_data["sample_context"],
        )
        messages.success(request, _("模板已保存。"))
        return redirect(template)
    context = {
        "form": form,
        "object": template,
        "title": _("编辑 %(template)s") % {"template": template},
        "breadcrumbs": [
            (_("文书模板"), reverse("documents_office:templates")),
            (str(template), template.get_absolute_url()),
            (_("编辑"), None),
        ],
    }
    return render(request, "documents/template_form.html", context)


def template_preview(request, pk: int):
    """ "预览PDF" with the template's sample data."""
    _staff_with(request, "documents.view_documenttemplate")
    template = document_template_get_for_user(user=request.user, pk=pk)
    pdf = document_template_preview(template=template)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{template.code}-v{template.version}.pdf"'
    return response
