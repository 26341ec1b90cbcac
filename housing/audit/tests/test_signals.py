"""Every write of a project model, and every login, logout and failed login, leaves an event."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from conftest import CITY, PASSWORD, STREET_A1
from housing.accounts.models import Organisation, OrganisationKind, PasswordHistory, User
from housing.accounts.services import role_assign
from housing.audit.models import AuditAction, AuditEvent
from housing.audit.services import REDACTED
from housing.audit.signals import is_tracked

PROJECT_PACKAGES = {
    "housing",
    "portal",
    "rules",
    "admission",
    "projects",
    "allocation",
    "funds",
    "supervision",
    "stats",
}


def _events(obj, action=None):
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return events.filter(action=action) if action else events


@pytest.fixture
def organisation(regions):
    return Organisation.objects.create(
        code="T-ORG", name="测试机构", kind=OrganisationKind.OTHER, region=regions[STREET_A1]
    )


def test_creating_a_record_leaves_a_create_event_with_its_fields_and_region(organisation):
    event = _events(organisation, AuditAction.CREATE).get()
    assert event.changes["name"] == [None, "测试机构"]
    assert event.region_code == STREET_A1
    assert event.object_repr == "测试机构"


def test_updating_a_record_records_only_the_changed_fields_old_and_new(organisation):
    organisation.name = "改名机构"
    organisation.save()
    event = _events(organisation, AuditAction.UPDATE).get()
    assert event.changes == {"name": ["测试机构", "改名机构"]}


def test_saving_without_a_change_records_no_update(organisation):
    organisation.save()
    assert not _events(organisation, AuditAction.UPDATE).exists()


def test_deleting_a_record_leaves_a_delete_event_with_the_last_values(organisation):
    pk = organisation.pk
    organisation.delete()
    event = AuditEvent.objects.get(
        object_type="accounts.organisation", object_id=str(pk), action=AuditAction.DELETE
    )
    assert event.changes["name"] == ["测试机构", None]
    assert event.region_code == STREET_A1


def test_a_rolled_back_write_leaves_no_event(regions):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.create(
            code="T-RB", name="回滚机构", kind=OrganisationKind.OTHER, region=regions[CITY]
        )
        raise RuntimeError
    assert not AuditEvent.objects.filter(object_repr="回滚机构").exists()


def test_password_hash_is_never_stored_in_an_event(street_caseworker):
    street_caseworker.set_password("Another@Pass2")
    street_caseworker.save()
    event = _events(street_caseworker, AuditAction.UPDATE).get()
    assert event.changes == {"password": [REDACTED, REDACTED]}
    create = _events(street_caseworker, AuditAction.CREATE).get()
    assert create.changes["password"] == [REDACTED, REDACTED]
    assert street_caseworker.password not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_id_number_digest_is_redacted_and_phone_masked(citizen):
    event = _events(citizen, AuditAction.CREATE).get()
    assert event.changes["id_number_digest"] == [REDACTED, REDACTED]
    assert event.changes["phone"] == [None, "139****0002"]
    assert citizen.id_number_digest not in str(event.changes)


def test_login_bookkeeping_alone_records_no_update(client, street_caseworker):
    client.post("/accounts/login/", {"username": "street_caseworker", "password": PASSWORD})
    assert not _events(street_caseworker, AuditAction.UPDATE).exists()


def test_user_events_belong_to_the_organisations_region_and_grants_to_the_granted_region(street_caseworker):
    assert _events(street_caseworker, AuditAction.CREATE).get().region_code == STREET_A1
    grant = street_caseworker.role_assignments.get()
    assert _events(grant, AuditAction.CREATE).get().region_code == STREET_A1


def test_many_to_many_changes_are_recorded(street_caseworker):
    group = Group.objects.create(name="临时组")
    street_caseworker.groups.add(group)
    event = _events(street_caseworker, AuditAction.UPDATE).get()
    assert event.changes == {"groups": {"added": [group.pk]}}


def test_removing_a_role_grant_is_recorded(street_caseworker):
    grant = street_caseworker.role_assignments.get()
    pk = grant.pk
    grant.delete()
    assert AuditEvent.objects.filter(
        object_type="accounts.roleassignment", object_id=str(pk), action=AuditAction.DELETE
    ).exists()


def test_password_history_and_historical_copies_are_not_audited(street_caseworker):
    street_caseworker.set_password("Another@Pass2")
    street_caseworker.save()
    assert PasswordHistory.objects.filter(user=street_caseworker).exists()
    assert not AuditEvent.objects.filter(object_type="accounts.passwordhistory").exists()
    assert not AuditEvent.objects.filter(object_type__startswith="accounts.historical").exists()


def test_every_project_model_is_tracked_and_no_third_party_model():
    from simple_history.models import HistoricalChanges

    excluded = {"audit.auditevent", "accounts.passwordhistory"}
    for model in apps.get_models():
        own = model.__module__.split(".")[0] in PROJECT_PACKAGES
        expected = (
            own and model._meta.label_lower not in excluded and not issubclass(model, HistoricalChanges)
        )
        assert is_tracked(model) is expected, model._meta.label_lower


def test_successful_login_and_logout_are_recorded(client, street_caseworker):
    client.post("/accounts/login/", {"username": "street_caseworker", "password": PASSWORD})
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor == street_caseworker
    assert login.ip_address == "127.0.0.1"
    assert login.region_code == ""
    client.post("/accounts/logout/")
    assert AuditEvent.objects.get(action=AuditAction.LOGOUT).actor == street_caseworker


def test_failed_login_records_the_typed_username_but_no_password(client, street_caseworker):
    client.post("/accounts/login/", {"username": "street_caseworker", "password": "Wrong@Secret9"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.changes == {"username": "street_caseworker"}
    assert event.actor is None
    assert "Wrong@Secret9" not in str(event.changes) + event.description + event.object_repr


def test_writes_in_a_request_name_the_actor_and_address(client, city_admin, regions):
    client.force_login(city_admin)
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh@Pass77", "new_password2": "Fresh@Pass77"},
    )
    event = _events(User.objects.get(pk=city_admin.pk), AuditAction.UPDATE).get()
    assert event.actor == city_admin and event.actor_name == "city_admin"
    assert event.ip_address == "127.0.0.1" and event.request_id


def test_role_assign_service_leaves_an_event(street_caseworker, regions):
    role_assign(user=street_caseworker, role_code="supervisor", region_code=STREET_A1)
    assert AuditEvent.objects.filter(
        object_type="accounts.roleassignment", action=AuditAction.CREATE, object_repr__contains="监督"
    ).exists()
