"""Families in guarantee (registered through the real review lifecycle, then 保障中) and the mirror."""

from __future__ import annotations

import pytest

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.contracts.tests.conftest import _rules, family, reviewers  # noqa: F401
from allocation.subsidies.tests.conftest import agreement, mirror  # noqa: F401

DISTRICT_B_COMMUNITY = "440403001001"


@pytest.fixture
def guaranteed(family):  # noqa: F811
    """guaranteed(name=…, mode=…, region_code=None) -> a 保障中 registry entry."""
    counter = {"n": 0}

    def make(*, name=None, project="lianzu", mode="rent_subsidy", region_code=None):
        counter["n"] += 1
        entry = family(project, mode, name=name or f"林年审{counter['n']}")
        # 实施保障 is the allocation subsystem's step; the test only needs its outcome.
        changes = {"status": GuaranteeStatus.GUARANTEED}
        if region_code:
            changes["region_code"] = region_code
        RegistryEntry.objects.filter(pk=entry.pk).update(**changes)
        return RegistryEntry.objects.get(pk=entry.pk)

    return make
