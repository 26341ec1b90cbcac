"""Reads of 补贴发放: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import (
    BankResultLine,
    PaymentBatch,
    PaymentStatus,
    SubsidyDue,
    SubsidyDueRun,
    SubsidyDueState,
    SubsidyObjection,
    SubsidyPayment,
    SubsidyRecovery,
    SubsidyRecoveryState,
)


def subsidy_due_list(*, user) -> QuerySet[SubsidyDue]:
    return (
        scope_queryset(SubsidyDue.objects.all(), user)
        .select_related("registry_entry", "agreement")
        .only(
            "pk",
            "number",
            "period",
            "project_code",
            "amount",
            "standard_amount",
            "days_covered",
            "state",
            "hold_reasons",
            "region_code",
            "registry_entry__application_number",
            "registry_entry__applicant_name",
            "agreement__number",
        )  # fmt: skip
    )


def subsidy_due_get_for_user(*, user, pk) -> SubsidyDue:
    return get_in_scope_or_404(
        SubsidyDue.objects.select_related("registry_entry", "agreement", "reviewed_by"), user, pk=pk
    )


def _with_names(queryset: QuerySet[PaymentBatch]) -> QuerySet[PaymentBatch]:
    from housing.regions.models import Region
    from rules.models import GuaranteeProject

    return queryset.annotate(
        project_name=Subquery(
            GuaranteeProject.objects.filter(code=OuterRef("project_code")).order_by("pk").values("name")[:1]
        ),
        region_name=Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1]),
    )


def payment_batch_list(*, user) -> QuerySet[PaymentBatch]:
    """Batches with their project's and division's names and the bank's outcome per line, in one query."""

    def outcome(status):
        return Count("payments", filter=Q(payments__status=status))

    return _with_names(scope_queryset(PaymentBatch.objects.select_related("created_by"), user)).annotate(
        paid_lines=outcome(PaymentStatus.PAID),
        failed_lines=outcome(PaymentStatus.FAILED),
        mismatch_lines=outcome(PaymentStatus.MISMATCH),
    )


def payment_batch_get_for_user(*, user, pk) -> PaymentBatch:
    return get_in_scope_or_404(_with_names(PaymentBatch.objects.all()), user, pk=pk)


def batch_payments(*, batch: PaymentBatch) -> QuerySet[SubsidyPayment]:
    """The batch's payments; a failed one names the later batch its due row was re-issued in, and an
    overpaid one its 追回, if any."""
    reissue = SubsidyPayment.objects.filter(due=OuterRef("due"), pk__gt=OuterRef("pk")).order_by("pk")
    recovery = SubsidyRecovery.objects.filter(payment=OuterRef("pk")).order_by("-pk")
    return (
        batch.payments.select_related("due__registry_entry")
        .defer("bank_account")
        .annotate(
            reissued_batch_id=Subquery(reissue.values("batch_id")[:1]),
            reissued_batch_number=Subquery(reissue.values("batch__number")[:1]),
            recovery_id=Subquery(recovery.values("pk")[:1]),
            recovery_number=Subquery(recovery.values("number")[:1]),
        )
        .order_by("pk")
    )


def batch_result_lines(*, batch: PaymentBatch) -> QuerySet[BankResultLine]:
    return (
        BankResultLine.objects.filter(result_import__batch=batch)
        .select_related("payment")
        .order_by("result_import_id", "line_number")
    )


def subsidy_payment_get_for_user(*, user, pk) -> SubsidyPayment:
    return get_in_scope_or_404(SubsidyPayment.objects.select_related("due", "batch"), user, pk=pk)


def subsidy_due_run_recent(*, user, limit: int = 5) -> list[SubsidyDueRun]:
    """The latest due runs for the 补贴应发 page (runs carry no region: the page needs the run permission),
    each with ``project_name`` (one lookup of the names for all of them)."""
    from rules.names import project_names

    runs = list(SubsidyDueRun.objects.select_related("started_by").order_by("-started_at", "-pk")[:limit])
    names = project_names() if runs else {}
    for run in runs:
        run.project_name = names.get(run.project_code, run.project_code)
    return runs


def subsidy_due_run_get(*, pk) -> SubsidyDueRun:
    return get_object_or_404(SubsidyDueRun.objects.select_related("started_by"), pk=pk)


def subsidy_recovery_list(*, user) -> QuerySet[SubsidyRecovery]:
    return scope_queryset(SubsidyRecovery.objects.select_related("due__registry_entry", "payment"), user)


def subsidy_recovery_get_for_user(*, user, pk) -> SubsidyRecovery:
    return get_in_scope_or_404(
        SubsidyRecovery.objects.select_related("due__registry_entry", "payment"), user, pk=pk
    )


def subsidy_objection_get_for_user(*, user, pk) -> SubsidyObjection:
    return get_in_scope_or_404(SubsidyObjection.objects.select_related("due"), user, pk=pk)


# --- the applicant's own months (portal 「我的补贴」) -------------------------------------------------------

# What the applicant reads for a failed check: plain words, no address, no caseworker's opinion.
PUBLIC_HOLD_REASONS = {
    "real_estate": _("本市不动产登记中发现住房，待核实"),
    "social_insurance": _("社保数据显示已停止在本市参保，待核实"),
    "talent": _("人才名单中未找到有效认定，待核实"),
    "other_benefit": _("同时享受其他住房保障，待核实"),
    "months_limit": _("已达累计领取月数上限，待核实"),
}


def _applicant_dues(user) -> QuerySet[SubsidyDue]:
    from admission.registry.selectors import registry_entries_of_applicant

    entries = registry_entries_of_applicant(user=user)
    return SubsidyDue.objects.filter(registry_entry__in=entries.values("pk"))


def subsidy_months_of_applicant(*, user) -> QuerySet[SubsidyDue]:
    """Every month of the applicant's own subsidies, newest first, with payments and recoveries prefetched."""
    return (
        _applicant_dues(user)
        .select_related("agreement")
        .prefetch_related(
            Prefetch("payments", queryset=SubsidyPayment.objects.defer("bank_account").order_by("pk")),
            Prefetch("recoveries", queryset=SubsidyRecovery.objects.order_by("pk")),
            Prefetch("objections", queryset=SubsidyObjection.objects.order_by("-created_at", "-pk")),
        )
        .order_by("-period", "-pk")
    )


def subsidy_due_of_applicant_or_404(*, user, number: str) -> SubsidyDue:
    """One of the applicant's own months by its 应发编号; anyone else's is a 404."""
    return get_object_or_404(subsidy_months_of_applicant(user=user), number=number)


def public_status(due: SubsidyDue) -> dict:
    """The month as the applicant reads it: state in plain words, the published reason, paid date, account.

    Uses the prefetched payments and recoveries (no query per row).
    """
    S = SubsidyDueState
    payments = list(due.payments.all())
    live = next((p for p in reversed(payments) if p.status != PaymentStatus.FAILED), None)
    failed = next((p for p in reversed(payments) if p.status == PaymentStatus.FAILED), None)
    recoveries = list(due.recoveries.all())
    reason, label, tone = "", "", "secondary"
    if due.state in (S.PAYABLE, S.IN_BATCH):
        label, tone = _("待发放"), "info"
    elif due.state == S.HELD:
        label, tone = _("待复核"), "warning"
        codes = [r.get("code") for r in due.check_results if r.get("outcome") == "不通过"]
        reason = "；".join(str(PUBLIC_HOLD_REASONS.get(c, _("待核实"))) for c in codes) or _("待核实")
    elif due.state == S.FAILED:
        label, tone = _("发放失败"), "danger"
        reason = (failed.bank_reason if failed else "") or _("银行未能入账，请核对银行账户")
    elif due.state == S.CANCELLED:
        label = _("不予发放")
        # A system-written reason (e.g. 逾期未年审) is meant for the family; a caseworker's opinion is not.
        reason = (
            due.hold_reason_text
            if due.reviewed_by_id is None
            else _("经复核本月不予发放，详情请咨询经办窗口")
        )
    elif due.state == S.PAID:
        label, tone = _("已发放"), "success"
    recovered = sum((r.amount for r in recoveries if r.state == SubsidyRecoveryState.RECOVERED), Decimal("0"))
    pending = sum((r.amount for r in recoveries if r.state == SubsidyRecoveryState.PENDING), Decimal("0"))
    paid_amount = live.paid_amount if live is not None and live.paid_amount is not None else None
    if recovered and paid_amount is not None and recovered >= paid_amount:
        # the whole month came back (e.g. not eligible that month): the month reads 已追回
        label, tone = _("已追回"), "secondary"
        reason = _("已退回 %(n)s 元") % {"n": recovered}
    elif recovered:  # only the excess came back: the month stays 已发放
        reason = _("多发的 %(n)s 元已退回") % {"n": recovered}
    elif pending:
        reason = _("多发 %(n)s 元待退回，请按通知退回") % {"n": pending}
    shown = live or failed
    return {
        "label": label, "tone": tone, "reason": reason,
        "paid_on": live.paid_at if live and live.status in (PaymentStatus.PAID, PaymentStatus.MISMATCH) else None,
        "paid_amount": live.paid_amount if live else None,
        "account": (shown.bank_account_masked if shown else due.agreement.bank_account_masked) or "",
    }  # fmt: skip
