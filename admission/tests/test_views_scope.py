"""For every persona: the family list shows only their scope; another street's or district's family is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# persona → the families (by key) the list shows; every other family's pages are a 404.
VISIBLE = {
    "street_caseworker": {"a1"},
    "other_street_caseworker": {"a2"},
    "district_reviewer": {"a1", "a2"},
    "other_district_reviewer": {"b"},
    "city_admin": {"a1", "a2", "b"},
}


def _names(response) -> set[str]:
    return {row.applicant_name for row, _values in response.context["rows"]}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_list_shows_only_the_personas_scope(request, client, families, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admission:family_list"))
    assert response.status_code == 200
    assert _names(response) == {families[key].applicant_name for key in VISIBLE[persona]}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_detail_of_a_family_outside_the_scope_is_404(request, client, families, persona):
    client.force_login(request.getfixturevalue(persona))
    for key, family in families.items():
        response = client.get(reverse("admission:family_detail", args=[family.pk]))
        assert response.status_code == (200 if key in VISIBLE[persona] else 404), (persona, key)


@pytest.mark.parametrize("persona", ["street_caseworker", "other_street_caseworker"])
def test_edit_and_member_pages_of_another_street_are_404(request, client, families, persona):
    client.force_login(request.getfixturevalue(persona))
    for key, family in families.items():
        member = family.members.exclude(relation="self").get()
        urls = [
            reverse("admission:family_edit", args=[family.pk]),
            reverse("admission:member_add", args=[family.pk]),
            reverse("admission:member_edit", args=[family.pk, member.pk]),
            reverse("admission:member_remove", args=[family.pk, member.pk]),
        ]
        expected = 200 if key in VISIBLE[persona] else 404
        for url in urls:
            assert client.get(url).status_code == expected, (persona, url)
            if expected == 404:
                assert client.post(url, {"reason": "迁出"}).status_code == 404, (persona, url)


def test_a_member_addressed_through_another_family_is_404(client, street_caseworker, families):
    """A member of 梅华 cannot be reached by pairing its id with a 翠香 family in the URL."""
    client.force_login(street_caseworker)
    foreign = families["a2"].members.exclude(relation="self").get()
    url = reverse("admission:member_edit", args=[families["a1"].pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_reviewers_may_look_but_not_change(client, district_reviewer, family_a1):
    client.force_login(district_reviewer)
    assert client.get(reverse("admission:family_detail", args=[family_a1.pk])).status_code == 200
    assert client.get(reverse("admission:family_edit", args=[family_a1.pk])).status_code == 403
    assert client.get(reverse("admission:family_create")).status_code == 403


def test_finance_officer_has_no_family_register(client, finance_officer, family_a1):
    """No permission: a 403 that is the same for an existing and a made-up id (no existence leak)."""
    client.force_login(finance_officer)
    assert client.get(reverse("admission:family_list")).status_code == 403
    assert client.get(reverse("admission:family_detail", args=[family_a1.pk])).status_code == 403
    assert client.get(reverse("admission:family_detail", args=[family_a1.pk + 999])).status_code == 403


def test_citizen_gets_no_back_office_page(client, citizen, family_a1):
    """Applicants are turned away (login page or 403) before any row is looked up."""
    client.force_login(citizen)
    for url in (reverse("admission:family_list"), reverse("admission:family_detail", args=[family_a1.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert family_a1.applicant_name not in response.content.decode()
    response = client.get(reverse("admission:family_detail", args=[family_a1.pk]))
    assert "login" in response["Location"]


def test_menu_shows_the_family_register_to_caseworkers_only(client, street_caseworker, finance_officer):
    client.force_login(street_caseworker)
    assert "家庭档案" in client.get(reverse("backoffice:home")).content.decode()
    client.force_login(finance_officer)
    assert "家庭档案" not in client.get(reverse("backoffice:home")).content.decode()


def test_list_query_count_does_not_grow_with_rows(client, city_admin, filer, django_assert_max_num_queries):
    from .conftest import COMMUNITY_A1, COMMUNITY_B
    from .factories import make_family

    for i in range(30):
        make_family(actor=filer, region_code=COMMUNITY_A1 if i % 2 else COMMUNITY_B, name=f"户主{i:02d}")
    client.force_login(city_admin)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("admission:family_list"), {"stage": "filed", "sort": "-per_capita_income"}
        )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 20
