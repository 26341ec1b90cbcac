"""Per-object grants (django-guardian, direct FK) on top of the region scope."""

from __future__ import annotations

from django.urls import reverse

from conftest import STREET_A2
from housing.accounts.services import object_grant_view, object_revoke_view
from housing.archive.selectors import document_list

LIST_URL = reverse("archive:list")


def test_a_document_granted_to_a_caseworker_is_visible_outside_their_street(
    client, street_caseworker, other_street_caseworker, city_admin, make_document
):
    other = make_document(actor=other_street_caseworker, region_code=STREET_A2, name="梅华街道档案")
    client.force_login(street_caseworker)
    assert client.get(other.get_absolute_url()).status_code == 404

    object_grant_view(obj=other, user=street_caseworker, actor=city_admin)
    assert client.get(other.get_absolute_url()).status_code == 200
    assert "梅华街道档案" in client.get(LIST_URL).content.decode()

    object_revoke_view(obj=other, user=street_caseworker, actor=city_admin)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_grant_to_one_user_shows_nothing_to_another(
    street_caseworker, other_street_caseworker, district_reviewer, city_admin, make_document
):
    other = make_document(actor=other_street_caseworker, region_code=STREET_A2, name="梅华街道档案")
    object_grant_view(obj=other, user=district_reviewer, actor=city_admin)
    assert other not in document_list(user=street_caseworker)


def test_granted_list_stays_one_query(
    street_caseworker, other_street_caseworker, city_admin, make_document, django_assert_num_queries
):
    for n in range(5):
        doc = make_document(actor=other_street_caseworker, region_code=STREET_A2, name=f"授权档案{n}")
        object_grant_view(obj=doc, user=street_caseworker, actor=city_admin)
    assert street_caseworker.scope_prefixes  # the user's scope is read once per request, before the list
    with django_assert_num_queries(1):
        names = [d.name for d in document_list(user=street_caseworker).filter(name__startswith="授权档案")]
    assert len(names) == 5
