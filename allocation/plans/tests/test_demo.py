"""The demo seeder: a published lottery plan, a draft waitlist plan and a support plan; twice is once."""

from __future__ import annotations

import pytest

from allocation.models import Lottery, LotteryState
from allocation.plans.demo import seed_demo_plans
from allocation.plans.models import AllocationPlan, AllocationPlanFamily, SupportAllocationPlan

from .factories import COMMUNITY_B, allocatable_building, waiting_families

pytestmark = pytest.mark.django_db


def test_demo_seeds_three_plans_once(make_staff, superuser):
    make_staff("city", [("city_centre", "440400000000")], is_staff=True)
    waiting_families(superuser, 8)
    waiting_families(superuser, 6, region_code=COMMUNITY_B)
    allocatable_building(floors=1, per_floor=4)
    allocatable_building(region_code="440403000000", floors=2, per_floor=4)

    assert seed_demo_plans() == []
    lottery_plan = AllocationPlan.objects.get(method="lottery")
    assert lottery_plan.state == "published" and lottery_plan.lottery.state == LotteryState.DRAFT
    assert (lottery_plan.invited_count, lottery_plan.unit_count, lottery_plan.household_count) == (8, 4, 4)
    waitlist_plan = AllocationPlan.objects.get(method="waitlist")
    assert waitlist_plan.state == "draft" and (waitlist_plan.unit_count, waitlist_plan.invited_count) == (
        8,
        6,
    )
    assert SupportAllocationPlan.objects.count() == 1

    counts = (AllocationPlan.objects.count(), AllocationPlanFamily.objects.count(), Lottery.objects.count())
    assert seed_demo_plans() == []
    assert (
        AllocationPlan.objects.count(),
        AllocationPlanFamily.objects.count(),
        Lottery.objects.count(),
    ) == counts
    assert SupportAllocationPlan.objects.count() == 1
