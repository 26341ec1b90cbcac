"""Cases in publicity for the publicity tests: filed, accepted and street-approved through the services."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from admission.applications import application_create, application_transition
from admission.models import ApplicationState
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

from ..factories import make_family

S = ApplicationState
TZ = ZoneInfo("Asia/Shanghai")
COMMUNITY_A1 = "440402001001"  # 翠香街道第一社区
COMMUNITY_A2 = "440402002001"  # 梅华街道第一社区
COMMUNITY_B = "440403001001"  # 斗门区白藤街道


def at(day: str, hour: int = 10) -> datetime.datetime:
    """An aware moment in the city's time zone (time_machine destinations)."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def step(application, actor, name, opinion="同意。", **kwargs):
    return application_transition(application=application, actor=actor, name=name, opinion=opinion, **kwargs)


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def in_street_publicity(superuser, street_caseworker):
    """make(name=…, region_code=…) → an application in 街道公示 (filed by the street caseworker)."""

    def make(name: str = "陈翠香", region_code: str = COMMUNITY_A1, **family):
        fam = make_family(actor=superuser, region_code=region_code, name=name, members=1, **family)
        actor = street_caseworker if region_code.startswith("440402001") else superuser
        app = application_create(family=fam, project_code="lianzu", mode_code="rent_subsidy", actor=actor)
        for name_ in ("submit", "accept", "street_approve"):
            app = step(app, actor, name_)
        assert app.state == S.STREET_PUBLICITY
        return app

    return make
