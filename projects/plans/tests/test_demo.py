"""The demo seeder: idempotent, and the city finds 香洲区's submitted 2027 plan in its inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from housing.accounts.demo import seed_demo_accounts
from housing.accounts.models import User
from projects.plans.demo import seed_demo_plans
from projects.plans.models import AnnualPlan, AnnualPlanState, HousingPlan, PlanMacroIndicator

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_idempotent_and_fills_the_city_inbox(client, regions):
    seed_demo_accounts()
    seed_demo_plans()
    counts = (HousingPlan.objects.count(), AnnualPlan.objects.count(), PlanMacroIndicator.objects.count())
    seed_demo_plans()
    assert (
        HousingPlan.objects.count(),
        AnnualPlan.objects.count(),
        PlanMacroIndicator.objects.count(),
    ) == counts

    assert HousingPlan.objects.filter(name__contains="十四五", macro_indicator__isnull=False).exists()
    states = dict(AnnualPlan.objects.filter(year=2027).values_list("region_code", "state"))
    assert states == {
        "440402000000": AnnualPlanState.SUBMITTED,
        "440403000000": AnnualPlanState.ISSUED,
        "440404000000": AnnualPlanState.DRAFT,
    }
    submitted = AnnualPlan.objects.get(region_code="440402000000", year=2027)
    client.force_login(User.objects.get(username="city"))
    assert submitted.name in client.get(reverse("workflow:tasks")).content.decode()
