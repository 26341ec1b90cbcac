"""拟保障方案 (issue 4 part 7): the street proposes, later levels confirm by approving or change it with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admission.applications import application_plan_revise
from admission.models import Application
from admission.tests.registry.conftest import TO_DISTRICT_REVIEW, new_case, step
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear


@pytest.fixture
def at_district_review(regions, superuser, street_caseworker):
    rules_cache_clear()
    rules_seed_defaults()
    application = new_case(superuser, project="lianzu", mode="rent_subsidy")
    for name in TO_DISTRICT_REVIEW:
        application = step(application, street_caseworker, name)
    yield application
    rules_cache_clear()


def test_a_district_change_needs_a_reason_and_keeps_the_street_proposal(
    at_district_review, district_reviewer
):
    street_plan = at_district_review.plans.get()
    with pytest.raises(ValidationError) as error:
        application_plan_revise(
            application=at_district_review,
            actor=district_reviewer,
            reason="",
            subsidy_amount=Decimal("100.00"),
        )
    assert "调整理由" in str(error.value)
    revised = application_plan_revise(
        application=at_district_review,
        actor=district_reviewer,
        reason="实际租金低于测算补贴，按实际租金核定。",
        subsidy_amount=Decimal("100.00"),
    )
    assert revised.subsidy_amount == Decimal("100.00") and revised.stage == "district_review"
    assert at_district_review.plans.count() == 2
    street_plan.refresh_from_db()
    assert street_plan.subsidy_amount != Decimal("100.00")


def test_approving_without_a_change_confirms_the_plan_at_that_level(at_district_review, district_reviewer):
    application = step(at_district_review, district_reviewer, "district_approve", "复核无误。")
    latest = Application.objects.get(pk=application.pk).plans.first()
    assert (
        latest.stage == "district_review"
        and latest.reviewer == district_reviewer
        and not latest.change_reason
    )
    assert latest.subsidy_amount == application.plans.last().subsidy_amount


def test_the_revise_page_shows_the_error_beside_the_reason_and_saves_nothing(
    at_district_review, district_reviewer, street_caseworker, client
):
    url = reverse("admission:application_plan_revise", args=[at_district_review.pk])
    client.force_login(district_reviewer)
    detail = client.get(
        reverse("admission:application_detail", args=[at_district_review.pk])
    ).content.decode()
    assert (
        "调整拟保障方案" in detail and ">pass<" not in detail and ">unknown<" not in detail
    )  # outcomes in Chinese
    page = client.post(url, {"subsidy_amount": "88.00", "reason": ""}).content.decode()
    assert "is-invalid" in page and "调整理由" in page
    assert at_district_review.plans.count() == 1
    client.force_login(street_caseworker)
    response = client.post(url, {"subsidy_amount": "88.00", "reason": "x"})
    assert response.status_code == 403
    assert at_district_review.plans.count() == 1
