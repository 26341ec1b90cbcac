"""The demo seeder: this month's due rows and one reconciled batch; a second run adds nothing."""

from __future__ import annotations

from django.utils import timezone

from allocation.subsidies.demo import seed_demo_subsidies
from allocation.subsidies.models import (
    BankResultLine,
    PaymentBatch,
    PaymentStatus,
    SubsidyDue,
    SubsidyPayment,
)

CITY = "440400000000"


def test_demo_subsidies_idempotent(agreement, make_staff):
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    assert seed_demo_subsidies() == []  # no agreement yet: nothing
    assert not SubsidyDue.objects.exists()
    agreement("1500.00", start=timezone.localdate().replace(day=1))
    seed_demo_subsidies()
    seed_demo_subsidies()
    assert SubsidyDue.objects.count() == 1 and PaymentBatch.objects.count() == 1
    assert SubsidyPayment.objects.get().status == PaymentStatus.PAID and BankResultLine.objects.count() == 1
