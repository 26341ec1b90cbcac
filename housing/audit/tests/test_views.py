"""Auditor pages: scoped list with filters and export, detail with the changes table."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from conftest import CITY, DISTRICT_A, STREET_A1
from housing.audit.models import AuditAction, AuditEvent

from .factories import days_ago, make_event

A1_COMMUNITY = "440402001001"
A2_COMMUNITY = "440402002001"


@pytest.fixture
def street_supervisor(make_staff):
    """A street caseworker who also supervises her street: she may read its audit trail."""
    return make_staff("street_supervisor", [("street_caseworker", STREET_A1), ("supervisor", STREET_A1)])


@pytest.fixture
def events(regions):
    return {
        "a1": make_event(region_code=A1_COMMUNITY, object_repr="翠香街道的记录"),
        "a2": make_event(region_code=A2_COMMUNITY, object_repr="梅华街道的记录"),
        "login": make_event(region_code="", action=AuditAction.LOGIN, object_repr="某人登录"),
    }


def test_street_user_sees_only_her_streets_events(client, street_supervisor, events):
    client.force_login(street_supervisor)
    page = client.get("/office/audit/").content.decode()
    assert "翠香街道的记录" in page
    assert "梅华街道的记录" not in page
    assert "某人登录" not in page  # region-less events are for city-wide auditors only


def test_street_user_cannot_open_another_streets_event_or_a_regionless_one(client, street_supervisor, events):
    client.force_login(street_supervisor)
    assert client.get(f"/office/audit/{events['a1'].pk}/").status_code == 200
    assert client.get(f"/office/audit/{events['a2'].pk}/").status_code == 404
    assert client.get(f"/office/audit/{events['login'].pk}/").status_code == 404


def test_street_caseworker_without_audit_permission_is_refused(client, street_caseworker, events):
    client.force_login(street_caseworker)
    assert client.get("/office/audit/").status_code == 403
    assert client.get(f"/office/audit/{events['a1'].pk}/").status_code == 403


def test_city_auditor_sees_every_event_including_logins(client, auditor, events):
    client.force_login(auditor)
    page = client.get("/office/audit/").content.decode()
    assert "翠香街道的记录" in page and "梅华街道的记录" in page and "某人登录" in page
    assert client.get(f"/office/audit/{events['login'].pk}/").status_code == 200


def test_district_auditor_sees_her_district_but_not_regionless_events(client, make_staff, events):
    district_auditor = make_staff("district_auditor", [("auditor", DISTRICT_A)])
    client.force_login(district_auditor)
    page = client.get("/office/audit/").content.decode()
    assert "翠香街道的记录" in page and "梅华街道的记录" in page
    assert "某人登录" not in page


def test_filters_by_action_actor_type_and_dates(client, auditor, events):
    make_event(region_code=A1_COMMUNITY, object_repr="很久以前的记录", occurred_at=days_ago(40))
    client.force_login(auditor)
    page = client.get("/office/audit/", {"action": "login"}).content.decode()
    assert "某人登录" in page and "翠香街道的记录" not in page
    old_day = timezone.localdate(days_ago(40)).isoformat()
    page = client.get("/office/audit/", {"date_from": old_day, "date_to": old_day}).content.decode()
    assert "很久以前的记录" in page and "翠香街道的记录" not in page
    page = client.get("/office/audit/", {"actor": "不存在的人"}).content.decode()
    assert "没有符合条件的记录" in page
    page = client.get("/office/audit/", {"object_type": "accounts.organisation"}).content.decode()
    assert "翠香街道的记录" in page
    page = client.get("/office/audit/", {"q": "梅华"}).content.decode()
    assert "梅华街道的记录" in page and "翠香街道的记录" not in page


def test_list_query_count_does_not_grow_with_rows(client, auditor, regions, django_assert_max_num_queries):
    for i in range(60):
        make_event(region_code=A1_COMMUNITY, object_repr=f"记录{i}")
    client.force_login(auditor)
    with django_assert_max_num_queries(14):
        response = client.get("/office/audit/")
    assert response.status_code == 200


def test_auditor_exports_to_excel_and_the_export_is_itself_audited(client, auditor, events):
    client.force_login(auditor)
    assert "导出Excel" in client.get("/office/audit/").content.decode()
    response = client.get("/office/audit/", {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == auditor and export.object_type == "audit.auditevent"


def test_export_needs_the_export_permission(client, make_staff, events):
    supervisor = make_staff("city_supervisor", [("supervisor", CITY)])
    assert not supervisor.has_perm("audit.export_auditevent")
    client.force_login(supervisor)
    page = client.get("/office/audit/")
    assert "导出Excel" not in page.content.decode()
    response = client.get("/office/audit/", {"export": "xlsx"})
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_detail_shows_the_changes_as_a_table_with_field_names(client, auditor, regions):
    from housing.accounts.models import Organisation, OrganisationKind

    organisation = Organisation.objects.create(
        code="T-1", name="旧名称", kind=OrganisationKind.OTHER, region=regions[STREET_A1]
    )
    organisation.name = "新名称"
    organisation.save()
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(organisation.pk))
    client.force_login(auditor)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "机构名称" in page and "旧名称" in page and "新名称" in page
    assert "原值" in page and "新值" in page


def test_nothing_in_the_ui_deletes_an_event(client, auditor, events):
    client.force_login(auditor)
    page = client.get(f"/office/audit/{events['a1'].pk}/").content.decode()
    assert "删除" not in page.replace("操作类型", "")
    assert client.post(f"/office/audit/{events['a1'].pk}/").status_code in (200, 405)
    assert AuditEvent.objects.filter(pk=events["a1"].pk).exists()


def test_menu_shows_the_audit_entry_only_to_those_allowed(client, auditor, street_caseworker):
    client.force_login(auditor)
    assert "操作审计" in client.get("/office/").content.decode()
    client.force_login(street_caseworker)
    assert "操作审计" not in client.get("/office/").content.decode()


def test_view_permission_alone_via_user_permissions_also_works(client, street_caseworker, events):
    street_caseworker.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(street_caseworker)
    page = client.get("/office/audit/").content.decode()
    assert "翠香街道的记录" in page and "梅华街道的记录" not in page
