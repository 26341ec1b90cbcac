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


def test_demo_with_two_families_holds_only_the_one_in_the_mirror(agreement, make_staff):
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    start = (timezone.localdate().replace(day=1) - datetime.timedelta(days=120)).replace(day=1)
    paid_family, held_family = agreement("1500.00", start=start), agreement("900.00", start=start)
    seed_demo_subsidies()
    this_month = timezone.localdate().strftime("%Y-%m")
    held = SubsidyDue.objects.get(period=this_month, agreement=held_family)
    assert held.state == SubsidyDueState.HELD and "已有住房" in held.hold_reason_text
    assert SubsidyDue.objects.get(period=this_month, agreement=paid_family).state == SubsidyDueState.PAYABLE
    # the earlier months paid both (the property appeared this month)
    assert SubsidyDue.objects.filter(agreement=held_family, state=SubsidyDueState.PAID).count() == 3
    assert SubsidyPayment.objects.filter(status=PaymentStatus.PAID).count() == 5
