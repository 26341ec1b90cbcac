"""对账汇总 of one period and project: what was due, held, cancelled, paid, failed, mismatched, recovered and
finally paid net, with the equations that must balance and the rows that break one.

There is no funds app yet; this summary is what its disbursements will be compared to (issue 8 part 4).
A fixed number of aggregate queries whatever the number of rows; the rows that cause an imbalance are
listed (at most ``PROBLEM_LIMIT`` of each kind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from housing.accounts.scope import scope_queryset

from .models import (
    PaymentBatch,
    PaymentStatus,
    SubsidyDue,
    SubsidyDueState,
    SubsidyPayment,
    SubsidyRecovery,
    SubsidyRecoveryState,
)
from .services import period_label, period_months

ZERO = Decimal("0.00")
PROBLEM_LIMIT = 50
LIVE_PAID = (PaymentStatus.PAID, PaymentStatus.MISMATCH)


@dataclass
class Reconciliation:
    period: str
    project_code: str
    figures: dict[str, Decimal]
    counts: dict[str, int]
    checks: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return all(c["ok"] for c in self.checks) and not self.problems

    def lines(self) -> list[tuple[str, str, int | None, Decimal]]:
        """(code, label, count, amount) in the order the page and the export show them."""
        return [(code, label, self.counts.get(code), self.figures[code]) for code, label in FIGURE_LABELS]


FIGURE_LABELS = [
    ("due", "应发合计"),
    ("held", "待复核"),
    ("cancelled", "已取消"),
    ("payable", "待发放（未进批次）"),
    ("in_batch", "发放中（待银行回执）"),
    ("paid", "已发放（应发金额）"),
    ("failed", "发放失败（待重发）"),
    ("failed_payments", "银行退回的失败笔（历史）"),
    ("mismatch", "金额不符差额（银行实付−应付）"),
    ("bank_paid", "银行实付合计"),
    ("recovered", "已追回"),
    ("recovery_pending", "待追回"),
    ("written_off", "已核销"),
    ("net_paid", "实发净额（银行实付−已追回）"),
]


def _money(value) -> Decimal:
    return (value if value is not None else ZERO).quantize(Decimal("0.01"))


def subsidy_reconciliation(*, user, period: str, project_code: str) -> Reconciliation:
    months = [m.strftime("%Y-%m") for m, _end in period_months(period)]
    dues = scope_queryset(SubsidyDue.objects.filter(period__in=months, project_code=project_code), user)
    payments = scope_queryset(
        SubsidyPayment.objects.filter(due__period__in=months, due__project_code=project_code), user
    )
    recoveries = scope_queryset(
        SubsidyRecovery.objects.filter(due__period__in=months, due__project_code=project_code), user
    )
    S, P, R = SubsidyDueState, PaymentStatus, SubsidyRecoveryState
    due_sums = dues.aggregate(
        due=Sum("amount"), due_n=Count("pk"),
        **{k: Sum("amount", filter=Q(state=k)) for k in S.values},
        **{f"{k}_n": Count("pk", filter=Q(state=k)) for k in S.values},
    )  # fmt: skip
    pay_sums = payments.aggregate(
        live_amount=Sum("amount", filter=Q(status__in=LIVE_PAID)),
        bank_paid=Sum("paid_amount", filter=Q(status__in=LIVE_PAID)),
        mismatch=Sum(F("paid_amount") - F("amount"), filter=Q(status=P.MISMATCH)),
        mismatch_n=Count("pk", filter=Q(status=P.MISMATCH)),
        failed_payments=Sum("amount", filter=Q(status=P.FAILED)),
        failed_payments_n=Count("pk", filter=Q(status=P.FAILED)),
        bank_paid_n=Count("pk", filter=Q(status__in=LIVE_PAID)),
    )
    rec_sums = recoveries.aggregate(
        recovered=Sum("amount", filter=Q(state=R.RECOVERED)), recovered_n=Count("pk", filter=Q(state=R.RECOVERED)),
        recovery_pending=Sum("amount", filter=Q(state=R.PENDING)),
        recovery_pending_n=Count("pk", filter=Q(state=R.PENDING)),
        written_off=Sum("amount", filter=Q(state=R.WRITTEN_OFF)),
        written_off_n=Count("pk", filter=Q(state=R.WRITTEN_OFF)),
    )  # fmt: skip
    figures = {
        "due": _money(due_sums["due"]),
        "held": _money(due_sums[S.HELD]), "cancelled": _money(due_sums[S.CANCELLED]),
        "payable": _money(due_sums[S.PAYABLE]), "in_batch": _money(due_sums[S.IN_BATCH]),
        "paid": _money(due_sums[S.PAID]), "failed": _money(due_sums[S.FAILED]),
        "failed_payments": _money(pay_sums["failed_payments"]), "mismatch": _money(pay_sums["mismatch"]),
        "bank_paid": _money(pay_sums["bank_paid"]), "recovered": _money(rec_sums["recovered"]),
        "recovery_pending": _money(rec_sums["recovery_pending"]), "written_off": _money(rec_sums["written_off"]),
    }  # fmt: skip
    figures["net_paid"] = figures["bank_paid"] - figures["recovered"]
    counts = {"due": due_sums["due_n"], **{k: due_sums[f"{k}_n"] for k in S.values}}
    counts.update({k: pay_sums[f"{k}_n"] for k in ("mismatch", "failed_payments", "bank_paid")})
    counts.update({k: rec_sums[f"{k}_n"] for k in ("recovered", "recovery_pending", "written_off")})
    live_amount = _money(pay_sums["live_amount"])
    f = figures
    parts = f["held"] + f["cancelled"] + f["payable"] + f["in_batch"] + f["paid"] + f["failed"]
    claimed = f["recovered"] + f["recovery_pending"] + f["written_off"]
    checks = [
        {"label": _("应发合计 = 待复核 + 已取消 + 待发放 + 发放中 + 已发放 + 发放失败"),
         "left": f["due"], "right": parts},
        {"label": _("已发放（应发金额）= 银行已付笔的应付金额"), "left": f["paid"], "right": live_amount},
        {"label": _("银行实付合计 = 已发放（应发金额）+ 金额不符差额"), "left": f["bank_paid"],
         "right": f["paid"] + f["mismatch"]},
        {"label": _("已追回 + 待追回 + 已核销 ≤ 银行实付合计"), "left": claimed, "right": f["bank_paid"],
         "at_most": True},
        {"label": _("实发净额 = 银行实付合计 − 已追回"), "left": f["net_paid"],
         "right": f["bank_paid"] - f["recovered"]},
    ]  # fmt: skip
    for check in checks:
        check["ok"] = (
            check["left"] <= check["right"]
            if check.pop("at_most", False)
            else check["left"] == check["right"]
        )
        check["difference"] = check["left"] - check["right"]
    return Reconciliation(
        period=period_label(period), project_code=project_code, figures=figures, counts=counts, checks=checks,
        problems=_problems(dues=dues, payments=payments, period=period_label(period), project_code=project_code,
                          user=user),
    )  # fmt: skip


def _problems(*, dues, payments, period, project_code, user) -> list[dict]:
    """The rows that break an equation: each with what is wrong, for the officer to open."""
    live = SubsidyPayment.objects.filter(due=OuterRef("pk"), status__in=LIVE_PAID)
    problems: list[dict] = []
    for due in dues.filter(state=SubsidyDueState.PAID).exclude(Exists(live))[:PROBLEM_LIMIT]:
        problems.append({"kind": _("已发放但无银行已付记录"), "due": due, "amount": due.amount})
    for payment in (
        payments.filter(status__in=LIVE_PAID).exclude(due__state=SubsidyDueState.PAID).select_related("due")
    )[:PROBLEM_LIMIT]:
        problems.append(
            {"kind": _("银行已付但应发记录不是“已发放”"), "due": payment.due, "amount": payment.paid_amount}
        )
    for payment in (
        payments.exclude(status=PaymentStatus.FAILED)
        .exclude(amount=F("due__amount"))
        .select_related("due")[:PROBLEM_LIMIT]
    ):
        problems.append({"kind": _("实发金额与应发金额不同"), "due": payment.due, "amount": payment.amount})
    claimed = Subquery(
        SubsidyRecovery.objects.filter(payment=OuterRef("pk"))
        .values("payment")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    over = payments.annotate(claimed=Coalesce(claimed, Value(ZERO))).filter(
        claimed__gt=Coalesce(F("paid_amount"), Value(ZERO))
    )
    for payment in over.select_related("due")[:PROBLEM_LIMIT]:
        problems.append({"kind": _("追回金额超过银行实付"), "due": payment.due, "amount": payment.claimed})
    batches = scope_queryset(PaymentBatch.objects.filter(project_code=project_code, period=period), user)
    for batch in batches.annotate(real=Sum("payments__amount")).exclude(total_amount=F("real"))[
        :PROBLEM_LIMIT
    ]:
        problems.append({"kind": _("批次总金额与明细合计不符"), "batch": batch, "amount": batch.total_amount})
    return problems
