"""Families on the waitlist, delivered units with rooms, and a running session over them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from admission.applications import application_create
from admission.models import Application, ApplicationState
from admission.registry.services import registry_entry_create
from admission.tests.factories import make_family
from allocation.selection.services import selection_session_create, selection_session_start
from conftest import DISTRICT_A
from projects.models import Unit, UnitState
from projects.tests.factories import make_building, make_project
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

COMMUNITY_A1 = "440402001001"


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


def make_entry(filer, *, name: str, members: int = 0, region_code: str = COMMUNITY_A1, **data):
    """A registered family (登记簿 + 轮候) of 公租房 实物配租; the review steps are not what is tested here."""
    family = make_family(actor=filer, region_code=region_code, name=name, members=members, **data)
    application = application_create(
        family=family, project_code="gongzu", mode_code="rental_in_kind", actor=filer
    )
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.REGISTERED, decided_at=timezone.now()
    )
    return registry_entry_create(application=Application.objects.get(pk=application.pk), actor=filer)


def make_units(*, count: int, rooms: int = 1, per_floor: int = 5):
    project = make_project(region_code=DISTRICT_A)
    floors = -(-count // per_floor)
    building = make_building(project=project, floors=floors, per_floor=per_floor, state=UnitState.DELIVERED)
    units = list(Unit.objects.filter(building=building).order_by("number")[:count])
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(rooms=rooms, layout=f"{rooms}室一厅")
    return list(Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("number"))


def make_session(actor, *, families, units, start: bool = True, **extra):
    session = selection_session_create(
        name=extra.pop("name", "公租房第一批选房"),
        region_code=extra.pop("region_code", DISTRICT_A),
        project_code="gongzu",
        mode_code="rental_in_kind",
        units=units,
        families=families,
        actor=actor,
        starts_at=timezone.now() + datetime.timedelta(minutes=5),
        slot_minutes=30,
        families_per_slot=extra.pop("families_per_slot", 10),
        place="市住房保障中心选房大厅",
        **extra,
    )
    if start:
        session = selection_session_start(session=session, actor=actor)
    return session


NAMES = ["陈翠香", "黄志明", "林美华", "张建国", "王秀英", "李国强", "刘桂兰", "赵德胜", "周玉梅", "吴海涛"]


@pytest.fixture
def families(superuser):
    """Three single-person families (可配 1 居室) and one of four people (可配 3 居室)."""
    return [
        make_entry(superuser, name="陈翠香"),
        make_entry(superuser, name="黄志明"),
        make_entry(superuser, name="林美华"),
        make_entry(superuser, name="张建国", members=3),
    ]
