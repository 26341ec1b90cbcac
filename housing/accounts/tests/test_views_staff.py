"""The staff detail page: scoped, phone masked with a logged reveal, role grants and history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from conftest import DISTRICT_B, STREET_A1
from housing.accounts.models import Organisation, RoleAssignment
from housing.accounts.services import role_assign
from housing.audit.models import AuditAction, AuditEvent


@pytest.fixture
def colleague(make_staff):
    return make_staff("colleague", [("street_caseworker", STREET_A1)], phone="13812345678")


def test_city_centre_sees_a_staff_page_with_the_phone_masked_and_a_reveal_button(
    client, city_admin, colleague
):
    client.force_login(city_admin)
    page = client.get(colleague.get_absolute_url()).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert f"/office/audit/reveal/accounts.user/{colleague.pk}/phone/" in page
    assert "基本信息" in page and "角色授权" in page and "变更历史" in page


def test_reveal_from_the_staff_page_is_logged(client, city_admin, colleague):
    client.force_login(city_admin)
    response = client.post(
        f"/office/audit/reveal/accounts.user/{colleague.pk}/phone/", HTTP_HX_REQUEST="true"
    )
    assert "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_SENSITIVE, actor=city_admin, object_id=str(colleague.pk)
    ).exists()


def test_staff_without_the_permission_sees_no_reveal_button(client, street_caseworker, colleague):
    client.force_login(street_caseworker)
    page = client.get(colleague.get_absolute_url()).content.decode()
    assert "138****5678" in page
    assert "/office/audit/reveal/" not in page


def test_another_districts_staff_page_is_a_404(client, district_reviewer, make_staff):
    stranger = make_staff("stranger", [("street_caseworker", "440403001000")])
    client.force_login(district_reviewer)
    assert client.get(stranger.get_absolute_url()).status_code == 404


def test_an_applicant_has_no_staff_page(client, city_admin, citizen):
    client.force_login(city_admin)
    assert client.get(f"/accounts/staff/{citizen.pk}/").status_code == 404


def test_history_tab_shows_who_changed_what(client, city_admin, colleague):
    client.force_login(city_admin)
    colleague.real_name = "新名字"
    colleague.save()
    role_assign(user=colleague, role_code="supervisor", region_code=STREET_A1)
    page = client.get(colleague.get_absolute_url()).content.decode()
    assert "新名字" in page and "<del>colleague</del>" in page
    assert "监督" in page


def test_history_never_records_the_password_or_last_login(colleague):
    colleague.set_password("Another@Pass2")
    colleague.save()
    fields = {f.name for f in colleague.history.model._meta.fields}
    assert {"password", "last_login", "id_number_digest"}.isdisjoint(fields)


def test_logins_add_no_history_row(client, colleague):
    before = colleague.history.count()
    client.post("/accounts/login/", {"username": "colleague", "password": "Test@Pass1"})
    assert colleague.history.count() == before


def test_organisation_and_role_grants_keep_history(colleague):
    organisation = colleague.organisation
    organisation.name = "改名后的机构"
    organisation.save()
    assert organisation.history.count() == 2
    assert RoleAssignment.history.filter(user_id=colleague.pk).exists()


def test_staff_list_links_to_the_detail_page(client, city_admin, colleague):
    client.force_login(city_admin)
    assert colleague.get_absolute_url() in client.get("/office/staff/").content.decode()


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def test_admin_history_is_scoped(client, district_reviewer, make_staff):
    make_staff("b_staff", [("street_caseworker", "440403001000")])
    _grant(district_reviewer, "view_organisation", "view_user")
    client.force_login(district_reviewer)
    own = Organisation.objects.get(region_code=district_reviewer.organisation.region_code)
    other = Organisation.objects.get(region_code="440403001000")
    assert client.get(f"/admin/accounts/organisation/{own.pk}/history/").status_code == 200
    assert client.get(f"/admin/accounts/organisation/{other.pk}/history/").status_code == 404


def test_admin_history_of_a_deleted_out_of_scope_row_is_a_404(client, district_reviewer, regions):
    organisation = Organisation.objects.create(
        code="GONE", name="已撤销机构", kind="other", region=regions[DISTRICT_B]
    )
    pk = organisation.pk
    organisation.delete()
    _grant(district_reviewer, "view_organisation")
    client.force_login(district_reviewer)
    assert client.get(f"/admin/accounts/organisation/{pk}/history/").status_code == 404


def test_superuser_sees_user_history_in_admin(client, superuser, colleague):
    client.force_login(superuser)
    response = client.get(f"/admin/accounts/user/{colleague.pk}/history/")
    assert response.status_code == 200
