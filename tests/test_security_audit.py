"""Cross-app: writes in any project app are audited; a staff session leaves its trail in order."""

from __future__ import annotations

from conftest import PASSWORD, STREET_A1
from housing.audit.models import AuditAction, AuditEvent
from housing.regions.codes import Level
from housing.regions.models import Region


def test_a_write_in_another_project_app_is_audited(regions):
    street = regions[STREET_A1]
    community = Region.objects.create(
        code="440402001099", name="新社区", level=Level.COMMUNITY, parent=street
    )
    community.name = "更名社区"
    community.save()
    pk = community.pk
    community.delete()
    actions = list(
        AuditEvent.objects.filter(object_type="regions.region", object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


def test_a_staff_session_leaves_login_reveal_and_logout_in_order(client, city_admin, make_staff):
    colleague = make_staff("colleague", [("street_caseworker", STREET_A1)], phone="13700001111")
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    client.post("/accounts/login/", {"username": "city_admin", "password": PASSWORD})
    client.post(f"/office/audit/reveal/accounts.user/{colleague.pk}/phone/")
    client.post("/accounts/logout/")
    trail = AuditEvent.objects.filter(id__gt=start, actor=city_admin).order_by("id")
    assert list(trail.values_list("action", flat=True)) == [
        AuditAction.LOGIN,
        AuditAction.VIEW_SENSITIVE,
        AuditAction.LOGOUT,
    ]
    assert len({e.request_id for e in trail}) == 3
