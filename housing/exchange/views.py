"""Back-office pages of the exchange: datasets, import with its report, batches, and the person lookup."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.identity import mask_id_number
from housing.audit.models import AuditAction
from housing.audit.services import audit_record
from housing.backoffice.access import staff_permission_required
from housing.backoffice.listing import Column, ScopedListView

from .forms import ImportForm, LookupForm
from .models import Dataset
from .selectors import dataset_list, import_batch_get_for_user, import_batch_list
from .services import dataset_import, person_check


def _crumbs(*items):
    return [(_("数据交换"), reverse("exchange:datasets")), *items]


@staff_permission_required("exchange.view_dataset")
def datasets(request):
    context = {
        "datasets": dataset_list(user=request.user),
        "title": _("部门数据集"),
        "breadcrumbs": _crumbs((_("部门数据集"), None)),
    }
    return render(request, "exchange/dataset_list.html", context)


@staff_permission_required("exchange.import_dataset")
def import_file(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = dataset_import(
                dataset=form.cleaned_data["dataset"],
                file_name=upload.name,
                content=upload.read(),
                source_date=form.cleaned_data["source_date"],
                import_valid_rows=form.cleaned_data["import_valid_rows"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.info(request, _("导入结果：%(status)s") % {"status": batch.get_status_display()})
            return redirect(batch)
    context = {
        "form": form,
        "datasets": Dataset.objects.filter(is_active=True),
        "title": _("导入部门数据"),
        "breadcrumbs": _crumbs((_("导入部门数据"), None)),
    }
    return render(request, "exchange/import.html", context)


class BatchListView(ScopedListView):
    """导入批次: every file imported (city-wide, like the mirror itself)."""

    permission_required = "exchange.view_importbatch"
    title = gettext_lazy("导入批次")
    columns = [
        Column(gettext_lazy("导入时间"), "imported_at", sort="imported_at", link=True),
        Column(gettext_lazy("数据集"), lambda b: b.dataset.name),
        Column(gettext_lazy("文件名"), "file_name", sort="file_name"),
        Column(gettext_lazy("数据日期"), "source_date", sort="source_date"),
        Column(gettext_lazy("有效行数"), "rows_ok"),
        Column(gettext_lazy("错误行数"), "rows_failed"),
        Column(gettext_lazy("状态"), lambda b: b.get_status_display(), sort="status"),
        Column(gettext_lazy("导入人"), lambda b: b.imported_by.display_name),
    ]
    search_fields = ("file_name__icontains", "dataset__name__icontains")
    search_placeholder = gettext_lazy("文件名或数据集")
    default_ordering = ("-imported_at", "-id")
    export_filename = "导入批次"

    def get_base_queryset(self):
        return import_batch_list(user=self.request.user)


@staff_permission_required("exchange.view_importbatch")
def batch_detail(request, pk: int):
    batch = import_batch_get_for_user(user=request.user, pk=pk)
    title = _("导入报告：%(name)s") % {"name": batch.file_name}
    context = {
        "batch": batch,
        "title": title,
        "breadcrumbs": _crumbs((_("导入批次"), reverse("exchange:batches")), (title, None)),
    }
    return render(request, "exchange/batch_detail.html", context)


@staff_permission_required("exchange.view_mirrorrecord")
def lookup(request):
    """部门数据查询: the ID number travels by POST so it stays out of URLs and access logs."""
    form = LookupForm(request.POST or None)
    results = None
    masked = ""
    if request.method == "POST" and form.is_valid():
        id_number = form.cleaned_data["id_number"]
        masked = mask_id_number(id_number)
        active = {d.code: d for d in Dataset.objects.filter(is_active=True)}
        results = person_check(id_number=id_number, dataset_codes=list(active))
        labels = {
            code: {f["name"]: f.get("label") or f["name"] for f in d.fields} for code, d in active.items()
        }
        # Showing a person's department records is a sensitive display (DESIGN §4 rule 8).
        audit_record(
            action=AuditAction.VIEW_SENSITIVE,
            object_type="exchange.person",
            object_repr=masked,
            description=_("查询部门数据：%(id)s，%(n)s 个数据集有记录")
            % {"id": masked, "n": sum(r.found for r in results)},
            region_code="",
        )
        form = LookupForm()  # the page echoes only the mask, never the number typed in
    rows = [
        {
            "result": r,
            "records": [
                {**rec, "labelled": [(labels[r.dataset_code].get(k, k), v) for k, v in rec["values"].items()]}
                for rec in r.records
            ],
        }
        for r in results or []
    ]
    context = {
        "form": form,
        "results": results,
        "rows": rows,
        "masked": masked,
        "title": _("部门数据查询"),
        "breadcrumbs": _crumbs((_("部门数据查询"), None)),
    }
    return render(request, "exchange/lookup.html", context)
