"""The demo cases (issue 4 part 13): ~200 families over every stage, idempotent, and list pages that stay cheap."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse

from admission.application_selectors import application_nodes
from admission.demo_cases import DEMO_CASE_COUNT, STREETS, build_case_plans, seed_demo_cases
from admission.models import Application, ApplicationState, Family, FamilyMember
from housing.accounts.demo import seed_demo_accounts
from housing.accounts.identity import normalise_id_number
from housing.accounts.models import User
from housing.accounts.system import SYSTEM_USERNAME
from housing.regions.services import regions_load_demo
from housing.workflow.models import NodeInstance
from rules.defaults import rules_seed_demo
from rules.engine import rules_cache_clear

S = ApplicationState
# Queries of one list page, whatever the rows (bench/admission_scale.py counts 7 at 2,000 and at 200,000).
QUERY_PIN = 10


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city with its accounts, rule sets and the ~200 cases, built once for this module.

    One outer transaction, rolled back at the end: each test runs in a savepoint inside it.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            regions_load_demo()
            seed_demo_accounts()
            rules_cache_clear()
            rules_seed_demo()
            seed_demo_cases()
            yield
            transaction.set_rollback(True)
        rules_cache_clear()


def test_the_plans_are_the_same_on_every_run_and_every_id_number_is_valid_and_unique():
    first, second = build_case_plans(), build_case_plans()
    assert len(first) == DEMO_CASE_COUNT >= 200
    assert [(p.family, p.steps, p.gaps) for p in first] == [(p.family, p.steps, p.gaps) for p in second]
    numbers = [p.applicant_id_number for p in first] + [m.id_number for p in first for m in p.members]
    assert len(numbers) == len(set(numbers))
    assert all(normalise_id_number(n) == n for n in numbers)
    sizes = Counter(1 + len(p.members) for p in first)
    assert set(sizes) == {1, 2, 3, 4, 5}
    assert {p.street.code9 for p in first} == {s.code9 for s in STREETS}


@pytest.mark.django_db
def test_the_seeder_files_every_case_at_every_stage(demo_city):
    states = Counter(Application.objects.values_list("state", flat=True))
    assert set(states) == set(S.values), set(S.values) - set(states)
    assert sum(states.values()) == DEMO_CASE_COUNT
    refused = Application.objects.filter(state=S.REFUSED)
    assert len(set(refused.values_list("refusal_reason", flat=True))) >= 6
    assert set(Application.objects.filter(state=S.RETURNED).values_list("returned_from", flat=True)) == {
        S.STREET_REVIEW,
        S.DISTRICT_REVIEW,
        S.CITY_REVIEW,
    }
    assert set(Application.objects.filter(state=S.FROZEN).values_list("frozen_from", flat=True)) == {
        S.STREET_PUBLICITY,
        S.DISTRICT_PUBLICITY,
        S.CITY_PUBLICITY,
    }
    assert FamilyMember.objects.filter(family__applications__isnull=False).count() >= 2 * DEMO_CASE_COUNT


@pytest.mark.django_db
def test_registered_cases_were_reviewed_by_three_people_and_publicity_closed_by_the_system(demo_city):
    registered = Application.objects.filter(state=S.REGISTERED).select_related(
        "street_reviewer", "district_reviewer", "city_reviewer"
    )
    assert registered.count() >= 30
    for application in registered:
        reviewers = {
            application.street_reviewer_id,
            application.district_reviewer_id,
            application.city_reviewer_id,
        }
        assert len(reviewers) == 3 and None not in reviewers
    assert {a.city_reviewer.username for a in registered} == {"city"}
    closes = NodeInstance.objects.filter(transition__endswith="_publicity_close")
    assert closes.exists()
    assert set(closes.values_list("actor__username", flat=True)) == {SYSTEM_USERNAME}
    assert set(closes.values_list("opinion", flat=True)) == {"公示期满无异议"}


@pytest.mark.django_db
def test_steps_are_dated_on_past_working_days_in_order(demo_city):
    application = Application.objects.filter(state=S.REGISTERED).first()
    nodes = [n for n in application_nodes(application=application) if n.state == "done"]
    finished = [n.finished_at for n in nodes if n.finished_at]
    assert finished == sorted(finished)
    assert application.created_at < application.decided_at
    # A publicity runs its 7 working days (issue 4 part 3) between approval and close.
    publicity = next(n for n in nodes if n.transition == "street_publicity_close")
    assert publicity.working_days_taken == 7


@pytest.mark.django_db
def test_a_second_run_adds_nothing(demo_city):
    before = (Family.objects.count(), Application.objects.count(), NodeInstance.objects.count())
    seed_demo_cases()
    assert (Family.objects.count(), Application.objects.count(), NodeInstance.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url_name", "query"),
    [
        ("cuixiang", "admission:application_queue", {}),
        ("city", "admission:application_queue", {}),
        ("xiangzhou", "admission:application_queue", {}),
        ("city", "admission:application_list", {}),
        ("city", "admission:application_list", {"state": "registered"}),
    ],
)
def test_queue_and_list_pages_stay_within_a_fixed_number_of_queries_with_200_cases(
    demo_city, client, django_assert_max_num_queries, username, url_name, query
):
    client.force_login(User.objects.get(username=username))
    with django_assert_max_num_queries(QUERY_PIN):
        response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    assert "SQ-4404" in response.content.decode()


@pytest.mark.django_db
def test_search_by_exact_id_number_finds_the_case_of_a_member(
    demo_city, client, django_assert_max_num_queries
):
    member = FamilyMember.objects.filter(relation="spouse", family__applications__isnull=False).first()
    application = member.family.applications.first()
    client.force_login(User.objects.get(username="city"))
    with django_assert_max_num_queries(QUERY_PIN):
        response = client.get(reverse("admission:application_list"), {"q": member.id_number})
    page = response.content.decode()
    assert application.receipt_number in page
    assert application.family.id_number_masked in page


@pytest.mark.django_db
def test_the_sale_families_are_registered_for_the_sale_demos_once(demo_city):
    from admission.demo_cases import seed_demo_sale_families
    from admission.registry.models import RegistryEntry

    before = Application.objects.count()
    assert seed_demo_sale_families() == [] and seed_demo_sale_families() == []
    added = Application.objects.filter(project_code="jingshi", state=S.REGISTERED)
    assert Application.objects.count() == before + 4 == before + added.count()
    entries = RegistryEntry.objects.filter(project_code="jingshi", mode_kind="sale_in_kind", status="waiting")
    assert entries.count() == 4
