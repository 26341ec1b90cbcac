"""Reads of 年审: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import AnnualReview, AnnualReviewDecision, AnnualReviewRun, AnnualReviewState


def annual_review_list(*, user) -> QuerySet[AnnualReview]:
    return (
        scope_queryset(AnnualReview.objects.all(), user)
        .select_related("registry_entry")
        .only(
            "pk",
            "number",
            "year",
            "deadline",
            "state",
            "decision",
            "check_problems",
            "region_code",
            "mode_code",
            "registry_entry__application_number",
            "registry_entry__applicant_name",
        )  # fmt: skip
    )


def annual_review_runs_recent(*, user, limit: int = 5) -> list[AnnualReviewRun]:
    """生成记录 of the user's area, newest first (the list page shows a few; older ones stay in admin)."""
    from housing.regions.models import Region
    from rules.names import mode_names

    runs = scope_queryset(AnnualReviewRun.objects.select_related("started_by"), user)
    runs = list(runs.order_by("-started_at", "-pk")[:limit])
    regions = dict(Region.objects.filter(code__in={r.region_code for r in runs}).values_list("code", "name"))
    modes = mode_names() if any(r.mode_code for r in runs) else {}
    for run in runs:  # names for the page, looked up once for the few runs shown
        run.region_label = regions.get(run.region_code, run.region_code)
        run.mode_label = modes.get(run.mode_code, run.mode_code) if run.mode_code else ""
    return runs


def annual_review_run_get_for_user(*, user, pk) -> AnnualReviewRun:
    return get_in_scope_or_404(AnnualReviewRun.objects.all(), user, pk=pk)


def annual_review_get_for_user(*, user, pk) -> AnnualReview:
    return get_in_scope_or_404(
        AnnualReview.objects.select_related("registry_entry", "decided_by"), user, pk=pk
    )


def annual_review_suspended(registry_entry_ids, period: str) -> set[int]:
    """The registry entries whose subsidy for ``period`` ("YYYY-MM") is suspended by 逾期未审.

    Suspended from the month after the deadline until the month after a late 继续保障/变更标准 decision;
    the months in between are not paid back. Empty when ``ANNUAL_REVIEW_SUSPEND_OVERDUE`` is off.
    The subsidies run is meant to call this for each chunk and leave those families out.
    """
    if not getattr(settings, "ANNUAL_REVIEW_SUSPEND_OVERDUE", True):
        return set()
    try:
        month_start = datetime.datetime.strptime((period or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"period": _("补贴期间应为“年-月”，例如 2026-03。")}) from None
    return set(
        AnnualReview.objects.filter(
            registry_entry_id__in=list(registry_entry_ids), suspended_from__lte=month_start
        )
        .filter(Q(resumes_on__isnull=True) | Q(resumes_on__gt=month_start))
        .values_list("registry_entry_id", flat=True)
    )


@dataclass(frozen=True)
class StandardChange:
    """变更标准 of a decided annual review: the new monthly amounts in force from ``effective_on``.

    ``None`` for an amount the review did not change (the contract's or agreement's own applies).
    """

    review_id: int
    effective_on: datetime.date
    monthly_rent: Decimal | None
    monthly_subsidy: Decimal | None


def annual_review_standard_changes(registry_entry_ids, period: str) -> dict[int, StandardChange]:
    """For each registry entry, the latest 变更标准 in force for ``period`` ("YYYY-MM"), by entry id.

    A change takes effect from its 变更生效日期 (the first of the month after the decision), so a
    period is affected when it starts on or after that date. The latest effective change wins; the
    rent and subsidy runs call this per chunk and use the new amount instead of the contract's.
    """
    try:
        month_start = datetime.datetime.strptime((period or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"period": _("期间应为“年-月”，例如 2026-03。")}) from None
    rows = (
        AnnualReview.objects.filter(
            registry_entry_id__in=list(registry_entry_ids),
            state=AnnualReviewState.DECIDED,
            decision=AnnualReviewDecision.CHANGE_STANDARD,
            effective_on__lte=month_start,
        )
        .order_by("registry_entry_id", "effective_on", "pk")
        .values_list("registry_entry_id", "pk", "effective_on", "new_monthly_rent", "new_subsidy_amount")
    )
    changes: dict[int, StandardChange] = {}
    for entry_id, pk, effective_on, rent, subsidy in rows:
        previous = changes.get(entry_id)
        changes[entry_id] = StandardChange(
            review_id=pk,
            effective_on=effective_on,
            # a later change that leaves one amount alone keeps the earlier change of it
            monthly_rent=rent if rent is not None else (previous and previous.monthly_rent),
            monthly_subsidy=subsidy if subsidy is not None else (previous and previous.monthly_subsidy),
        )
    return changes
