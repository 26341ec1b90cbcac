"""The admin shows audit events read-only: no add, change or delete, even for a superuser."""

from __future__ import annotations

from django.contrib import admin

from housing.audit.models import AuditEvent

from .factories import make_event


def test_superuser_can_read_but_not_add_change_or_delete(client, superuser):
    event = make_event(object_repr="管理后台里的事件")
    client.force_login(superuser)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert "管理后台里的事件" in listing.content.decode()
    assert "delete_selected" not in listing.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    change = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"description": "篡改"})
    event.refresh_from_db()
    assert event.description == ""
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_model_admin_denies_every_write_permission(rf, superuser):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_admin_audit_list_is_scoped_like_the_back_office(client, make_staff, regions):
    make_event(region_code="440402001001", object_repr="翠香的事件")
    make_event(region_code="440402002001", object_repr="梅华的事件")
    supervisor = make_staff("admin_supervisor", [("supervisor", "440402001000")], is_staff=True)
    client.force_login(supervisor)
    page = client.get("/admin/audit/auditevent/").content.decode()
    assert "翠香的事件" in page and "梅华的事件" not in page
