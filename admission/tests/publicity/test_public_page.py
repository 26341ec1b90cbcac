"""The public 公示公告 page (portal, no login): masked names and ID numbers, address to the street only."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from admission.publicity.services import publicity_batch_create, publicity_batch_publish
from conftest import STREET_A1

from .conftest import at

FAMILIES = [("陈翠香", "440402001001"), ("欧阳春花", "440402001002"), ("李明", "440402001003")]


def _publish(actor):
    batch = publicity_batch_create(
        level="street", region_code=STREET_A1, method="website", location="本市住房保障服务平台", actor=actor
    )
    with time_machine.travel(at("2025-03-03"), tick=False):
        return publicity_batch_publish(batch=batch, actor=actor)


def test_the_public_page_shows_no_full_name_or_id_number_of_any_listed_family(
    in_street_publicity, street_caseworker, client
):
    apps = [in_street_publicity(name, region_code=code) for name, code in FAMILIES]
    batch = _publish(street_caseworker)
    pages = [
        client.get(reverse("portal:publicity_list")),
        client.get(reverse("portal:publicity_detail", args=[batch.number])),
        client.get(reverse("portal:publicity_list"), {"q": apps[0].receipt_number}),
    ]
    html = "".join(page.content.decode() for page in pages)
    assert all(page.status_code == 200 for page in pages)
    assert "陈*香" in html and "欧**花" in html and "李*" in html and batch.title in html
    for app in apps:
        family = app.family
        members = list(family.members.all())
        assert family.applicant_name not in html
        assert family.id_number_masked in html
        for person in members:
            assert person.name not in html and person.id_number not in html
        assert family.id_number not in html and family.phone not in html
    # Address to the street only: never the community the family lives in.
    assert "珠海市香洲区翠香街道" in html and "社区" not in html


def test_a_citizen_finds_their_case_by_receipt_number(in_street_publicity, street_caseworker, client):
    app = in_street_publicity()
    batch = _publish(street_caseworker)
    found = client.get(reverse("portal:publicity_list"), {"q": app.receipt_number.lower()}).content.decode()
    assert reverse("portal:publicity_detail", args=[batch.number]) in found and f"{batch.number}-001" in found
    missing = client.get(reverse("portal:publicity_list"), {"q": "SQ-000000-2025-999999"}).content.decode()
    assert "没有找到该申请编号的公示记录" in missing


def test_draft_batches_are_not_public(in_street_publicity, street_caseworker, client):
    app = in_street_publicity()
    draft = publicity_batch_create(
        level="street", region_code=STREET_A1, method="notice", location="公告栏", actor=street_caseworker
    )
    assert client.get(reverse("portal:publicity_detail", args=[draft.number])).status_code == 404
    listing = client.get(reverse("portal:publicity_list"), {"q": app.receipt_number}).content.decode()
    assert draft.number not in listing and "没有找到" in listing


def test_the_public_list_filters_by_level_and_keeps_its_queries_bounded(
    in_street_publicity, street_caseworker, client, django_assert_max_num_queries
):
    for i in range(4):
        in_street_publicity(f"申请人{i}")
        _publish(street_caseworker)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("portal:publicity_list")).content.decode()
    assert page.count("GS-440402001000-") >= 4
    assert (
        "GS-440402001000-"
        not in client.get(reverse("portal:publicity_list"), {"level": "city"}).content.decode()
    )
