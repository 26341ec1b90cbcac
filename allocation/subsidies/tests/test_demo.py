"""The demo seeder: months of history — a reconciled batch, an overpayment recovered, a failed line
re-issued, a held family with a portal account and an answered objection; a second run adds nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from allocation.subsidies.demo import seed_demo_subsidies
from allocation.subsidies.models import (
    PaymentBatch,
    PaymentStatus,
    SubsidyDue,
    SubsidyDueState,
    SubsidyObjection,
    SubsidyPayment,
    SubsidyRecovery,
    SubsidyRecoveryState,
)
from allocation.subsidies.reconciliation import subsidy_reconciliation

CITY = "440400000000"


def test_demo_subsidies_idempotent(agreement, make_staff):
    city = make_staff("city", [("city_centre", CITY)], is_staff=True)
    assert seed_demo_subsidies() == []  # no agreement yet: nothing
    assert not SubsidyDue.objects.exists()
    start = (timezone.localdate().replace(day=1) - datetime.timedelta(days=120)).replace(day=1)
    agreement("1500.00", start=start)
    seed_demo_subsidies()
    counts = (SubsidyDue.objects.count(), PaymentBatch.objects.count(), SubsidyPayment.objects.count())
    seed_demo_subsidies()
    assert counts == (
        SubsidyDue.objects.count(),
        PaymentBatch.objects.count(),
        SubsidyPayment.objects.count(),
    )
    assert counts == (4, 4, 4)  # 4 months; last month's batch failed and was re-issued in a second one
    statuses = sorted(SubsidyPayment.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [PaymentStatus.PAID, PaymentStatus.MISMATCH, PaymentStatus.FAILED, PaymentStatus.PAID]
    )
    assert SubsidyRecovery.objects.get().state == SubsidyRecoveryState.RECOVERED
    this_month = SubsidyDue.objects.get(period=timezone.localdate().strftime("%Y-%m"))
    assert this_month.state == SubsidyDueState.HELD and "已有住房" in this_month.hold_reason_text
    objection = SubsidyObjection.objects.get()
    assert objection.due == this_month and objection.reply
    for due in SubsidyDue.objects.all():
        assert subsidy_reconciliation(user=city, period=due.period, project_code="lianzu").balanced
