"""Families in guarantee living in their units (real contract signing and move-in), subsidy-only families,
the mirror, and rent receivables for a run of months."""

from __future__ import annotations

import datetime

import pytest

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.annual_review.tests.conftest import guaranteed  # noqa: F401
from allocation.contracts.tests.conftest import _rules, family, reviewers, units  # noqa: F401
from allocation.subsidies.tests.conftest import agreement, mirror  # noqa: F401
from allocation.tenancy.services import move_in_register, rent_receivables_run
from allocation.tenancy.tests.conftest import officer, signed_contract  # noqa: F401

START = datetime.date(2026, 1, 1)


@pytest.fixture
def tenant(signed_contract, officer):  # noqa: F811
    """tenant(name=…) -> a MoveIn on 2026-01-01 of a signed 公租房 contract; the family 保障中."""
    counter = {"n": 0}

    def make(*, name=None):
        counter["n"] += 1
        contract = signed_contract(name=name or f"陈退出{counter['n']}", starts_on=START)
        move_in = move_in_register(contract=contract, actor=officer, moved_in_on=START)
        RegistryEntry.objects.filter(pk=contract.registry_entry_id).update(status=GuaranteeStatus.GUARANTEED)
        return move_in

    return make


def bill(*months: str) -> None:
    for month in months:
        rent_receivables_run(month)
