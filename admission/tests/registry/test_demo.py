"""seed_demo_registry: entries, notices and one pending appeal for the decided demo cases; idempotent."""

from __future__ import annotations

import pytest

from admission.registry.demo import seed_demo_registry
from admission.registry.models import DecisionNotice, RegistryEntry, ReviewAppeal, WaitlistEntry
from housing.documents.models import IssuedDocument

from .conftest import new_case, refuse_at_district, register

pytestmark = pytest.mark.django_db


def test_demo_seeder_fills_the_registry_notices_and_one_appeal_once(filer, reviewers):
    # Decided cases whose notices were never rendered (no commit in a test): the seeder issues them.
    registered = register(new_case(filer, name="陈建国"), reviewers)
    refused = refuse_at_district(new_case(filer, name="黄丽娟"), reviewers)
    seed_demo_registry()
    assert RegistryEntry.objects.get().application == registered and WaitlistEntry.objects.count() == 1
    notices = {n.application_id: n for n in DecisionNotice.objects.all()}
    assert notices[registered.pk].is_issued and notices[refused.pk].is_issued
    assert notices[refused.pk].level == "district" and notices[refused.pk].decided_by == reviewers["district"]
    appeal = ReviewAppeal.objects.get()
    assert appeal.application == refused and appeal.is_pending
    counts = (
        RegistryEntry.objects.count(),
        DecisionNotice.objects.count(),
        IssuedDocument.objects.count(),
        ReviewAppeal.objects.count(),
    )
    seed_demo_registry()
    assert counts == (
        RegistryEntry.objects.count(),
        DecisionNotice.objects.count(),
        IssuedDocument.objects.count(),
        ReviewAppeal.objects.count(),
    )
