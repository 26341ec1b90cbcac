"""站内信 in the portal (only my own) and the back-office outbox (city level only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from housing.accounts.demo import demo_id_number
from housing.accounts.services import applicant_register
from housing.notify.models import Message
from housing.notify.services import notify_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(db):
    return applicant_register(
        phone="13900000003",
        id_number=demo_id_number("44040219900101123"),
        real_name="王邻居",
        password="Test@Pass1",
    )


def _site(user, name: str) -> Message:
    return notify_send(template_code="account.registered", recipient=user, context={"name": name})[0]


def test_list_shows_only_my_messages_unread_in_bold(
    client, citizen, neighbour, django_assert_max_num_queries
):
    for i in range(25):
        _site(citizen, f"李市民{i}")
    _site(neighbour, "王邻居")
    client.force_login(citizen)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notify_portal:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="list-group-item') == 20  # first page
    assert "fw-bold unread" in html
    assert "25 条未读" in html
    second = client.get(reverse("notify_portal:list"), {"page": 2}).content.decode()
    assert second.count('class="list-group-item') == 5


def test_opening_a_message_marks_it_read(client, citizen):
    message = _site(citizen, "李市民")
    client.force_login(citizen)
    response = client.get(reverse("notify_portal:detail", args=[message.pk]))
    assert response.status_code == 200
    assert "李市民，您好" in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None
    html = client.get(reverse("notify_portal:list")).content.decode()
    assert "fw-bold unread" not in html


def test_another_persons_message_is_404_and_stays_unread(client, citizen, neighbour):
    theirs = _site(neighbour, "王邻居")
    client.force_login(citizen)
    assert client.get(reverse("notify_portal:detail", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_visitor_is_sent_to_the_portal_login(client):
    response = client.get(reverse("notify_portal:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_outbox_lists_messages_masked_for_city_staff(
    client, city_admin, citizen, django_assert_max_num_queries
):
    for i in range(30):
        notify_send(
            template_code="portal.sms_code", recipient=citizen, context={"code": str(i)}, channels=("sms",)
        )
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("notify:outbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "139****0002" in html
    assert "13900000002" not in html
    assert "portal.sms_code" in html


def test_outbox_is_refused_to_street_staff(client, street_caseworker):
    client.force_login(street_caseworker)
    assert client.get(reverse("notify:outbox")).status_code == 403


def test_outbox_is_empty_for_permitted_staff_below_city_level(client, make_staff, citizen):
    from conftest import DISTRICT_A

    _site(citizen, "李市民")
    district_centre = make_staff("district_centre", [("city_centre", DISTRICT_A)], is_staff=True)
    client.force_login(district_centre)
    response = client.get(reverse("notify:outbox"))
    assert response.status_code == 200
    assert "account.registered" not in response.content.decode()


def test_outbox_exports_excel(client, city_admin, citizen):
    _site(citizen, "李市民")
    client.force_login(city_admin)
    response = client.get(reverse("notify:outbox"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
