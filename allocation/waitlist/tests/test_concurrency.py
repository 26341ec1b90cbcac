"""Refusals recorded at the same moment (two selection desks) are counted once each, in order."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from admission.registry.models import WaitlistEntry, WaitlistStatus
from allocation.waitlist.models import WaitlistEvent, WaitlistRefusal
from allocation.waitlist.services import waitlist_refusal_record


@pytest.mark.django_db(transaction=True)
def test_simultaneous_refusals_count_one_each_and_remove_the_family_once(make_waiting, city_admin):
    entry = make_waiting("黄拒绝")
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def refuse(i: int) -> None:
        try:
            barrier.wait()
            waitlist_refusal_record(entry=entry, actor=city_admin, reason=f"第{i}个窗口")
        except Exception as exc:  # noqa: BLE001 — the fourth is told the family left
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refuse, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sequences = sorted(WaitlistRefusal.objects.filter(entry=entry).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3]
    assert WaitlistRefusal.objects.filter(entry=entry, caused_removal=True).count() == 1
    assert WaitlistEvent.objects.filter(entry=entry).count() == 1
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistStatus.LEFT
    assert len(errors) == 1 and "不在轮候中" in str(errors[0])
