"""Registered families on one waitlist (公租房 · 实物配租), driven through the real review lifecycle."""

from __future__ import annotations

import pytest

from admission.registry.models import RegistryEntry, WaitlistEntry
from admission.tests.registry.conftest import new_case, register
from housing.accounts.demo import demo_id_number
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

CITIZEN_ID = demo_id_number("44040219850505432")  # the root conftest's ``citizen``


@pytest.fixture
def reviewers(street_caseworker, district_reviewer, city_admin):
    return {"street": street_caseworker, "district": district_reviewer, "city": city_admin}


@pytest.fixture
def make_waiting(regions, superuser, reviewers):
    """``make_waiting("名字", **family)`` → the family's WaitlistEntry (registered now, so later = behind)."""
    rules_cache_clear()
    rules_seed_defaults()

    def make(name: str, **family) -> WaitlistEntry:
        application = register(new_case(superuser, name=name, **family), reviewers)
        return RegistryEntry.objects.get(application=application).waitlist_entry

    yield make
    rules_cache_clear()


@pytest.fixture
def four_families(make_waiting):
    """Four waiting families; the citizen's own family is the last one."""
    return [
        make_waiting("陈翠香"),
        make_waiting("黄拒绝"),
        make_waiting("林等待"),
        make_waiting("李市民", id_number=CITIZEN_ID),
    ]
