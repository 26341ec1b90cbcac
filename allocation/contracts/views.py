"""Back-office pages of contracts: list, draft (from a registry entry), detail, sign, renew, terminate, PDF. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from projects.models import Unit

from . import selectors
from .filters import ContractFilter
from .forms import ContractDraftForm, ContractRenewForm, ContractSignForm, ContractTerminateForm
from .models import ContractState
from .services import contract_draft, contract_renew, contract_sign, contract_terminate

VIEW, RUN = "allocation.view_contract", "allocation.sign_contract"


def _list_crumb():
    return (_("合同签约"), reverse("allocation:contracts_list"))


class ContractListView(ScopedListView):
    title = gettext_lazy("合同签约")
    permission_required = VIEW
    filterset_class = ContractFilter
    columns = [
        Column(gettext_lazy("合同编号"), lambda c: c.number or _("（草拟）"), sort="number", link=True),
        Column(gettext_lazy("合同类型"), lambda c: c.get_kind_display(), sort="kind"),
        Column(gettext_lazy("申请人编号"), "registry_entry.application_number"),
        Column(gettext_lazy("签约人"), "signer_name"),
        Column(gettext_lazy("签约人身份证号"), "signer_id_number_masked"),
        Column(gettext_lazy("房屋编号"), lambda c: c.unit.number if c.unit else "—"),
        Column(gettext_lazy("合同生效时间"), "effective_on", sort="effective_on"),
        Column(gettext_lazy("合同失效时间"), "expires_on", sort="expires_on"),
        Column(gettext_lazy("合同状态"), lambda c: c.get_state_display(), sort="state"),
    ]
    search_fields = ("number__iexact", "registry_entry__application_number__iexact", "signer_name__icontains")
    search_placeholder = gettext_lazy("合同编号、申请编号或签约人")
    default_ordering = ("-created_at", "-pk")
    export_filename = "保障对象合同签约"
    template_name = "allocation/contracts/list.html"

    def get_base_queryset(self):
        return selectors.contract_list(user=self.request.user)


def _form_page(request, *, form, title, contract=None, submit_label, intro="", cancel_url=None):
    crumbs = [_list_crumb()]
    if contract is not None:
        crumbs.append((str(contract), contract.get_absolute_url()))
    crumbs.append((title, None))
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs,
            "cancel_url": cancel_url
            or (contract.get_absolute_url() if contract else reverse("allocation:contracts_list")),
            "submit_label": submit_label,
            "intro": intro,
        },
    )


@staff_permission_required(RUN)
def contract_new(request):
    """草拟: pick the family (by 申请编号 or name) unless the registry page sent it, then the draft form."""
    entry_pk = request.GET.get("entry") or request.POST.get("entry")
    if not entry_pk:
        query = request.GET.get("q", "")
        entries = selectors.registry_entries_for_contract(user=request.user, search=query)
        page = Paginator(entries, 20).get_page(request.GET.get("page"))
        return render(
            request,
            "allocation/contracts/choose_entry.html",
            {"title": _("草拟合同：选择保障家庭"), "page_obj": page, "q": query,
             "breadcrumbs": [_list_crumb(), (_("草拟合同"), None)]},
        )  # fmt: skip
    try:
        entry = selectors.registry_entry_for_contract(user=request.user, pk=int(entry_pk))
    except ValueError:
        raise Http404 from None
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    from .services import default_kind_for

    kind = kind or default_kind_for(entry)
    units = list(
        selectors.allocatable_units(
            user=request.user, kind=kind, region_code=entry.region_code, entry_id=entry.pk
        )
    )
    # From a 选房 result the picked unit comes preselected (?unit=); it is listed first anyway.
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit", "").isdigit() else {}
    form = ContractDraftForm(request.POST or None, entry=entry, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit_pk = data.pop("unit")
        unit = Unit.objects.filter(pk=unit_pk).first() if unit_pk else None
        try:
            contract = contract_draft(registry_entry=entry, actor=request.user, unit=unit, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("合同已草拟，核对金额后签订。"))
            return redirect(contract.get_absolute_url())
    intro = _("保障家庭：%(name)s（%(number)s，%(mode)s，%(status)s）。租金、价款或补贴由保障规则计算。") % {
        "name": entry.applicant_name,
        "number": entry.application_number,
        "mode": entry.get_mode_kind_display() or entry.mode_code,
        "status": entry.get_status_display(),
    }
    return render(
        request,
        "allocation/contracts/draft.html",
        {"form": form, "entry": entry, "title": _("草拟合同"), "intro": intro,
         "breadcrumbs": [_list_crumb(), (_("草拟合同"), None)]},
    )  # fmt: skip


@staff_permission_required(VIEW)
def contract_detail(request, pk: int):
    contract = selectors.contract_get_for_user(user=request.user, pk=pk)
    user = request.user
    from housing.workflow.models import NodeInstance

    history = (
        NodeInstance.objects.filter(
            process__process_code="allocation_contract", process__object_id=str(contract.pk)
        )
        .select_related("actor", "node_template")
        .order_by("created_at", "pk")
    )
    context = {
        "object": contract,
        "contract": contract,
        "title": str(contract),
        "breadcrumbs": [_list_crumb(), (str(contract), None)],
        "archives": selectors.contract_archives(contract=contract),
        "chain": selectors.contract_renewals(contract=contract),
        "history": history,
        "can_sign": contract.state == ContractState.DRAFT and user.has_perm(RUN),
        "can_renew": contract.state == ContractState.SIGNED
        and not contract.is_sale
        and not hasattr(contract, "renewal")
        and user.has_perm(RUN),
        "can_terminate": contract.is_active and user.has_perm(RUN),
        "can_retry_pdf": contract.state != ContractState.DRAFT
        and contract.number
        and not contract.issued_document_id
        and user.has_perm(RUN),
        "tabs": [
            ("contract", _("合同信息"), "allocation/contracts/_info.html"),
            ("pdf", _("合同文本"), "allocation/contracts/_pdf.html"),
            ("archive", _("电子档案"), "allocation/contracts/_archive.html"),
            ("history", _("办理记录"), "allocation/contracts/_history.html"),
        ],
    }
    return render(request, "allocation/contracts/detail.html", context)


def _service_form(request, pk, *, form_class, call, title, submit_label, done, intro=""):
    contract = selectors.contract_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = call(contract, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(result.get_absolute_url())
    return _form_page(
        request, form=form, title=title, contract=contract, submit_label=submit_label, intro=intro
    )


@staff_permission_required(RUN)
def contract_sign_view(request, pk: int):
    return _service_form(
        request, pk, form_class=ContractSignForm,
        call=lambda c, d: contract_sign(contract=c, actor=request.user, signed_on=d["signed_on"]),
        title=_("签订合同"), submit_label=_("签订"),
        done=_("合同已签订并编号；合同文本生成后自动归档。"),
        intro=_("签订后住房转为“已配给”，家庭转为“保障中”。"),
    )  # fmt: skip


@staff_permission_required(RUN)
def contract_renew_view(request, pk: int):
    return _service_form(
        request, pk, form_class=ContractRenewForm,
        call=lambda c, d: contract_renew(contract=c, actor=request.user, term_months=d["term_months"]),
        title=_("续签合同"), submit_label=_("草拟续签合同"),
        done=_("已草拟续签合同，按现行规则重新计算金额；签订后原合同到期。"),
    )  # fmt: skip


@staff_permission_required(RUN)
def contract_terminate_view(request, pk: int):
    return _service_form(
        request, pk, form_class=ContractTerminateForm,
        call=lambda c, d: contract_terminate(contract=c, actor=request.user, reason=d["reason"]),
        title=_("终止合同"), submit_label=_("终止"), done=_("合同已终止。"),
        intro=_("尚未入住的，住房退回房源库（已交付）。"),
    )  # fmt: skip


@staff_permission_required(RUN)
def contract_pdf_retry(request, pk: int):
    contract = selectors.contract_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        from .documents import contract_pdf_issue

        contract = contract_pdf_issue(contract_id=contract.pk, actor=request.user)
        if contract.issued_document_id:
            messages.success(request, _("合同文本已生成并归档。"))
        else:
            messages.error(request, _("合同文本生成失败：%(e)s") % {"e": contract.pdf_error})
    return redirect(contract.get_absolute_url())


def pdf_response(*, actor, contract, archive=None):
    """The archived PDF of a contract, re-hashed before it is sent (archive service audits the download)."""
    from housing.archive.services import document_open_verified

    archive = archive or contract.archive_entry
    if archive is None:
        raise Http404
    handle = document_open_verified(actor=actor, document=archive.document)
    return FileResponse(
        handle, as_attachment=True, filename=f"{contract.number}.pdf", content_type="application/pdf"
    )


@staff_permission_required(VIEW)
def contract_pdf(request, pk: int):
    contract = selectors.contract_get_for_user(user=request.user, pk=pk)
    return pdf_response(actor=request.user, contract=contract)
