"""Writes of 年审 (issue 8 part 5): the yearly run with the subsidies' mirror checks, the caseworker's
decision, and 逾期未审 after the deadline."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.scope import code_in_scope, scope_queryset
from housing.regions.codes import scope_prefix
from rules.models.reference import ModeKind

from ..contracts.models import Contract, ContractKind, ContractState
from ..runs import progress_run_beat
from ..subsidies.checks import run_checks
from .models import AnnualReview, AnnualReviewDecision, AnnualReviewEvent, AnnualReviewState

CHUNK = 2000
DEFAULT_DEADLINE = "12-31"


def annual_review_deadline(year: int) -> datetime.date:
    """年审范围时间节点: ``settings.ANNUAL_REVIEW_DEADLINE`` ("MM-DD", default 12-31) of ``year``."""
    text = getattr(settings, "ANNUAL_REVIEW_DEADLINE", DEFAULT_DEADLINE) or DEFAULT_DEADLINE
    try:
        month, day = (int(part) for part in text.strip().split("-"))
        return datetime.date(year, month, day)
    except ValueError:
        # 02-29 in a common year, or a typo: the last day of that month keeps the review running.
        if text.strip() == "02-29":
            return datetime.date(year, 2, 28)
        raise ValidationError(
            _("年审截止日期设置“%(v)s”无效，应为“月-日”，例如 12-31。") % {"v": text}
        ) from None


def first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _event(review: AnnualReview, *, from_state: str, to_state: str, actor, opinion: str = "") -> None:
    AnnualReviewEvent.objects.create(
        review=review, from_state=from_state, to_state=to_state, actor=actor, opinion=opinion
    )


NOT_REVIEWED_KINDS = (ModeKind.SALE_IN_KIND, ModeKind.PURCHASE_SUBSIDY)


def families_in_guarantee(*, region_code: str, mode_code: str = "", actor=None):
    """保障中 registry entries under ``region_code`` (and of ``mode_code`` when given), in the actor's scope.

    Families who bought their home (实物配售) or had a one-off 购房补贴 are not reviewed yearly: the home is
    theirs, and what follows is its resale or return (docs/allocation_annual_review.md).
    """
    queryset = RegistryEntry.objects.filter(
        status=GuaranteeStatus.GUARANTEED, region_code__startswith=scope_prefix(region_code)
    ).exclude(mode_kind__in=NOT_REVIEWED_KINDS)
    if mode_code:
        queryset = queryset.filter(mode_code=mode_code)
    if actor is not None:
        queryset = scope_queryset(queryset, actor)
    return queryset


def _own_leases(entries) -> list[int]:
    """The signed in-kind leases of the guarantees under review: an 实物配租 family's own contract is the
    benefit being reviewed, not "another" one. Subsidy families keep the check as the subsidy run has it."""
    in_kind = [e.pk for e in entries if e.mode_code != "rent_subsidy"]
    if not in_kind:
        return []
    return list(
        Contract.objects.filter(
            registry_entry_id__in=in_kind,
            state=ContractState.SIGNED,
            kind__in=(ContractKind.PUBLIC_RENTAL, ContractKind.LOW_RENT),
        ).values_list("pk", flat=True)
    )


def annual_review_run(
    *, year: int, region_code: str, actor, mode_code: str = "", chunk_size: int | None = None, run=None
) -> dict[str, int]:
    """保障对象年审: one review per family in guarantee without one for ``year`` (idempotent, chunked).

    Each chunk is its own transaction: a run stopped half-way keeps the chunks it finished, and the next
    run adds exactly the families still missing (the unique registry entry + year constraint skips the
    rest). The checks are the subsidies run's (``allocation.subsidies.checks.run_checks``). With a
    ``run`` record (生成记录), each chunk's commit also moves its progress and heartbeat.
    """
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年审年度应为四位年份，例如 2026。")})
    year = int(year)
    deadline = annual_review_deadline(year)
    entries = families_in_guarantee(region_code=region_code, mode_code=mode_code, actor=actor)
    done = AnnualReview.objects.filter(year=year, registry_entry_id__in=entries.values("pk"))
    pending_ids = list(
        entries.exclude(pk__in=done.values("registry_entry_id")).order_by("pk").values_list("pk", flat=True)
    )
    today = timezone.localdate()
    created = flagged = 0
    before = done.count()
    if run is not None:
        progress_run_beat(run, total=before + len(pending_ids), processed=before)
    size = chunk_size or CHUNK
    for offset in range(0, len(pending_ids), size):
        ids = pending_ids[offset : offset + size]
        with transaction.atomic():
            chunk = list(
                RegistryEntry.objects.filter(pk__in=ids).only(
                    "pk", "region_code", "family_id", "id_number_digest", "special_group", "project_code",
                    "mode_code",
                )
            )  # fmt: skip
            # run_checks reads an agreement's registry entry and rule basis; a family under review is
            # checked as itself (no agreement basis, so no months limit).
            stand_ins = [
                SimpleNamespace(pk=e.pk, registry_entry_id=e.pk, registry_entry=e, amount_basis=[])
                for e in chunk
            ]
            outcomes = run_checks(
                stand_ins, period_start=today, months_received={}, ignore_contract_ids=_own_leases(chunk)
            )
            rows = []
            for entry in chunk:
                outcome = outcomes[entry.pk]
                rows.append(
                    AnnualReview(
                        number=f"NS{year}{entry.pk:010d}",
                        year=year,
                        deadline=deadline,
                        region_code=entry.region_code,
                        registry_entry_id=entry.pk,
                        project_code=entry.project_code,
                        mode_code=entry.mode_code,
                        check_results=outcome.results,
                        check_problems=outcome.hold_reasons,
                        created_by=actor,
                    )
                )
            made = AnnualReview.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(made)
            flagged += sum(1 for r in rows if r.check_problems)
            if run is not None:
                progress_run_beat(
                    run, processed=before + offset + len(ids), created=F("created") + len(made),
                    flagged=F("flagged") + sum(1 for r in made if r.check_problems),
                )  # fmt: skip
    return {"created": created, "flagged": flagged}


@transaction.atomic
def annual_review_decide(
    *, review: AnnualReview, actor, decision: str, opinion: str,
    new_monthly_rent: Decimal | None = None, new_subsidy_amount: Decimal | None = None, exit_reason: str = "",
) -> AnnualReview:  # fmt: skip
    """年审结论 with the caseworker's required opinion.

    变更标准 stores the new monthly rent and/or subsidy, effective the first day of next month (the
    contract is not rewritten); 退出 stores the decision and the reason only (退出 is another part).
    """
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    errors: dict[str, str] = {}
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = _("请填写审核意见。")
    if decision not in AnnualReviewDecision.values:
        errors["decision"] = _("请选择年审结论。")
    if decision == AnnualReviewDecision.CHANGE_STANDARD:
        if new_monthly_rent is None and new_subsidy_amount is None:
            errors["new_monthly_rent"] = _("变更标准须填写新的月租金或月补贴金额。")
        for name, value in (
            ("new_monthly_rent", new_monthly_rent),
            ("new_subsidy_amount", new_subsidy_amount),
        ):
            if value is not None and value < 0:
                errors[name] = _("金额不能为负数。")
    exit_reason = (exit_reason or "").strip()
    if decision == AnnualReviewDecision.EXIT and not exit_reason:
        errors["exit_reason"] = _("退出须填写退出原因。")
    if errors:
        raise ValidationError(errors)
    if not review.can_decide:
        raise ValidationError(
            _("该年审当前为“%(state)s”，不能再作结论。") % {"state": review.get_state_display()}
        )
    previous = review.state
    today = timezone.localdate()
    review.state = AnnualReviewState.DECIDED
    review.decision = decision
    review.opinion = opinion
    review.decided_by = actor
    review.decided_at = timezone.now()
    is_change = decision == AnnualReviewDecision.CHANGE_STANDARD
    review.new_monthly_rent = new_monthly_rent if is_change else None
    review.new_subsidy_amount = new_subsidy_amount if is_change else None
    review.effective_on = first_of_next_month(today) if is_change else None
    review.exit_reason = exit_reason if decision == AnnualReviewDecision.EXIT else ""
    if previous == AnnualReviewState.OVERDUE and decision != AnnualReviewDecision.EXIT:
        review.resumes_on = first_of_next_month(today)  # 不补发: the suspended months stay unpaid
    review.full_clean()
    review.save()
    _record_on_registry(review, actor=actor, today=today)
    _event(review, from_state=previous, to_state=review.state, actor=actor,
           opinion=f"{review.get_decision_display()}：{opinion}")  # fmt: skip
    return review


def _record_on_registry(review: AnnualReview, *, actor, today: datetime.date) -> None:
    """最后年审年度 on the registry entry, through admission's service, when the decider may change it."""
    from admission.registry.services import registry_entry_record_annual_review

    entry = review.registry_entry
    if (
        actor is None
        or not actor.has_perm("admission.change_registryentry")
        or not code_in_scope(actor, entry.region_code)
        or entry.status != GuaranteeStatus.GUARANTEED
        or not timezone.localtime(entry.registered_at).year <= review.year <= today.year
        or (entry.last_annual_review_year or 0) >= review.year
    ):
        return
    registry_entry_record_annual_review(entry=entry, actor=actor, year=review.year)


def annual_review_mark_overdue(*, today: datetime.date | None = None, actor=None) -> int:
    """逾期未审: every review still 待审核 after its deadline; its subsidy is suspended from the next month."""
    today = today or timezone.localdate()
    now = timezone.now()
    marked = 0
    while True:
        with transaction.atomic():
            reviews = list(
                AnnualReview.objects.select_for_update(skip_locked=True)
                .filter(state=AnnualReviewState.PENDING, deadline__lt=today)
                .only("pk", "deadline")[:CHUNK]
            )
            if not reviews:
                return marked
            for review in reviews:
                review.state = AnnualReviewState.OVERDUE
                review.overdue_at = now
                review.suspended_from = first_of_next_month(review.deadline)
            AnnualReview.objects.bulk_update(reviews, ["state", "overdue_at", "suspended_from"])
            AnnualReviewEvent.objects.bulk_create(
                AnnualReviewEvent(review=r, from_state=AnnualReviewState.PENDING, to_state=AnnualReviewState.OVERDUE,
                                  actor=actor, opinion=_("截至%(d)s未完成年审") % {"d": r.deadline.isoformat()})
                for r in reviews
            )  # fmt: skip
            marked += len(reviews)
