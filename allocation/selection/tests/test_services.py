"""选房 services: the call order, fitting units, passes that move a family down and count, review, cancel."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from allocation.selection.models import AllocationOrder, OrderStatus, PickState
from allocation.selection.services import (
    allowed_rooms_for,
    selection_call_next,
    selection_families_from_lottery,
    selection_families_from_waitlist,
    selection_pass,
    selection_pick,
    selection_pick_cancel,
    selection_session_end,
)
from allocation.waitlist.models import WaitlistRefusal
from projects.models import UnitState

from .conftest import make_session, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["one statement", "steps"])
def write_path(request, monkeypatch):
    """The pick's two ways of writing: one SQL statement (PostgreSQL) and the ORM steps (the SQLite demo)."""
    if request.param == "steps":
        from django.db import connection

        monkeypatch.setattr(connection, "vendor", "sqlite")
    return request.param


def test_each_family_gets_its_room_standard_from_the_rule_set_with_the_version(families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=3), start=False)
    orders = list(session.orders.order_by("order_number"))
    assert [o.allowed_rooms for o in orders] == [1, 1, 1, 3]
    assert all("第1版" in o.rule_version for o in orders)
    assert session.has_rooms_rule is True
    assert [o.slot.number for o in orders] == [1, 1, 1, 1]


def test_a_mode_without_the_room_standard_does_not_restrict(regions):
    rooms, version = allowed_rooms_for(
        project_code="jingshi", mode_code="sale_in_kind", region_code="440402001001", household_size=1,
        on_date=__import__("datetime").date.today(),
    )  # fmt: skip
    assert rooms is None and version == ""


def test_families_are_called_in_order_one_at_a_time(families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=3))
    first = selection_call_next(session=session, actor=city_admin)
    second = selection_call_next(session=session, actor=city_admin)
    assert (first.order_number, second.order_number) == (1, 2)
    assert first.status == OrderStatus.CHOOSING


@pytest.mark.usefixtures("write_path")
def test_a_family_cannot_pick_a_unit_of_the_wrong_type(families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=2, rooms=2))
    order = selection_call_next(session=session, actor=city_admin)  # 陈翠香, 1 person: at most 1 room
    unit = session.offered.first().unit
    with pytest.raises(ValidationError) as error:
        selection_pick(order=order, unit=unit, actor=city_admin)
    assert "超出该家庭可选户型（不超过1居室）" in str(error.value)
    unit.refresh_from_db()
    order.refresh_from_db()
    assert unit.state == UnitState.DELIVERED and order.status == OrderStatus.CHOOSING
    assert not order.picks.exists()


@pytest.mark.usefixtures("write_path")
def test_a_picked_unit_is_allocated_and_cannot_be_picked_again(families, city_admin):
    units = make_units(count=2)
    session = make_session(city_admin, families=families, units=units)
    first = selection_call_next(session=session, actor=city_admin)
    second = selection_call_next(session=session, actor=city_admin)
    pick = selection_pick(order=first, unit=units[0], actor=city_admin)
    units[0].refresh_from_db()
    assert units[0].state == UnitState.ALLOCATED and pick.state == PickState.ACTIVE
    with pytest.raises(ValidationError) as error:
        selection_pick(order=second, unit=units[0], actor=city_admin)
    assert "该房源已被选定，请重新选择" in str(error.value)
    second.refresh_from_db()
    assert second.status == OrderStatus.CHOOSING


@pytest.mark.usefixtures("write_path")
def test_a_family_not_called_cannot_pick(families, city_admin):
    units = make_units(count=2)
    session = make_session(city_admin, families=families, units=units)
    with pytest.raises(ValidationError, match="请先叫号"):
        selection_pick(order=session.orders.first(), unit=units[0], actor=city_admin)


def test_an_absent_family_moves_to_the_end_and_its_absence_counts(families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=3))
    first = selection_call_next(session=session, actor=city_admin)
    moved = selection_pass(order=first, actor=city_admin, kind=OrderStatus.ABSENT, reason="未到场")
    assert moved.status == OrderStatus.WAITING and moved.pass_count == 1
    assert moved.call_position > max(o.call_position for o in session.orders.exclude(pk=first.pk))
    refusals = WaitlistRefusal.objects.filter(entry__registry_entry=first.registry_entry)
    assert (
        refusals.count() == 1 and refusals.get().kind == "absent" and refusals.get().source == session.number
    )
    # The others come first; the absent family is called again last.
    called = [selection_call_next(session=session, actor=city_admin).order_number for _ in range(4)]
    assert called == [2, 3, 4, 1]


def test_a_second_pass_in_the_same_session_is_final_and_counts_again(families, city_admin):
    session = make_session(city_admin, families=families[:1], units=make_units(count=1))
    order = selection_call_next(session=session, actor=city_admin)
    selection_pass(order=order, actor=city_admin, kind=OrderStatus.REFUSED, reason="不满意楼层")
    order = selection_call_next(session=session, actor=city_admin)
    order = selection_pass(order=order, actor=city_admin, kind=OrderStatus.REFUSED)
    assert order.status == OrderStatus.REFUSED
    assert WaitlistRefusal.objects.filter(entry__registry_entry=order.registry_entry).count() == 2
    with pytest.raises(ValidationError, match="没有待叫号的家庭"):
        selection_call_next(session=session, actor=city_admin)


@pytest.mark.usefixtures("write_path")
def test_cancelling_a_pick_releases_the_unit_for_the_next_family(families, city_admin):
    units = make_units(count=1)
    session = make_session(city_admin, families=families, units=units)
    order = selection_call_next(session=session, actor=city_admin)
    pick = selection_pick(order=order, unit=units[0], actor=city_admin)
    selection_pick_cancel(pick=pick, actor=city_admin, reason="家庭签约前放弃", family_gives_up=True)
    units[0].refresh_from_db()
    order.refresh_from_db()
    assert units[0].state == UnitState.DELIVERED and order.status == OrderStatus.REFUSED
    assert WaitlistRefusal.objects.filter(entry__registry_entry=order.registry_entry).count() == 1
    nxt = selection_call_next(session=session, actor=city_admin)
    assert selection_pick(order=nxt, unit=units[0], actor=city_admin).state == PickState.ACTIVE


@pytest.mark.usefixtures("write_path")
def test_a_pick_needs_a_running_session(families, city_admin):
    units = make_units(count=2)
    session = make_session(city_admin, families=families, units=units)
    order = selection_call_next(session=session, actor=city_admin)
    selection_session_end(session=session, actor=city_admin)
    with pytest.raises(ValidationError, match="不在进行中"):
        selection_pick(order=order, unit=units[0], actor=city_admin)


def test_a_unit_already_allocated_cannot_be_offered(families, city_admin):
    units = make_units(count=2)
    session = make_session(city_admin, families=families, units=units)
    selection_pick(
        order=selection_call_next(session=session, actor=city_admin), unit=units[0], actor=city_admin
    )
    units[0].refresh_from_db()
    with pytest.raises(ValidationError) as error:
        make_session(city_admin, families=families[1:], units=units, start=False)
    assert "不是本区划内的已交付空置房源" in str(error.value)


def test_families_come_from_the_waitlist_in_waitlist_order(families):
    found = selection_families_from_waitlist(
        project_code="gongzu", mode_code="rental_in_kind", region_code="440400000000"
    )
    assert {e.pk for e in found} == {e.pk for e in families}
    keys = [e.waitlist_entry.sort_key for e in found]
    assert keys == sorted(keys)


def test_families_come_from_a_drawn_lottery_in_rank_order(families, city_admin):
    from allocation.models import LotteryResult
    from allocation.services import (
        lottery_create,
        lottery_draw,
        lottery_entrants_from_waitlist,
        lottery_freeze,
    )

    lottery = lottery_create(
        name="公租房摇号",
        region_code="440400000000",
        actor=city_admin,
        project_code="gongzu",
        mode_code="rental_in_kind",
    )
    lottery = lottery_freeze(
        lottery=lottery, entrants=lottery_entrants_from_waitlist(lottery=lottery), actor=city_admin
    )
    lottery_draw(lottery=lottery, event_seed="123456", actor=city_admin)
    ranked = list(
        LotteryResult.objects.filter(lottery=lottery)
        .order_by("rank")
        .values_list("receipt_number", flat=True)
    )
    assert [e.application_number for e in selection_families_from_lottery(lottery)] == ranked


def test_the_same_family_twice_is_refused_with_a_message(families, city_admin):
    with pytest.raises(ValidationError) as error:
        make_session(city_admin, families=[families[0], families[0]], units=make_units(count=1), start=False)
    assert "出现了两次" in str(error.value)
    assert not AllocationOrder.objects.exists()


def test_the_demo_seeds_a_session_in_progress_once(families, make_staff, superuser):
    from allocation.models import Lottery
    from allocation.selection.demo import DEMO_NAME, LOTTERY_NAME, seed_demo_selection
    from allocation.selection.models import SelectionSession, SelectionState
    from allocation.services import (
        lottery_create,
        lottery_draw,
        lottery_entrants_from_waitlist,
        lottery_freeze,
    )
    from projects.models import GuaranteeMode, Unit

    city = make_staff("city", [("city_centre", "440400000000")], is_staff=True)
    units = make_units(count=6) + make_units(count=2, rooms=3)
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(
        is_demo=True, guarantee_mode=GuaranteeMode.PUBLIC_RENTAL
    )
    lottery = lottery_create(name=LOTTERY_NAME, region_code="440400000000", actor=city, project_code="gongzu")
    lottery = lottery_freeze(
        lottery=lottery, entrants=lottery_entrants_from_waitlist(lottery=lottery), actor=city
    )
    lottery_draw(lottery=lottery, event_seed="204815", actor=city)
    assert seed_demo_selection() == []
    assert seed_demo_selection() == []
    session = SelectionSession.objects.get(name=DEMO_NAME)
    assert session.state == SelectionState.RUNNING and Lottery.objects.count() == 1
    statuses = list(session.orders.order_by("order_number").values_list("status", flat=True))
    assert statuses == [OrderStatus.PICKED] * 3 + [OrderStatus.CHOOSING]
    assert session.picks.filter(is_reviewed=True).count() == 1
    assert SelectionSession.objects.count() == 1


@pytest.mark.usefixtures("write_path")
def test_a_pick_leaves_the_units_history_audit_and_workflow_record_once(
    families, city_admin, django_capture_on_commit_callbacks
):
    from allocation.selection.services import selection_pick_record
    from housing.audit.models import AuditEvent
    from housing.workflow.models import NodeInstance

    units = make_units(count=1)
    session = make_session(city_admin, families=families, units=units)
    order = selection_call_next(session=session, actor=city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        selection_pick(order=order, unit=units[0], actor=city_admin)
    history = units[0].history.order_by("-history_date").first()
    assert history.state == UnitState.ALLOCATED and session.number in history.history_change_reason
    node = NodeInstance.objects.filter(process__object_id=str(units[0].pk), transition="allocate").get()
    assert node.actor == city_admin and session.number in node.opinion
    audited = AuditEvent.objects.filter(actor=city_admin, description__contains=session.number)
    assert {"allocation.allocationorder", "allocation.selectionpick", "projects.unit"} == set(
        audited.values_list("object_type", flat=True)
    )
    written = audited.count()
    # A job run twice (a worker that crashed after writing) adds nothing the first run wrote.
    pick = order.picks.get()
    selection_pick_record(pick_id=pick.pk, actor=city_admin)
    assert units[0].history.filter(state=UnitState.ALLOCATED).count() == 1
    assert audited.count() == written
    assert (
        NodeInstance.objects.filter(process__object_id=str(units[0].pk), transition="allocate").count() == 1
    )
