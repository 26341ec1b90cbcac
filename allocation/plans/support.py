"""Writes of 支持项目资源配置方案 (A.6.7, A.6.8): land and subsidies for approved suppliers.

The support objects are the approvals the city centre has 核定 (admission.support_approvals, A.3.17 for
units, A.3.18 for persons) of the plan's support project, mode and object type, in the plan's region.
Each object's subsidy is its 核定额度; its land area is entered when it is added (土地配给). The plan's
totals are computed from the objects.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.support_approvals import SupplierPersonApproval, SupplierUnitApproval, SupportApprovalState
from housing.accounts.scope import code_in_scope
from housing.documents.services import document_number_next
from housing.regions.codes import scope_prefix
from housing.workflow.services import workflow_record_transition
from rules.models import SupplierType

from .models import SupportAllocationPlan, SupportAllocationPlanObject, SupportAllocationPlanState
from .services import PERIOD_PATTERNS, RUN
from .workflow import SUPPORT_PLAN_PROCESS_CODE, ensure_plan_templates


def _require(actor, region_code: str) -> None:
    if not actor.has_perm(RUN) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有在该区划编制配置方案的权限。"))


def _check_period(plan: SupportAllocationPlan) -> None:
    pattern, example = PERIOD_PATTERNS.get(plan.period_kind, (None, ""))
    if pattern is not None and not pattern.match(plan.period or ""):
        raise ValidationError(
            {"period": _("方案周期应与期别类型一致，例如 %(example)s。") % {"example": example}}
        )


@transaction.atomic
def support_plan_create(
    *,
    actor,
    region_code: str,
    name: str,
    support_project_code: str,
    period_kind: str,
    period: str,
    support_mode: str,
    object_type: str,
    description: str = "",
) -> SupportAllocationPlan:
    _require(actor, region_code)
    plan = SupportAllocationPlan(
        number=document_number_next(prefix=f"ZCFA-{region_code[:6]}", year=timezone.localdate().year),
        region_code=region_code,
        name=name.strip(),
        support_project_code=support_project_code.strip(),
        period_kind=period_kind,
        period=period.strip(),
        support_mode=support_mode,
        object_type=object_type,
        description=description,
        created_by=actor,
    )
    _check_period(plan)
    plan.full_clean(exclude=["state"])
    plan.save()
    return plan


def _approvals(plan: SupportAllocationPlan):
    model = SupplierPersonApproval if plan.object_type == SupplierType.LANDLORD else SupplierUnitApproval
    return model.objects.filter(
        state=SupportApprovalState.APPROVED,
        support_project_code=plan.support_project_code,
        support_mode=plan.support_mode,
        supplier_type=plan.object_type,
        region_code__startswith=scope_prefix(plan.region_code),
    )


def approved_support_objects(*, plan: SupportAllocationPlan):
    """Approved suppliers this plan may still add (A.3.17/A.3.18 核定 of its project, mode and type)."""
    taken = plan.objects_set.values("object_number")
    return _approvals(plan).exclude(approval_number__in=taken).order_by("approval_number")


def support_plan_totals_refresh(*, plan: SupportAllocationPlan) -> SupportAllocationPlan:
    totals = plan.objects_set.aggregate(n=Count("pk"), land=Sum("land_area"), amount=Sum("amount"))
    plan.object_count = totals["n"] or 0
    plan.land_area_total = totals["land"] or Decimal("0.00")
    plan.subsidy_total = totals["amount"] or Decimal("0.00")
    plan.save(update_fields=["object_count", "land_area_total", "subsidy_total"])
    return plan


@transaction.atomic
def support_plan_objects_add(
    *,
    plan: SupportAllocationPlan,
    actor,
    approval_numbers: list[str] | None = None,
    land_area: Decimal = Decimal("0.00"),
) -> int:
    """Add approved suppliers (all still available when ``approval_numbers`` is None)."""
    plan = SupportAllocationPlan.objects.select_for_update().get(pk=plan.pk)
    _require(actor, plan.region_code)
    if not plan.is_editable:
        raise ValidationError(
            _("方案当前为“%(state)s”，不能再修改支持对象。") % {"state": plan.get_state_display()}
        )
    if land_area is not None and land_area < 0:
        raise ValidationError({"land_area": _("土地分配面积不能为负数。")})
    approvals = approved_support_objects(plan=plan)
    if approval_numbers is not None:
        approvals = approvals.filter(approval_number__in=approval_numbers)
    rows = list(approvals)
    if not rows:
        raise ValidationError(_("没有可加入的已核定支持对象（须与方案的支持项目、支持方式和对象类型一致）。"))
    is_person = plan.object_type == SupplierType.LANDLORD
    SupportAllocationPlanObject.objects.bulk_create(
        SupportAllocationPlanObject(
            plan=plan,
            object_number=a.approval_number,
            support_project_code=plan.support_project_code,
            support_mode=plan.support_mode,
            person_approval=a if is_person else None,
            unit_approval=None if is_person else a,
            object_name=a.applicant_name if is_person else a.unit_name,
            land_area=land_area or Decimal("0.00"),
            amount=a.approved_amount or Decimal("0.00"),
        )
        for a in rows
    )
    support_plan_totals_refresh(plan=plan)
    return len(rows)


@transaction.atomic
def support_plan_objects_remove(*, plan: SupportAllocationPlan, actor, object_ids: list[int]) -> int:
    plan = SupportAllocationPlan.objects.select_for_update().get(pk=plan.pk)
    _require(actor, plan.region_code)
    if not plan.is_editable:
        raise ValidationError(
            _("方案当前为“%(state)s”，不能再修改支持对象。") % {"state": plan.get_state_display()}
        )
    removed, _detail = plan.objects_set.filter(pk__in=object_ids).delete()
    support_plan_totals_refresh(plan=plan)
    return removed


@transaction.atomic
def support_plan_publish(*, plan: SupportAllocationPlan, actor, opinion: str = "") -> SupportAllocationPlan:
    plan = SupportAllocationPlan.objects.select_for_update().get(pk=plan.pk)
    _require(actor, plan.region_code)
    if plan.state != SupportAllocationPlanState.DRAFT:
        raise ValidationError(
            _("方案当前为“%(state)s”，不能再次发布。") % {"state": plan.get_state_display()}
        )
    if not plan.objects_set.exists():
        raise ValidationError(_("方案还没有支持对象，不能发布。"))
    support_plan_totals_refresh(plan=plan)
    from_state = plan.state
    plan.publish()
    plan.published_at = timezone.now()
    plan.published_by = actor
    plan.save(update_fields=["state", "published_at", "published_by"])
    ensure_plan_templates()
    workflow_record_transition(
        obj=plan,
        actor=actor,
        transition="publish",
        from_state=from_state,
        to_state=plan.state,
        opinion=opinion or _("发布：支持对象 %(n)s 个。") % {"n": plan.object_count},
        process_code=SUPPORT_PLAN_PROCESS_CODE,
        next_node_code="published",
    )
    return plan
