"""Applications through 三审核三公示: lifecycle, reviewers, 补件, 撤回, duplicates, plan, pages, scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from admission.application_selectors import application_nodes
from admission.applications import application_create, application_transition
from admission.models import Application, ApplicationState, ProposedPlan
from admission.services import family_member_add, family_member_remove
from conftest import DISTRICT_A, STREET_A1
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

from .factories import id_number, make_family

S = ApplicationState
COMMUNITY_A1 = "440402001001"
COMMUNITY_B = "440403001001"


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def application(superuser, street_caseworker):
    family = make_family(actor=superuser, region_code=COMMUNITY_A1, name="陈翠香", members=1)
    return application_create(
        family=family, project_code="lianzu", mode_code="rent_subsidy", actor=street_caseworker
    )


def step(application, actor, name, opinion="同意。", **kwargs):
    return application_transition(application=application, actor=actor, name=name, opinion=opinion, **kwargs)


def to_state(application, target, *, street, district, city):
    path = {
        S.SUBMITTED: [(street, "submit")],
        S.STREET_REVIEW: [(street, "submit"), (street, "accept")],
        S.DISTRICT_REVIEW: [
            (street, "submit"),
            (street, "accept"),
            (street, "street_approve"),
            (street, "street_publicity_close"),
        ],
    }[target]
    for actor, name in path:
        application = step(application, actor, name)
    return application


def test_full_lifecycle_through_three_levels_by_three_reviewers_registers(
    application, street_caseworker, district_reviewer, city_admin
):
    assert application.receipt_number.startswith("SQ-440402-")
    app = application
    for actor, name, state in [
        (street_caseworker, "submit", S.SUBMITTED),
        (street_caseworker, "accept", S.STREET_REVIEW),
        (street_caseworker, "street_approve", S.STREET_PUBLICITY),
        (street_caseworker, "street_publicity_close", S.DISTRICT_REVIEW),
        (district_reviewer, "district_approve", S.DISTRICT_PUBLICITY),
        (district_reviewer, "district_publicity_close", S.CITY_REVIEW),
        (city_admin, "city_approve", S.CITY_PUBLICITY),
        (city_admin, "city_publicity_close", S.REGISTERED),
    ]:
        app = step(app, actor, name)
        assert app.state == state
    app = Application.objects.get(pk=app.pk)
    assert (app.street_reviewer, app.district_reviewer, app.city_reviewer) == (
        street_caseworker,
        district_reviewer,
        city_admin,
    )
    nodes = list(application_nodes(application=app))
    assert [n.transition for n in nodes][:3] == ["submit", "accept", "street_approve"]
    assert nodes[-1].transition == "register" and all(n.state == "done" for n in nodes)
    assert app.decided_at is not None


def test_the_same_person_cannot_review_at_two_levels(application, make_staff):
    both = make_staff(
        "two_hats", [("street_caseworker", STREET_A1), ("district_reviewer", DISTRICT_A)], is_staff=True
    )
    app = to_state(application, S.DISTRICT_REVIEW, street=both, district=None, city=None)
    with pytest.raises(ValidationError, match="不能再参与其他层级的审核"):
        step(app, both, "district_approve")
    assert Application.objects.get(pk=app.pk).state == S.DISTRICT_REVIEW


def test_supplement_and_resubmission_return_to_the_same_level(
    application, street_caseworker, district_reviewer
):
    app = to_state(application, S.DISTRICT_REVIEW, street=street_caseworker, district=None, city=None)
    app = step(app, district_reviewer, "request_supplement", supplement_items="收入证明")
    assert app.state == S.RETURNED and app.supplement_items == "收入证明"
    assert app.returned_from == S.DISTRICT_REVIEW
    app = step(app, street_caseworker, "resubmit", "已补交收入证明。")
    assert app.state == S.DISTRICT_REVIEW and app.returned_from == ""


def test_withdrawal_ends_the_case_and_frees_its_people(application, street_caseworker):
    app = to_state(application, S.STREET_REVIEW, street=street_caseworker, district=None, city=None)
    app = step(app, street_caseworker, "withdraw", "申请人书面撤回。")
    assert app.state == S.WITHDRAWN
    again = application_create(
        family=app.family, project_code="lianzu", mode_code="rent_subsidy", actor=street_caseworker
    )
    assert step(again, street_caseworker, "submit").state == S.SUBMITTED


def test_refusal_needs_a_coded_reason(application, street_caseworker):
    app = to_state(application, S.STREET_REVIEW, street=street_caseworker, district=None, city=None)
    with pytest.raises(ValidationError, match="不予登记原因"):
        step(app, street_caseworker, "refuse", "收入超标。")
    app = step(app, street_caseworker, "refuse", "收入超标。", refusal_reason="income_over_limit")
    assert app.state == S.REFUSED and app.refusal_text == "收入超标。"


def test_duplicate_id_across_districts_names_region_and_stage_not_people(superuser, street_caseworker):
    family_b = make_family(actor=superuser, region_code=COMMUNITY_B, name="梁白藤")
    shared = id_number()
    member = family_member_add(
        family=family_b, actor=superuser, data={"relation": "son", "name": "梁小藤", "id_number": shared}
    )
    other = application_create(
        family=family_b, project_code="lianzu", mode_code="rent_subsidy", actor=superuser
    )
    step(other, superuser, "submit")
    step(other, superuser, "accept")
    # The son moves to a family in 香洲区 while the 斗门区 application is under review.
    family_member_remove(member=member, actor=superuser, reason="分户")
    family_a = make_family(actor=superuser, region_code=COMMUNITY_A1, name="陈翠香")
    family_member_add(
        family=family_a, actor=superuser, data={"relation": "son", "name": "陈小香", "id_number": shared}
    )
    mine = application_create(
        family=family_a, project_code="lianzu", mode_code="rent_subsidy", actor=street_caseworker
    )
    with pytest.raises(ValidationError) as caught:
        step(mine, street_caseworker, "submit")
    message = " ".join(caught.value.messages)
    assert "斗门区" in message and "街道审核" in message
    assert "梁白藤" not in message and "梁小藤" not in message
    assert Application.objects.get(pk=mine.pk).state == S.DRAFT


def test_invalid_transition_and_missing_opinion_are_refused(
    application, street_caseworker, district_reviewer
):
    with pytest.raises(ValidationError, match="不能执行"):
        step(application, street_caseworker, "city_approve")
    with pytest.raises(ValidationError, match="办理意见"):
        step(application, street_caseworker, "submit", "  ")
    app = to_state(application, S.STREET_REVIEW, street=street_caseworker, district=None, city=None)
    with pytest.raises(PermissionDenied):
        step(app, district_reviewer, "street_approve")  # not the street's reviewer role


def test_street_approval_stores_the_proposed_plan_with_version_and_trace(
    application, street_caseworker, client
):
    app = to_state(application, S.STREET_REVIEW, street=street_caseworker, district=None, city=None)
    step(app, street_caseworker, "street_approve")
    plan = ProposedPlan.objects.get(application=app)
    assert plan.ruleset_version == 1 and plan.ruleset_id and not plan.error
    assert plan.evaluation["trace"] and plan.facts["household_size"] == "2"
    # Facts the family record cannot establish (e.g. 本市户籍年限) leave the result to the reviewer.
    assert plan.evaluation["version"]["version"] == 1 and "eligible" in plan.evaluation
    client.force_login(street_caseworker)
    page = client.get(app.get_absolute_url()).content.decode()
    assert plan.ruleset_name in page and "核算过程" in page


def test_pages_scope_and_transition_buttons(
    application, street_caseworker, other_street_caseworker, other_district_reviewer, client
):
    detail = application.get_absolute_url()
    transition = reverse("admission:application_transition", args=[application.pk, "submit"])
    client.force_login(street_caseworker)
    page = client.get(detail).content.decode()
    assert "提交申请" in page and 'name="opinion"' in page
    assert client.post(transition, {"opinion": ""}).status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.DRAFT  # opinion required
    client.post(transition, {"opinion": "材料齐全，提交。"})
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED
    listing = client.get(reverse("admission:application_list"), {"q": application.receipt_number})
    assert application.receipt_number in listing.content.decode()
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        assert client.get(detail).status_code == 404
        assert client.post(transition, {"opinion": "x"}).status_code == 404
        assert (
            application.receipt_number
            not in client.get(reverse("admission:application_list")).content.decode()
        )


def test_list_search_by_exact_id_number(superuser, street_caseworker, client):
    number = id_number()
    family = make_family(actor=superuser, region_code=COMMUNITY_A1, name="陈翠香", id_number=number)
    app = application_create(
        family=family, project_code="lianzu", mode_code="rent_subsidy", actor=street_caseworker
    )
    client.force_login(street_caseworker)
    found = client.get(reverse("admission:application_list"), {"q": number}).content.decode()
    assert app.receipt_number in found


def test_family_page_starts_an_application(superuser, street_caseworker, client):
    family = make_family(actor=superuser, region_code=COMMUNITY_A1, name="陈翠香")
    client.force_login(street_caseworker)
    url = reverse("admission:application_create", args=[family.pk])
    assert url in client.get(family.get_absolute_url()).content.decode()
    response = client.post(url, {"project_code": "lianzu", "mode_code": "rent_subsidy"})
    app = Application.objects.get(family=family)
    assert response.status_code == 302 and app.state == S.DRAFT


def test_work_queue_query_count_is_bounded(
    superuser, street_caseworker, client, django_assert_max_num_queries
):
    for i in range(6):
        family = make_family(actor=superuser, region_code=COMMUNITY_A1, name=f"申请人{i}")
        app = application_create(
            family=family, project_code="lianzu", mode_code="rent_subsidy", actor=street_caseworker
        )
        step(app, street_caseworker, "submit")
    client.force_login(street_caseworker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admission:application_queue"))
    page = response.content.decode()
    assert response.status_code == 200 and page.count("SQ-440402-") >= 6


def test_objection_freezes_a_publicity_and_release_returns_to_it(application, street_caseworker):
    app = to_state(application, S.STREET_REVIEW, street=street_caseworker, district=None, city=None)
    app = step(app, street_caseworker, "street_approve")
    app = step(app, street_caseworker, "freeze", "收到实名举报。")
    assert app.state == S.FROZEN and app.frozen_from == S.STREET_PUBLICITY
    app = step(app, street_caseworker, "release", "经核查举报不属实。")
    assert app.state == S.STREET_PUBLICITY and app.frozen_from == ""
    app = step(app, street_caseworker, "freeze", "再次收到举报。")
    app = step(app, street_caseworker, "refuse", "举报属实。", refusal_reason="objection_upheld")
    assert app.state == S.REFUSED
