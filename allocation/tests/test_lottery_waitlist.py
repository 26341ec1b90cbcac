"""The entrants of a lottery come from the waitlist: registered families waiting on its project and mode."""

from __future__ import annotations

import pytest
from django.urls import reverse

from admission.tests.registry.conftest import new_case, register
from allocation.models import LotteryState
from allocation.services import lottery_create
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

CITY = "440400000000"


@pytest.fixture
def waiting_families(regions, superuser, street_caseworker, district_reviewer, city_admin):
    rules_cache_clear()
    rules_seed_defaults()
    reviewers = {"street": street_caseworker, "district": district_reviewer, "city": city_admin}
    cases = [
        register(new_case(superuser, name="陈翠香"), reviewers),
        register(
            new_case(
                superuser,
                name="黄低保",
                is_subsistence_allowance_family=True,
                subsistence_certificate_number="DB2026001",
            ),
            reviewers,
        ),
        register(new_case(superuser, name="林补贴", mode="rent_subsidy", project="lianzu"), reviewers),
    ]
    yield cases
    rules_cache_clear()


def test_freezing_takes_the_waiting_families_of_the_mode_with_the_dibao_family_in_round_one(
    waiting_families, city_admin, client
):
    lottery = lottery_create(
        name="公租房摇号",
        region_code=CITY,
        actor=city_admin,
        project_code="gongzu",
        mode_code="rental_in_kind",
    )
    client.force_login(city_admin)
    url = reverse("allocation:lottery_freeze", args=[lottery.pk])
    preview = client.get(url).content.decode()
    assert "将锁定 2 户" in preview and "第1轮 1 户" in preview and "第2轮 1 户" in preview
    assert client.post(url, {"opinion": "核对无误"}).status_code == 302
    lottery.refresh_from_db()
    assert lottery.state == LotteryState.FROZEN and lottery.entrant_count == 2
    rounds = dict(lottery.entrants.values_list("masked_name", "priority_round"))
    assert rounds == {"黄*保": 1, "陈*香": 2}
    assert waiting_families[0].receipt_number in lottery.entrant_file
