"""The demo seeder: refusals on waiting families, one removed at the limit; twice is once."""

from __future__ import annotations

import pytest

from admission.registry.models import WaitlistEntry, WaitlistStatus
from allocation.waitlist.demo import seed_demo_waitlist
from allocation.waitlist.models import WaitlistEvent, WaitlistRefusal

pytestmark = pytest.mark.django_db


def test_demo_records_refusals_and_removes_one_family_once(make_waiting, make_staff):
    make_staff("city", [("city_centre", "440400000000")], is_staff=True)
    families = [make_waiting(name) for name in ("陈一", "黄二", "林三", "李四", "周五")]
    assert seed_demo_waitlist() == []
    removed = WaitlistEntry.objects.get(status=WaitlistStatus.LEFT)
    assert removed.pk == families[1].pk and removed.refusals.count() == 3
    assert WaitlistRefusal.objects.count() == 6 and WaitlistEvent.objects.count() == 1
    assert seed_demo_waitlist() == []
    assert WaitlistRefusal.objects.count() == 6
