"""Unmasked display: only whitelisted fields, only in scope, only for those allowed, always logged."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from conftest import STREET_A1
from housing.audit.models import AuditAction, AuditEvent
from housing.audit.services import sensitive_reveal


@pytest.fixture
def staff_with_phone(make_staff):
    return make_staff("phoned", [("street_caseworker", STREET_A1)], phone="13812345678")


def _url(user, field="phone", model="accounts.user"):
    return f"/office/audit/reveal/{model}/{user.pk}/{field}/"


def test_service_returns_the_clear_value_and_logs_a_view_event(city_admin, staff_with_phone):
    assert sensitive_reveal(actor=city_admin, obj=staff_with_phone, field="phone") == "13812345678"
    event = AuditEvent.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert event.actor == city_admin
    assert event.object_id == str(staff_with_phone.pk)
    assert event.region_code == STREET_A1
    assert "13812345678" not in str(event.changes) + event.description + event.object_repr


def test_city_centre_reveals_a_phone_and_it_is_logged(client, city_admin, staff_with_phone):
    client.force_login(city_admin)
    response = client.post(_url(staff_with_phone), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert event.actor == city_admin and event.changes == {"field": "phone"}
    assert event.ip_address == "127.0.0.1"


def test_reveal_is_post_only(client, city_admin, staff_with_phone):
    client.force_login(city_admin)
    assert client.get(_url(staff_with_phone)).status_code == 405
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_only_whitelisted_fields_can_be_revealed(client, city_admin, staff_with_phone):
    client.force_login(city_admin)
    assert client.post(_url(staff_with_phone, field="password")).status_code == 404
    assert client.post(_url(staff_with_phone, field="email")).status_code == 404
    assert client.post(_url(staff_with_phone, model="accounts.organisation")).status_code == 404


def test_user_without_permission_or_role_cannot_reveal(client, street_caseworker, staff_with_phone):
    client.force_login(street_caseworker)
    assert client.post(_url(staff_with_phone)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_out_of_scope_row_is_a_404_even_with_the_permission(
    client, other_district_reviewer, staff_with_phone
):
    other_district_reviewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(other_district_reviewer)
    assert client.post(_url(staff_with_phone)).status_code == 404
    assert client.post("/office/audit/reveal/accounts.user/999999/phone/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_applicant_cannot_reveal(client, citizen, staff_with_phone):
    client.force_login(citizen)
    assert client.post(_url(staff_with_phone)).status_code == 403
