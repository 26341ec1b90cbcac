"""50 families choosing at once among 10 units, each on its own database connection (PostgreSQL decides)."""

from __future__ import annotations

import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from allocation.selection.models import PickState, SelectionPick
from allocation.selection.services import selection_call_next, selection_pick
from housing.accounts.models import User
from projects.models import Unit, UnitState

from .conftest import make_entry, make_session, make_units

PICKERS, UNITS = 50, 10


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_pickers_allocate_each_unit_at_most_once_and_all_get_an_answer(
    superuser, city_admin
):
    families = [make_entry(superuser, name=f"测试家庭{i:02d}") for i in range(PICKERS)]
    units = make_units(count=UNITS)
    session = make_session(city_admin, families=families, units=units, families_per_slot=PICKERS)
    orders = [selection_call_next(session=session, actor=city_admin) for _ in range(PICKERS)]
    unit_ids = [u.pk for u in units]
    answers: dict[int, str] = {}
    barrier = threading.Barrier(PICKERS)

    def pick(order_id: int, seed: int) -> None:
        try:
            actor = User.objects.get(pk=city_admin.pk)
            order = type(orders[0]).objects.get(pk=order_id)
            unit = Unit.objects.get(pk=random.Random(seed).choice(unit_ids))
            barrier.wait(timeout=60)
            try:
                selection_pick(order=order, unit=unit, actor=actor)
                answers[order_id] = "ok"
            except ValidationError as exc:
                answers[order_id] = "；".join(exc.messages)
        except Exception as exc:  # noqa: BLE001 — any other outcome is the failure this test looks for
            answers[order_id] = f"unexpected {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=pick, args=(o.pk, i)) for i, o in enumerate(orders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == PICKERS  # every picker got an answer
    winners = [k for k, v in answers.items() if v == "ok"]
    losers = {v for v in answers.values() if v != "ok"}
    assert losers <= {"该房源已被选定，请重新选择"}, losers
    live = SelectionPick.objects.filter(session=session, state=PickState.ACTIVE)
    picked_units = list(live.values_list("unit_id", flat=True))
    assert len(picked_units) == len(set(picked_units)) == len(winners)
    assert 1 <= len(winners) <= UNITS
    assert Unit.objects.filter(pk__in=unit_ids, state=UnitState.ALLOCATED).count() == len(winners)


@pytest.mark.django_db(transaction=True)
def test_two_desks_picking_two_units_for_one_family_at_once_give_it_one_unit(superuser, city_admin):
    families = [make_entry(superuser, name="测试家庭甲")]
    units = make_units(count=2)
    session = make_session(city_admin, families=families, units=units)
    order = selection_call_next(session=session, actor=city_admin)
    answers: dict[int, str] = {}
    barrier = threading.Barrier(2)

    def pick(unit_id: int) -> None:
        try:
            actor = User.objects.get(pk=city_admin.pk)
            mine = type(order).objects.get(pk=order.pk)
            barrier.wait(timeout=60)
            try:
                selection_pick(order=mine, unit=Unit(pk=unit_id), actor=actor)
                answers[unit_id] = "ok"
            except ValidationError as exc:
                answers[unit_id] = "；".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=pick, args=(u.pk,)) for u in units]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == 2 and list(answers.values()).count("ok") == 1
    refused = next(v for v in answers.values() if v != "ok")
    assert "该家庭当前为“已选”" in refused or "该房源已被选定" in refused
    assert SelectionPick.objects.filter(session=session, state=PickState.ACTIVE).count() == 1
    # The unit of the losing desk is still free: nothing was left half-written.
    assert Unit.objects.filter(pk__in=[u.pk for u in units], state=UnitState.ALLOCATED).count() == 1
