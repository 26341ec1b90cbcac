"""Plans: totals from the detail rows, invitation order, the lottery link, locked after publishing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation.models import LotteryState
from allocation.plans import rounds
from allocation.plans.models import (
    AllocationPlanFamily,
    AllocationPlanState,
    FamilyAllocationStatus,
    ResourceAllocationStatus,
)
from allocation.plans.services import (
    allocation_plan_complete,
    allocation_plan_families_invite,
    allocation_plan_mark,
    allocation_plan_publish,
    allocation_plan_units_add,
    allocation_plan_units_remove,
    allocation_plan_update,
    allocation_plan_withdraw,
    plan_lottery_entrants,
)
from housing.workflow.models import NodeInstance

from .factories import COMMUNITY_B, allocatable_building, waiting_families

pytestmark = pytest.mark.django_db


def test_totals_are_computed_from_the_offered_units_and_invited_families(new_plan, city_admin, superuser):
    building = allocatable_building(floors=2, per_floor=4)  # 8 units of 60.00 m²
    waiting_families(superuser, 12)
    plan = new_plan()
    assert allocation_plan_units_add(plan=plan, actor=city_admin, building_id=building.pk) == 8
    plan.refresh_from_db()
    assert (plan.unit_count, plan.total_area, plan.household_count) == (8, Decimal("480.00"), 0)

    assert allocation_plan_families_invite(plan=plan, actor=city_admin) == 8  # N = units by default
    plan.refresh_from_db()
    assert plan.household_count == 8 and plan.subsidy_total == Decimal("0.00")

    first_two = list(plan.resources.order_by("pk").values_list("pk", flat=True)[:2])
    allocation_plan_units_remove(plan=plan, actor=city_admin, resource_ids=first_two)
    plan.refresh_from_db()
    assert (plan.unit_count, plan.total_area) == (6, Decimal("360.00"))


def test_waitlist_invitation_takes_the_first_families_in_waitlist_order(new_plan, city_admin, superuser):
    allocatable_building(floors=1, per_floor=3)
    # Registered in one order, ranked in another by the ordering rule's key.
    keys = ["0005", "0001", "0004", "0002", "0003"]
    entries = waiting_families(superuser, 5, sort_keys=keys)
    waiting_families(superuser, 2, region_code=COMMUNITY_B, sort_keys=["0000", "0000"])  # other district
    plan = new_plan()
    allocation_plan_units_add(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin)

    invited = list(plan.families.order_by("sequence").values_list("registry_entry_id", "sequence"))
    by_key = sorted(entries, key=lambda e: keys[entries.index(e)])
    assert invited == [(by_key[0].pk, 1), (by_key[1].pk, 2), (by_key[2].pk, 3)]

    allocation_plan_families_invite(plan=plan, actor=city_admin, count=5)
    assert list(plan.families.order_by("sequence").values_list("registry_entry_id", flat=True)) == [
        e.pk for e in by_key
    ]


def test_a_lottery_plan_invites_every_waiting_family_and_counts_households_by_units(
    new_plan, city_admin, superuser
):
    allocatable_building(floors=1, per_floor=4)
    waiting_families(superuser, 30)
    plan = new_plan(method="lottery")
    allocation_plan_units_add(plan=plan, actor=city_admin)
    assert allocation_plan_families_invite(plan=plan, actor=city_admin, count=3) == 30
    plan.refresh_from_db()
    assert (plan.invited_count, plan.unit_count, plan.household_count) == (30, 4, 4)

    allocation_plan_update(plan=plan, actor=city_admin, household_target=6)
    plan.refresh_from_db()
    assert plan.household_count == 6


def test_publishing_a_lottery_plan_creates_a_lottery_whose_freeze_takes_exactly_the_plan_families(
    new_plan, city_admin, superuser, client
):
    allocatable_building(floors=1, per_floor=2)
    invited = waiting_families(superuser, 5, dibao=(3,))
    plan = new_plan(method="lottery")
    allocation_plan_units_add(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin)
    late = waiting_families(superuser, 2)  # registered after the invitation: not in this plan

    plan = allocation_plan_publish(plan=plan, actor=city_admin)
    assert plan.state == AllocationPlanState.PUBLISHED
    lottery = plan.lottery
    assert lottery.state == LotteryState.DRAFT and lottery.region_code == plan.region_code
    assert lottery.allocation_plan == plan
    assert {s.receipt_number for s in plan_lottery_entrants(plan)} == {e.application_number for e in invited}

    client.force_login(city_admin)
    url = reverse("allocation:lottery_freeze", args=[lottery.pk])
    assert "将锁定 5 户" in client.get(url).content.decode()
    assert client.post(url, {"opinion": "核对无误"}).status_code == 302
    lottery.refresh_from_db()
    assert lottery.state == LotteryState.FROZEN and lottery.entrant_count == 5
    receipts = set(lottery.entrants.values_list("receipt_number", flat=True))
    assert receipts == {e.application_number for e in invited}
    assert not receipts & {e.application_number for e in late}
    assert lottery.entrants.get(receipt_number=invited[3].application_number).priority_round == 1

    nodes = NodeInstance.objects.filter(
        process__object_id=str(plan.pk), process__process_code="allocation_plan"
    )
    assert nodes.filter(transition="publish", actor=city_admin).exists()


def test_a_published_plan_refuses_every_edit_with_a_chinese_message(new_plan, city_admin, superuser):
    allocatable_building(floors=1, per_floor=2)
    waiting_families(superuser, 2)
    plan = new_plan()
    allocation_plan_units_add(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin)
    allocation_plan_publish(plan=plan, actor=city_admin)

    for attempt in (
        lambda: allocation_plan_units_add(plan=plan, actor=city_admin),
        lambda: allocation_plan_units_remove(plan=plan, actor=city_admin),
        lambda: allocation_plan_families_invite(plan=plan, actor=city_admin, count=1),
        lambda: allocation_plan_update(plan=plan, actor=city_admin, name="改名"),
    ):
        with pytest.raises(ValidationError, match="配置方案当前为“已发布”，不能再修改房源和邀请家庭。"):
            attempt()
    with pytest.raises(ValidationError, match="不能再次发布"):
        allocation_plan_publish(plan=plan, actor=city_admin)


def test_publishing_a_waitlist_plan_starts_the_registered_rounds_after_commit(
    new_plan, city_admin, superuser, django_capture_on_commit_callbacks
):
    started = []

    def starter(*, plan, actor):
        started.append((plan.pk, actor.pk, plan.state))

    rounds.register_round_starter("waitlist", starter)
    try:
        allocatable_building(floors=1, per_floor=2)
        waiting_families(superuser, 2)
        plan = new_plan()
        allocation_plan_units_add(plan=plan, actor=city_admin)
        allocation_plan_families_invite(plan=plan, actor=city_admin)
        with django_capture_on_commit_callbacks(execute=True):
            allocation_plan_publish(plan=plan, actor=city_admin)
            assert started == []
        assert started == [(plan.pk, city_admin.pk, AllocationPlanState.PUBLISHED)]
        assert plan.lottery is None
    finally:
        rounds._starters["waitlist"].remove(starter)


def test_publishing_needs_units_and_families_still_waiting(new_plan, city_admin, superuser):
    plan = new_plan()
    with pytest.raises(ValidationError, match="还没有房源"):
        allocation_plan_publish(plan=plan, actor=city_admin)
    allocatable_building(floors=1, per_floor=2)
    allocation_plan_units_add(plan=plan, actor=city_admin)
    with pytest.raises(ValidationError, match="还没有邀请家庭"):
        allocation_plan_publish(plan=plan, actor=city_admin)


def test_units_and_families_of_an_open_plan_are_not_offered_to_another(new_plan, city_admin, superuser):
    allocatable_building(floors=1, per_floor=3)
    waiting_families(superuser, 3)
    first = new_plan()
    allocation_plan_units_add(plan=first, actor=city_admin)
    allocation_plan_families_invite(plan=first, actor=city_admin)
    second = new_plan(name="第二个方案")
    with pytest.raises(ValidationError):
        allocation_plan_units_add(
            plan=second, actor=city_admin, building_id=first.resources.first().unit.building_id
        )
    with pytest.raises(ValidationError, match="没有轮候中"):
        allocation_plan_families_invite(plan=second, actor=city_admin, count=3)

    allocation_plan_withdraw(plan=first, actor=city_admin, reason="房源调整")
    assert allocation_plan_units_add(plan=second, actor=city_admin) == 3


def test_withdrawal_needs_a_reason_and_marks_the_rows_not_allocated(new_plan, city_admin, superuser):
    allocatable_building(floors=1, per_floor=2)
    waiting_families(superuser, 2)
    plan = new_plan()
    allocation_plan_units_add(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin)
    allocation_plan_publish(plan=plan, actor=city_admin)
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        allocation_plan_withdraw(plan=plan, actor=city_admin, reason="  ")
    plan = allocation_plan_withdraw(plan=plan, actor=city_admin, reason="政策调整，重新编制")
    assert plan.state == AllocationPlanState.WITHDRAWN and plan.withdraw_reason == "政策调整，重新编制"
    assert set(plan.families.values_list("status", flat=True)) == {FamilyAllocationStatus.NOT_ALLOCATED}
    assert set(plan.resources.values_list("status", flat=True)) == {ResourceAllocationStatus.NOT_ALLOCATED}


def test_marking_an_allocation_and_completing_the_plan(new_plan, city_admin, superuser):
    allocatable_building(floors=1, per_floor=2)
    entries = waiting_families(superuser, 2)
    plan = new_plan()
    allocation_plan_units_add(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin)
    allocation_plan_publish(plan=plan, actor=city_admin)
    unit_id = plan.resources.order_by("pk").first().unit_id
    allocation_plan_mark(plan=plan, registry_entry_id=entries[0].pk, unit_id=unit_id)
    row = AllocationPlanFamily.objects.get(plan=plan, registry_entry=entries[0])
    assert row.status == FamilyAllocationStatus.ALLOCATED and row.allocated_at is not None
    assert plan.resources.get(unit_id=unit_id).allocated_on is not None

    plan = allocation_plan_complete(plan=plan, actor=city_admin)
    assert plan.state == AllocationPlanState.COMPLETED
    assert AllocationPlanFamily.objects.get(plan=plan, registry_entry=entries[1]).status == "not_allocated"


def test_a_rent_subsidy_plan_offers_one_subsidy_line_per_family(new_plan, city_admin, superuser):
    waiting_families(superuser, 4, project="lianzu", mode="rent_subsidy")
    with pytest.raises(ValidationError) as excinfo:
        new_plan(project_code="lianzu", mode_code="rent_subsidy")
    assert "每户补贴金额" in str(excinfo.value)
    plan = new_plan(project_code="lianzu", mode_code="rent_subsidy", subsidy_per_household=Decimal("1500.00"))
    with pytest.raises(ValidationError, match="请填写本期邀请的家庭数"):
        allocation_plan_families_invite(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin, count=3)
    plan.refresh_from_db()
    assert (plan.household_count, plan.unit_count, plan.subsidy_total) == (3, 0, Decimal("4500.00"))


def test_the_period_must_match_its_kind(new_plan):
    with pytest.raises(ValidationError) as excinfo:
        new_plan(period_kind="month", period="2026Q2")
    assert "方案周期应与期别类型一致" in str(excinfo.value.message_dict["period"])


def test_a_district_reviewer_cannot_plan(new_plan, district_reviewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        new_plan(actor=district_reviewer)


def test_inviting_20000_families_takes_a_handful_of_bulk_inserts(
    new_plan, city_admin, superuser, django_assert_max_num_queries
):
    import time

    allocatable_building(floors=1, per_floor=2)
    waiting_families(superuser, 20_000)
    plan = new_plan(method="lottery")
    allocation_plan_units_add(plan=plan, actor=city_admin)
    started = time.perf_counter()
    with django_assert_max_num_queries(25):
        assert allocation_plan_families_invite(plan=plan, actor=city_admin) == 20_000
    elapsed = time.perf_counter() - started
    assert elapsed < 20  # a few seconds on the shared test machine
    plan.refresh_from_db()
    assert (plan.invited_count, plan.household_count) == (20_000, 2)
    assert len(plan_lottery_entrants(plan)) == 20_000
