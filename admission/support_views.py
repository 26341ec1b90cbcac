"""支持对象管理 (A.3.17 / A.3.18): services, selectors, forms, pages and admin of support-object approvals.

The city centre records an application of a housing supplier — a unit (单位) or a private person (个人)
— for a support project, mode and condition of the rules subsystem, then reviews it once: 审核核定
with the 核定额度 (the reviewing unit and time are stamped), or 不予核定. Every step is recorded in the
workflow process ``admission_support_approval``. Lists and details are region-scoped (an approval belongs
to the city or district of its support project); out of scope is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
import django_fsm
from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from housing.accounts.admin import ScopedAdminMixin
from housing.accounts.scope import code_in_scope, get_in_scope_or_404, scope_queryset
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import BootstrapFormMixin, add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.regions.codes import Level, scope_prefix
from housing.regions.models import Region
from housing.workflow.models import (
    NodeInstance,
    NodeKind,
    NodeLink,
    NodeParticipant,
    NodeTemplate,
    ProcessTemplate,
)
from housing.workflow.services import workflow_record_transition
from rules.models import SupportModeKind

from .support_approvals import (
    SupplierPersonApproval,
    SupplierUnitApproval,
    SupportApproval,
    SupportApprovalState,
)

PROCESS_CODE = "admission_support_approval"
# (code, name, kind, handler role, time limit in working days)
PROCESS_NODES = (
    ("apply", "申请登记", NodeKind.START, "city_centre", None),
    ("review", "审核核定", NodeKind.TASK, "city_centre", 15),
    ("end", "办结", NodeKind.END, "", None),
)
LANDLORD = "landlord"  # rules.SupplierType.LANDLORD: the one supplier type that is a private person


@dataclass(frozen=True)
class Kind:
    """One of the two approval tables, and what differs between their pages."""

    key: str  # "unit" | "person": URL segment and URL-name part
    model: type[SupportApproval]
    number_prefix: str
    title: Any
    person: bool

    @property
    def app_model(self) -> str:
        return f"admission.{self.model._meta.model_name}"

    @property
    def view_permission(self) -> str:
        return f"admission.view_{self.model._meta.model_name}"

    @property
    def add_permission(self) -> str:
        return f"admission.add_{self.model._meta.model_name}"

    @property
    def approve_permission(self) -> str:
        return self.model.approve_permission()

    def url(self, action: str, *args) -> str:
        return reverse(f"admission:support_{self.key}_{action}", args=args)


UNIT = Kind("unit", SupplierUnitApproval, "ZCDW", gettext_lazy("保障住房供给单位登记审批"), False)
PERSON = Kind("person", SupplierPersonApproval, "ZCGR", gettext_lazy("保障住房供给个人登记审批"), True)
KINDS = {UNIT.key: UNIT, PERSON.key: PERSON}

COMMON_FIELDS = (
    "region_code",
    "support_project_code",
    "support_mode",
    "support_condition_code",
    "standard_amount",
    "subsidy_due",
    "payable_amount",
    "deduction_amount",
    "requested_amount",
    "applied_at",
)
KIND_FIELDS = {
    "unit": ("unit_code", "unit_name", "project_number", "project_name"),
    "person": ("applicant_name", "applicant_id_type", "applicant_id_number"),
}


# --- services -----------------------------------------------------------------------------------------


def ensure_support_approval_template() -> ProcessTemplate:
    """The 「支持对象登记审批」 process: 申请登记 → 审核核定 (15 working days) → 办结."""
    template = ProcessTemplate.objects.filter(code=PROCESS_CODE, is_active=True).first()
    if template is not None:
        return template
    template, created = ProcessTemplate.objects.get_or_create(
        code=PROCESS_CODE,
        version=1,
        defaults={
            "name": "支持对象登记审批",
            "description": "保障住房供给单位、个人申请的登记与审核核定（CJJ/T 196 A.3.17、A.3.18）。",
            "category": "准入登记",
            "is_active": True,
        },
    )
    if created:
        nodes = {}
        for order, (code, name, kind, role, limit) in enumerate(PROCESS_NODES):
            nodes[code] = NodeTemplate.objects.create(
                process=template, code=code, name=name, kind=kind, order=order * 10, time_limit_days=limit
            )
            if role:
                NodeParticipant.objects.create(node=nodes[code], role_code=role)
        for before, after in (("apply", "review"), ("review", "end")):
            NodeLink.objects.create(
                process=template, from_node=nodes[before], to_node=nodes[after], priority=10
            )
    return template


def support_options(*, region_code: str, person: bool):
    """Enabled support projects over ``region_code`` whose supplier type fits the table (unit / person)."""
    from rules.models import SupportProject

    projects = SupportProject.objects.filter(is_enabled=True).order_by("code")
    projects = projects.filter(supplier_type=LANDLORD) if person else projects.exclude(supplier_type=LANDLORD)
    return [p for p in projects if region_code.startswith(scope_prefix(p.region_code))]


def _check_support(approval: SupportApproval, *, person: bool) -> None:
    """申请支持项目、方式、条件 must be those of the rules subsystem in force over the approval's region."""
    from rules.models import SupplierType, SupportCondition, SupportMode, SupportProject

    region_code = approval.region_code
    candidates = [
        p
        for p in SupportProject.objects.filter(code=approval.support_project_code, is_enabled=True)
        if region_code.startswith(scope_prefix(p.region_code))
    ]
    if not candidates:
        raise ValidationError({"support_project_code": _("本区划没有启用该支持项目。")})
    project = candidates[0]
    if (project.supplier_type == LANDLORD) != person:
        raise ValidationError(
            {
                "support_project_code": _("该支持项目的支持对象是“%(type)s”，请在%(table)s中登记。")
                % {
                    "type": SupplierType(project.supplier_type).label,
                    "table": _("保障住房供给个人审批") if not person else _("保障住房供给单位审批"),
                }
            }
        )
    approval.supplier_type = project.supplier_type
    mode = SupportMode.objects.filter(project=project, kind=approval.support_mode, is_enabled=True).first()
    if mode is None:
        raise ValidationError({"support_mode": _("该支持项目没有启用此支持方式。")})
    if (
        approval.support_condition_code
        and not SupportCondition.objects.filter(
            mode=mode, code=approval.support_condition_code, is_enabled=True
        ).exists()
    ):
        raise ValidationError({"support_condition_code": _("该支持方式没有此申请条件。")})


def _next_number(model: type[SupportApproval], prefix: str) -> str:
    """审批编号 ZCDW-<年度>-<6位顺序号> (单位) / ZCGR-… (个人)."""
    start = f"{prefix}-{timezone.localdate().year}-"
    last = (
        model.objects.filter(approval_number__startswith=start)
        .order_by("-approval_number")
        .values_list("approval_number", flat=True)
        .first()
    )
    return f"{start}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:06d}"


def _record(approval: SupportApproval, *, actor, transition: str, from_state: str, opinion: str, node: str):
    workflow_record_transition(
        obj=approval,
        actor=actor,
        transition=transition,
        from_state=from_state,
        to_state=approval.state,
        opinion=opinion,
        process_code=PROCESS_CODE,
        next_node_code=node,
    )


def support_approval_record(*, kind: str, data: dict[str, Any], actor) -> SupportApproval:
    """申请登记: record a supplier's application (A.3.17 unit or A.3.18 person); nothing saved on error."""
    spec = KINDS[kind]
    allowed = set(COMMON_FIELDS) | set(KIND_FIELDS[kind])
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    if not actor.has_perm(spec.add_permission):
        raise PermissionDenied
    ensure_support_approval_template()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                approval = spec.model(created_by=actor, **data)
                if not approval.region_code or not code_in_scope(actor, approval.region_code):
                    raise ValidationError({"region_code": _("只能登记本人管辖区划内的申请。")})
                _check_support(approval, person=spec.person)
                approval.approval_number = _next_number(spec.model, spec.number_prefix)
                approval.full_clean(exclude=["state"])
                approval.save()
                _record(
                    approval,
                    actor=actor,
                    transition="apply",
                    from_state="",
                    opinion=_("登记申请，申请额度 %(amount)s 元。") % {"amount": approval.requested_amount},
                    node="review",
                )
                return approval
        except IntegrityError:
            continue  # two clerks took the same number at once: take the next one
    raise ValidationError(_("审批编号生成冲突，请重试。"))


def _review_prelude(
    approval: SupportApproval, *, actor, name: str, opinion: str
) -> tuple[SupportApproval, str]:
    approval = type(approval).objects.select_for_update().get(pk=approval.pk)
    if not code_in_scope(actor, approval.region_code):
        raise PermissionDenied
    method = getattr(approval, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("本申请当前为“%(state)s”，不能再审核。") % {"state": approval.get_state_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有审核核定支持对象申请的权限。"))
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("请填写审核意见。")})
    return approval, opinion


def _stamp(approval: SupportApproval, *, actor, opinion: str) -> None:
    approval.reviewer = actor
    approval.reviewed_at = timezone.now()
    organisation = getattr(actor, "organisation", None)
    approval.reviewing_unit = organisation.name if organisation is not None else str(actor)
    approval.review_opinion = opinion


@transaction.atomic
def support_approval_approve(
    *, approval: SupportApproval, actor, approved_amount: Decimal | None, opinion: str
) -> SupportApproval:
    """审核核定: the 核定额度 (at most the 申请额度), stamped with 审核单位 and 审核时间."""
    approval, opinion = _review_prelude(approval, actor=actor, name="approve", opinion=opinion)
    if approved_amount is None:
        raise ValidationError({"approved_amount": _("请填写核定额度。")})
    from_state = approval.state
    approval.approve()
    approval.approved_amount = approved_amount
    _stamp(approval, actor=actor, opinion=opinion)
    approval.full_clean(exclude=["state"])
    approval.save()
    _record(approval, actor=actor, transition="approve", from_state=from_state, opinion=opinion, node="end")
    return approval


@transaction.atomic
def support_approval_refuse(*, approval: SupportApproval, actor, opinion: str) -> SupportApproval:
    """不予核定, with the reason as the opinion."""
    approval, opinion = _review_prelude(approval, actor=actor, name="refuse", opinion=opinion)
    from_state = approval.state
    approval.refuse()
    _stamp(approval, actor=actor, opinion=opinion)
    approval.full_clean(exclude=["state"])
    approval.save()
    _record(approval, actor=actor, transition="refuse", from_state=from_state, opinion=opinion, node="end")
    return approval


# --- selectors ---------------------------------------------------------------------------------------


LIST_DEFERRED = {"person": ("applicant_id_number",), "unit": ()}


def support_approval_list(*, kind: str, user) -> QuerySet[SupportApproval]:
    """Approvals of one table in the user's scope, without the encrypted ID number column."""
    return scope_queryset(KINDS[kind].model.objects.defer(*LIST_DEFERRED[kind]), user)


def support_approval_get_for_user(*, kind: str, user, pk) -> SupportApproval:
    try:
        return get_in_scope_or_404(
            KINDS[kind].model.objects.select_related("reviewer", "created_by"), user, pk=pk
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def support_approval_nodes(*, approval: SupportApproval) -> QuerySet[NodeInstance]:
    content_type = ContentType.objects.get_for_model(approval)
    return (
        NodeInstance.objects.filter(
            process__content_type=content_type,
            process__object_id=str(approval.pk),
            process__process_code=PROCESS_CODE,
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def support_scope_regions(*, user) -> QuerySet[Region]:
    """The city and districts a user may record an approval under."""
    return scope_queryset(
        Region.objects.filter(level__in=[Level.CITY, Level.DISTRICT], is_active=True), user, field="code"
    ).order_by("code")


# --- forms -----------------------------------------------------------------------------------------------


class SupportApprovalForm(BootstrapFormMixin, forms.ModelForm):
    region_code = forms.ChoiceField(label=gettext_lazy("所属区划"))
    support_project_code = forms.ChoiceField(label=gettext_lazy("申请支持项目类别"))
    support_condition_code = forms.ChoiceField(label=gettext_lazy("申请支持条件编号"), required=False)
    applied_at = forms.DateTimeField(
        label=gettext_lazy("申请时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, kind: Kind, user, **kwargs):
        super().__init__(*args, **kwargs)
        from rules.models import SupportCondition, SupportProject

        regions = list(support_scope_regions(user=user))
        self.fields["region_code"].choices = [(r.code, r.full_name()) for r in regions]
        projects = SupportProject.objects.filter(is_enabled=True).order_by("code")
        projects = (
            projects.filter(supplier_type=LANDLORD)
            if kind.person
            else projects.exclude(supplier_type=LANDLORD)
        )
        seen: dict[str, str] = {}
        for project in projects:
            seen.setdefault(
                project.code, f"{project.code} {project.name}（{project.get_supplier_type_display()}）"
            )
        self.fields["support_project_code"].choices = [("", "—")] + sorted(seen.items())
        conditions = (
            SupportCondition.objects.filter(is_enabled=True, mode__project__code__in=list(seen))
            .order_by("code")
            .values_list("code", "condition")
        )
        self.fields["support_condition_code"].choices = [("", "—")] + sorted(
            {(code, f"{code} {text}") for code, text in conditions}
        )
        if not self.is_bound:
            self.initial.setdefault("applied_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    class Meta:
        model = SupplierUnitApproval
        fields: tuple[str, ...] = ()


def support_form_class(kind: Kind) -> type[SupportApprovalForm]:
    meta = type("Meta", (), {"model": kind.model, "fields": (*KIND_FIELDS[kind.key], *COMMON_FIELDS)})
    return type(f"{kind.model.__name__}Form", (SupportApprovalForm,), {"Meta": meta})


class ApproveForm(BootstrapFormMixin, forms.Form):
    approved_amount = forms.DecimalField(
        label=gettext_lazy("核定额度"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    opinion = forms.CharField(label=gettext_lazy("审核意见"), widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=gettext_lazy("不予核定理由"), widget=forms.Textarea(attrs={"rows": 3}))


class SupportApprovalFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("审批状态"),
        choices=SupportApprovalState.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    support_mode = django_filters.ChoiceFilter(
        label=gettext_lazy("申请支持方式"),
        choices=SupportModeKind.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


# --- pages -------------------------------------------------------------------------------------------------


def _columns(kind: Kind) -> list[Column]:
    who = (
        [
            Column(gettext_lazy("申请人姓名"), "applicant_name", sort="applicant_name"),
            Column(gettext_lazy("申请人证件证号"), "applicant_id_number_masked"),
        ]
        if kind.person
        else [
            Column(gettext_lazy("单位名称"), "unit_name", sort="unit_name"),
            Column(gettext_lazy("项目名称"), "project_name"),
        ]
    )
    return [
        Column(gettext_lazy("审批编号"), "approval_number", sort="approval_number", link=True),
        *who,
        Column(gettext_lazy("申请支持方式"), "support_mode"),
        Column(gettext_lazy("申请额度"), "requested_amount", sort="requested_amount"),
        Column(gettext_lazy("核定额度"), "approved_amount"),
        Column(gettext_lazy("审批状态"), "state", sort="state"),
        Column(gettext_lazy("申请时间"), "applied_at", sort="applied_at"),
        Column(gettext_lazy("审核单位"), "reviewing_unit"),
    ]


class SupportApprovalListView(ScopedListView):
    """The approvals of one table in the user's scope; 待审核 / 已核定 / 不予核定 by ``?state=``."""

    kind: Kind = UNIT
    filterset_class = SupportApprovalFilter
    default_ordering = ("-applied_at", "-pk")
    search_placeholder = gettext_lazy("审批编号、单位名称或申请人姓名")
    template_name = "admission/support/list.html"

    def get_permission_required(self):
        return (self.kind.view_permission,)

    @property
    def title(self):
        return self.kind.title

    @property
    def columns(self):
        return _columns(self.kind)

    @property
    def search_fields(self):
        name = "applicant_name__icontains" if self.kind.person else "unit_name__icontains"
        return ("approval_number__iexact", name)

    @property
    def export_filename(self):
        return str(self.kind.title)

    def get_base_queryset(self):
        return support_approval_list(kind=self.kind.key, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            can_add=self.request.user.has_perm(self.kind.add_permission),
            create_url=self.kind.url("create"),
        )
        return context


def _detail_crumbs(kind: Kind, approval=None, action: str | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [(str(kind.title), kind.url("list"))]
    if approval is not None:
        crumbs.append((approval.approval_number, approval.get_absolute_url() if action else None))
    if action:
        crumbs.append((action, None))
    return crumbs


def support_detail(request, pk: int, *, kind: Kind):
    approval = support_approval_get_for_user(kind=kind.key, user=request.user, pk=pk)
    actions = []
    if approval.is_open and request.user.has_perm(kind.approve_permission):
        actions = [
            (_("审核核定"), kind.url("approve", approval.pk), "success"),
            (_("不予核定"), kind.url("refuse", approval.pk), "outline-danger"),
        ]
    context = {
        "object": approval,
        "approval": approval,
        "kind": kind,
        "title": _("%(table)s：%(number)s") % {"table": kind.title, "number": approval.approval_number},
        "breadcrumbs": _detail_crumbs(kind, approval),
        "nodes": list(support_approval_nodes(approval=approval)),
        "actions": actions,
        "transitions": [],
        "tabs": [
            ("info", _("审批信息"), "admission/support/_info.html"),
            ("records", _("办理记录"), "admission/support/_records.html"),
        ],
    }
    return render(request, "admission/support/detail.html", context)


def _form_page(request, *, form, kind: Kind, title: str, approval=None, submit_label: str, intro: str = ""):
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": _detail_crumbs(kind, approval, title),
            "cancel_url": approval.get_absolute_url() if approval else kind.url("list"),
            "submit_label": submit_label,
            "intro": intro,
        },
    )


def support_create(request, *, kind: Kind):
    form = support_form_class(kind)(request.POST or None, kind=kind, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            approval = support_approval_record(kind=kind.key, data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记：%(number)s。") % {"number": approval.approval_number})
            return redirect(approval.get_absolute_url())
    return _form_page(
        request,
        form=form,
        kind=kind,
        title=_("登记%(table)s申请") % {"table": kind.title},
        submit_label=_("登记"),
        intro=_("申请支持对象类别按所选支持项目确定；金额单位为元。"),
    )


def support_review(request, pk: int, *, kind: Kind, decision: str):
    approval = support_approval_get_for_user(kind=kind.key, user=request.user, pk=pk)
    form_class = ApproveForm if decision == "approve" else RefuseForm
    initial = {"approved_amount": approval.requested_amount} if decision == "approve" else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if decision == "approve":
                support_approval_approve(approval=approval, actor=request.user, **form.cleaned_data)
            else:
                support_approval_refuse(approval=approval, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已审核：%(number)s。") % {"number": approval.approval_number})
            return redirect(approval.get_absolute_url())
    label = _("审核核定") if decision == "approve" else _("不予核定")
    return _form_page(
        request,
        form=form,
        kind=kind,
        approval=approval,
        title=label,
        submit_label=label,
        intro=_("申请额度 %(amount)s 元。") % {"amount": approval.requested_amount},
    )


def support_urlpatterns() -> list:
    """Appended to ``admission/urls.py``: list, 登记, detail, 审核核定 and 不予核定 of both tables."""
    patterns = []
    for kind in KINDS.values():
        base = f"support/{kind.key}s/"
        patterns += [
            path(base, SupportApprovalListView.as_view(kind=kind), name=f"support_{kind.key}_list"),
            path(
                f"{base}new/",
                staff_permission_required(kind.add_permission)(support_create),
                {"kind": kind},
                name=f"support_{kind.key}_create",
            ),
            path(
                f"{base}<int:pk>/",
                staff_permission_required(kind.view_permission)(support_detail),
                {"kind": kind},
                name=f"support_{kind.key}_detail",
            ),
            path(
                f"{base}<int:pk>/approve/",
                staff_permission_required(kind.approve_permission)(support_review),
                {"kind": kind, "decision": "approve"},
                name=f"support_{kind.key}_approve",
            ),
            path(
                f"{base}<int:pk>/refuse/",
                staff_permission_required(kind.approve_permission)(support_review),
                {"kind": kind, "decision": "refuse"},
                name=f"support_{kind.key}_refuse",
            ),
        ]
    return patterns


# --- admin and navigation ---------------------------------------------------------------------------------


class SupportApprovalAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Looking up approvals; records and reviews go through the pages (their services check the rules)."""

    list_filter = ["state", "support_mode", "supplier_type"]
    readonly_fields = [
        "approval_number",
        "state",
        "approved_amount",
        "reviewed_at",
        "reviewing_unit",
        "reviewer",
    ]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SupplierUnitApprovalAdmin(SupportApprovalAdmin):
    list_display = [
        "approval_number",
        "unit_name",
        "project_name",
        "requested_amount",
        "approved_amount",
        "state",
    ]
    search_fields = ["=approval_number", "unit_name", "=unit_code"]


class SupplierPersonApprovalAdmin(SupportApprovalAdmin):
    list_display = [
        "approval_number",
        "applicant_name",
        "applicant_id_number_masked",
        "requested_amount",
        "approved_amount",
        "state",
    ]
    search_fields = ["=approval_number", "applicant_name"]
    exclude = ["applicant_id_number"]
    readonly_fields = [*SupportApprovalAdmin.readonly_fields, "applicant_id_number_masked"]


def ready() -> None:
    """Called from ``AdmissionConfig.ready()``: admin registration and the menu entries."""
    from housing.backoffice.navigation import NavItem
    from housing.backoffice.navigation import register as register_nav

    for model, model_admin in (
        (SupplierUnitApproval, SupplierUnitApprovalAdmin),
        (SupplierPersonApproval, SupplierPersonApprovalAdmin),
    ):
        if not admin.site.is_registered(model):
            admin.site.register(model, model_admin)
    register_nav(
        section="admission_support",
        section_title=gettext_lazy("支持对象管理"),
        order=210,
        items=[
            NavItem(
                gettext_lazy("供给单位登记审批"),
                "admission:support_unit_list",
                permission=UNIT.view_permission,
            ),
            NavItem(
                gettext_lazy("供给个人登记审批"),
                "admission:support_person_list",
                permission=PERSON.view_permission,
            ),
        ],
    )
