"""The purge command refuses young events; the database refuses edits and stray deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from housing.audit.models import AuditAction, AuditEvent

from .factories import days_ago, make_event

pytestmark = pytest.mark.django_db


def test_purge_refuses_a_date_inside_the_retention_period_and_deletes_nothing(settings):
    settings.AUDIT_MIN_RETENTION_DAYS = 180
    make_event(occurred_at=days_ago(400))
    make_event()
    count = AuditEvent.objects.count()
    before = timezone.localdate() - dt.timedelta(days=179)
    with pytest.raises(CommandError, match="审计事件须保存至少180天"):
        call_command("audit_purge", "--before", before.isoformat())
    assert AuditEvent.objects.count() == count


def test_purge_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="日期格式应为"):
        call_command("audit_purge", "--before", "2020/01/01")


def test_purge_removes_old_events_in_chunks_keeps_young_ones_and_records_itself(capsys):
    old = [make_event(object_repr=f"旧{i}", occurred_at=days_ago(300 + i)) for i in range(5)]
    kept = make_event(object_repr="近期", occurred_at=days_ago(100))
    before = timezone.localdate() - dt.timedelta(days=200)
    call_command("audit_purge", "--before", before.isoformat(), "--chunk-size", "2")
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    purge = AuditEvent.objects.get(action=AuditAction.PURGE)
    assert purge.changes == {"before": before.isoformat(), "deleted": 5}
    assert "5 条" in capsys.readouterr().out


def test_purge_at_exactly_the_retention_limit_is_allowed(settings):
    settings.AUDIT_MIN_RETENTION_DAYS = 180
    make_event(occurred_at=days_ago(181))
    call_command("audit_purge", "--before", (timezone.localdate() - dt.timedelta(days=180)).isoformat())
    assert AuditEvent.objects.filter(action=AuditAction.PURGE).get().changes["deleted"] == 1


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only"
)


@postgres_only
def test_database_refuses_to_update_an_event():
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(description="篡改")
    event.refresh_from_db()
    assert event.description == ""


@postgres_only
def test_database_refuses_a_delete_outside_the_purge():
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgres_only
def test_deleting_a_user_keeps_their_events_with_the_name(make_staff):
    user = make_staff("leaver", [])
    event = make_event(actor=user, actor_name="leaver")
    user.delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_name == "leaver"
