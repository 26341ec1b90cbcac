"""seed_demo_ledgers: a land record, a payment plan and the recent ledgers, once however often it runs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from allocation.ledgers.demo import seed_demo_ledgers
from allocation.ledgers.models import (
    GuaranteeLedger,
    GuaranteeMovement,
    LandSupplyRecord,
    SupportLedger,
    SupportPaymentPlan,
)
from allocation.ledgers.periods import period_containing
from projects.models import LandReserve
from projects.services import handover_batch_create
from projects.tests.factories import make_building, make_project

from .conftest import CITY, DISTRICT_A

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_records_land_a_plan_and_builds_recent_ledgers_once(make_staff):
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    make_staff("finance", [("finance_officer", CITY)], is_staff=True)
    project_user = make_staff("project", [("project_officer", CITY)], is_staff=True)
    LandReserve.objects.create(number="CB-DEMO-1", name="前山储备地", region_code=DISTRICT_A)
    project = make_project(region_code=DISTRICT_A)
    building = make_building(project=project, floors=3, per_floor=2)
    handover_batch_create(
        project=project,
        buildings=[building],
        number="YJ-DEMO",
        handed_over_by="建设局",
        handed_over_on=timezone.localdate() - datetime.timedelta(days=35),
        actor=project_user,
    )
    assert seed_demo_ledgers() == []
    assert LandSupplyRecord.objects.get().parcel_number == "CB-DEMO-1"
    assert SupportPaymentPlan.objects.count() == 1
    month = period_containing("month", timezone.localdate())
    current = GuaranteeLedger.objects.get(
        period=month.label, ledger_class="public_rental", region_code=DISTRICT_A
    )
    assert current.closing_units == 6
    assert SupportLedger.objects.filter(period=month.label, ledger_class="land").exists()
    counts = (
        LandSupplyRecord.objects.count(),
        SupportPaymentPlan.objects.count(),
        GuaranteeLedger.objects.count(),
        SupportLedger.objects.count(),
        GuaranteeMovement.objects.count(),
    )
    seed_demo_ledgers()
    assert counts == (
        LandSupplyRecord.objects.count(),
        SupportPaymentPlan.objects.count(),
        GuaranteeLedger.objects.count(),
        SupportLedger.objects.count(),
        GuaranteeMovement.objects.count(),
    )
