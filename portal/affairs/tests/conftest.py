"""Cases of the signed-in citizen (``citizen`` of the root conftest), driven through admission's services."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from admission.applications import application_create, application_transition
from admission.tests.factories import make_family
from housing.accounts.demo import demo_id_number
from housing.accounts.services import applicant_register
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

COMMUNITY_A1 = "440402001001"  # 翠香第一社区
CITIZEN_ID = demo_id_number("44040219850505432")  # the root conftest's ``citizen``
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TO_DISTRICT_REVIEW = ("submit", "accept", "street_approve", "street_publicity_close")
# Distinctive text of internal review opinions: it must never reach the applicant's pages.
SECRET = "内部意见仅供审核XJ-7319"


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def reviewers(street_caseworker, district_reviewer, city_admin):
    return {"street": street_caseworker, "district": district_reviewer, "city": city_admin}


def step(application, actor, name, opinion=f"同意。{SECRET}", **kwargs):
    return application_transition(application=application, actor=actor, name=name, opinion=opinion, **kwargs)


@pytest.fixture
def new_case(superuser):
    """A draft application of a new family; ``id_number=CITIZEN_ID`` makes it the citizen's."""

    def make(*, name="李市民", id_number=None, region_code=COMMUNITY_A1):
        family = make_family(
            actor=superuser, region_code=region_code, name=name, members=1, id_number=id_number
        )
        return application_create(
            family=family, project_code="gongzu", mode_code="rental_in_kind", actor=superuser
        )

    return make


@pytest.fixture
def my_case(new_case, citizen):
    return new_case(id_number=CITIZEN_ID)


@pytest.fixture
def stranger(db):
    return applicant_register(
        phone="13900000008",
        id_number=demo_id_number("44040219900101123"),
        real_name="王路人",
        password="Test@Pass1",
    )


def to_district_review(application, reviewers):
    for name in TO_DISTRICT_REVIEW:
        application = step(application, reviewers["street"], name)
    return application


def register(application, reviewers):
    application = to_district_review(application, reviewers)
    for name in ("district_approve", "district_publicity_close"):
        application = step(application, reviewers["district"], name)
    for name in ("city_approve", "city_publicity_close"):
        application = step(application, reviewers["city"], name)
    return application


def at(day: int, hour: int = 16):
    """Travel to June ``day`` 2026."""
    return time_machine.travel(datetime.datetime(2026, 6, day, hour, 0, tzinfo=TZ), tick=False)
