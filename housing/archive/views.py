"""Pages of the electronic archive (电子档案): list and search, upload, detail, versions, download."""

from __future__ import annotations

from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from .forms import DocumentUploadForm, DocumentVersionForm, DocumentWithdrawForm
from .models import Category, Document, DocumentStatus, OwnerKind, Stage
from .selectors import (
    document_get_for_user,
    document_list,
    document_search,
    document_versions,
    documents_for_owner,
    owner_reference,
)
from .services import document_new_version, document_open_verified, document_upload, document_withdraw
from .storage import StorageIntegrityError


def _choice_filter(label, choices) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label,
        choices=choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class DocumentFilter(django_filters.FilterSet):
    category = _choice_filter(gettext_lazy("档案类型"), Category.choices)
    stage = _choice_filter(gettext_lazy("办理阶段"), Stage.choices)
    owner_kind = _choice_filter(gettext_lazy("归档方式"), OwnerKind.choices)
    status = _choice_filter(gettext_lazy("状态"), DocumentStatus.choices)

    class Meta:
        model = Document
        fields = ["category", "stage", "owner_kind", "status"]


class DocumentListView(ScopedListView):
    permission_required = "archive.view_document"
    template_name = "archive/document_list.html"
    title = gettext_lazy("电子档案")
    columns = [
        Column(gettext_lazy("档案编号"), "archive_number", sort="archive_number"),
        Column(gettext_lazy("档案名称"), "name", sort="name"),
        Column(gettext_lazy("档案类型"), "category", sort="category"),
        Column(gettext_lazy("办理阶段"), "stage", sort="stage"),
        Column(gettext_lazy("版本号"), "version"),
        Column(gettext_lazy("区划"), lambda d: d.region_name or d.region_code, sort="region_code"),
        Column(gettext_lazy("上传人"), lambda d: d.uploaded_by.display_name),
        Column(gettext_lazy("登记时间"), "uploaded_at", sort="uploaded_at"),
        Column(gettext_lazy("状态"), "status"),
    ]
    search_placeholder = gettext_lazy("档案名称、内容关键词或档案编号")
    filterset_class = DocumentFilter
    default_ordering = ("-uploaded_at", "-pk")
    export_filename = "电子档案"

    def get_base_queryset(self):
        return document_list(user=self.request.user)

    def get_queryset(self):
        # The shared pipeline filters and sorts; the search box is the archive's full-text search.
        queryset = super().get_queryset()
        return document_search(queryset, query=self.search_term)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_search"] = True
        return context


@staff_permission_required("archive.add_document")
def document_upload_view(request):
    initial = {
        key: request.GET[key]
        for key in (
            "owner_ref",
            "owner_kind",
            "application_number",
            "category",
            "stage",
            "name",
            "region_code",
        )
        if key in request.GET
    }
    if "region_code" not in initial and len(request.user.scope_prefixes or []) == 1:
        initial["region_code"] = request.user.scope_prefixes[0].ljust(12, "0")
    form = DocumentUploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_upload(
                actor=request.user,
                upload=data["file"],
                name=data["name"],
                category=data["category"],
                stage=data["stage"],
                region_code=data["region_code"],
                owner_kind=data["owner_kind"],
                owner=form.owner,
                application_number=data["application_number"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("档案 %(number)s 已上传。") % {"number": document.archive_number})
            return redirect(document)
    return render(
        request,
        "archive/form.html",
        {
            "form": form,
            "title": _("上传档案"),
            "is_upload": True,
            "submit_label": _("上传"),
            "cancel_url": reverse("archive:list"),
            "breadcrumbs": [(_("电子档案"), reverse("archive:list")), (_("上传档案"), None)],
        },
    )


@staff_permission_required("archive.view_document")
def document_detail_view(request, pk: int):
    document = document_get_for_user(user=request.user, pk=pk)
    versions = list(document_versions(user=request.user, document=document))
    latest = versions[0] if versions else document
    fields = [
        (_("档案编号"), document.archive_number),
        (_("版本号"), document.version),
        (_("档案名称"), document.name),
        (_("档案类型"), document.get_category_display()),
        (_("办理阶段"), document.get_stage_display()),
        (_("归档方式"), document.get_owner_kind_display()),
        (_("归属对象"), document.owner_label or None),
        (_("申请编号"), document.application_number or None),
        (_("区划"), f"{document.region_name or ''}（{document.region_code}）"),
        (_("上传人"), document.uploaded_by.display_name),
        (_("登记时间"), document.uploaded_at),
        (_("原文件名"), document.original_filename),
        (_("文件格式"), f"{document.get_file_kind_display()}（{document.mime_type}）"),
        (_("文件大小"), f"{document.size:,} 字节"),
        (_("SHA-256摘要"), document.sha256),
        (_("状态"), document.get_status_display()),
        (_("文本提取状态"), document.get_extraction_status_display()),
    ]
    if document.version_note:
        fields.append((_("版本说明"), document.version_note))
    if document.is_withdrawn:
        fields += [
            (_("撤回原因"), document.withdrawn_reason),
            (_("撤回人"), document.withdrawn_by.display_name if document.withdrawn_by else None),
            (_("撤回时间"), document.withdrawn_at),
        ]
    is_latest = latest.pk == document.pk
    context = {
        "object": document,
        "document": document,
        "title": f"{document.name}（{document.archive_number} 第{document.version}版）",
        "breadcrumbs": [(_("电子档案"), reverse("archive:list")), (document.archive_number, None)],
        "fields": fields,
        "versions": versions,
        "latest": latest,
        "is_latest": is_latest,
        "can_new_version": is_latest
        and not document.is_withdrawn
        and request.user.has_perm("archive.add_document"),
        "can_withdraw": not document.is_withdrawn and request.user.has_perm("archive.withdraw_document"),
        "tabs": [
            ("info", _("基本信息"), "backoffice/_fields.html"),
            ("versions", _("版本历史"), "archive/_versions.html"),
            ("preview", _("预览"), "archive/_preview.html"),
        ],
        "transitions": [],
    }
    return render(request, "archive/document_detail.html", context)


@staff_permission_required("archive.add_document")
def document_new_version_view(request, pk: int):
    document = document_get_for_user(user=request.user, pk=pk)
    form = DocumentVersionForm(request.POST or None, request.FILES or None, initial={"name": document.name})
    if request.method == "POST" and form.is_valid():
        try:
            new = document_new_version(
                actor=request.user,
                document=document,
                upload=form.cleaned_data["file"],
                version_note=form.cleaned_data["version_note"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已上传 %(number)s 第 %(version)s 版。")
                % {"number": new.archive_number, "version": new.version},
            )
            return redirect(new)
    return render(
        request,
        "archive/form.html",
        {
            "form": form,
            "title": _("上传新版本"),
            "is_upload": True,
            "submit_label": _("上传新版本"),
            "cancel_url": document.get_absolute_url(),
            "intro": _("原版本及其文件将原样保留，新版本的版本号为 %(version)s。")
            % {"version": document.version + 1},
            "breadcrumbs": [
                (_("电子档案"), reverse("archive:list")),
                (document.archive_number, document.get_absolute_url()),
                (_("上传新版本"), None),
            ],
        },
    )


@staff_permission_required("archive.withdraw_document")
def document_withdraw_view(request, pk: int):
    document = document_get_for_user(user=request.user, pk=pk)
    form = DocumentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_withdraw(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("档案已撤回，文件和记录仍保留备查。"))
            return redirect(document)
    return render(
        request,
        "archive/form.html",
        {
            "form": form,
            "title": _("撤回档案"),
            "submit_label": _("确认撤回"),
            "submit_class": "btn-danger",
            "cancel_url": document.get_absolute_url(),
            "intro": _("撤回后档案不再作为有效材料使用，但文件和记录永久保留。"),
            "breadcrumbs": [
                (_("电子档案"), reverse("archive:list")),
                (document.archive_number, document.get_absolute_url()),
                (_("撤回档案"), None),
            ],
        },
    )


@xframe_options_sameorigin  # the detail page's preview tab shows PDFs in an <iframe>
@staff_permission_required("archive.view_document")
def document_download_view(request, pk: int):
    """Stream the file after re-checking its SHA-256; a mismatch is an error page and an audit event."""
    document = document_get_for_user(user=request.user, pk=pk)
    inline = request.GET.get("inline") == "1" and (document.is_image or document.is_pdf)
    try:
        handle = document_open_verified(actor=request.user, document=document, inline=inline)
    except StorageIntegrityError as error:
        return render(
            request,
            "archive/integrity_error.html",
            {
                "title": _("文件校验失败"),
                "document": document,
                "message": str(error),
                "breadcrumbs": [
                    (_("电子档案"), reverse("archive:list")),
                    (document.archive_number, document.get_absolute_url()),
                    (_("文件校验失败"), None),
                ],
            },
            status=500,
        )
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=document.original_filename,
        content_type=document.mime_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def documents_panel_context(*, user, owner: models.Model, owner_kind: str = "") -> dict:
    """Context for ``archive/_documents_panel.html`` on another subsystem's detail page (档案 tab)."""
    query = {"owner_ref": owner_reference(owner)}
    if owner_kind:
        query["owner_kind"] = owner_kind
    if getattr(owner, "region_code", ""):
        query["region_code"] = owner.region_code
    return {
        "archive_documents": list(documents_for_owner(user=user, owner=owner)[:200]),
        "archive_upload_url": f"{reverse('archive:upload')}?{urlencode(query)}",
    }
