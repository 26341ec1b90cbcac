"""Sold 经适房 (real registration, drafting and signing of a sale contract) and the city's price index."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from allocation.contracts.models import Contract, ContractKind
from allocation.contracts.services import contract_draft, contract_sign
from allocation.contracts.tests.conftest import _rules, family, reviewers, units  # noqa: F401
from allocation.resale.models import PriceIndex
from projects.models import GuaranteeMode

SIGNED_ON = datetime.date(2026, 1, 1)
CITY = "440400000000"


@pytest.fixture
def officer(city_admin):
    """市保障中心: the role carries the resale, contract and unit permissions."""
    return city_admin


@pytest.fixture
def sold(family, units, officer, django_capture_on_commit_callbacks):  # noqa: F811
    """sold(name=…, signed_on=…) -> a signed 经适房 sale contract (60 m² × 9800 元 = 588000.00 元) on an
    已配给 unit."""

    def make(*, name="吴经适", signed_on=SIGNED_ON):
        entry = family("jingshi", "sale_in_kind", name=name)
        (unit,) = units(GuaranteeMode.AFFORDABLE, n=1)
        contract = contract_draft(registry_entry=entry, kind=ContractKind.AFFORDABLE_SALE, actor=officer,
                                  unit=unit, starts_on=signed_on)  # fmt: skip
        with django_capture_on_commit_callbacks(execute=False):
            contract_sign(contract=contract, actor=officer, signed_on=signed_on)
        return Contract.objects.select_related("unit", "registry_entry").get(pk=contract.pk)

    return make


@pytest.fixture
def indices(regions):
    """City-level index: 100.0000 from 2018-01 (again 2021-01), 103.7000 from 2024-06 (the latest month not
    after a date is used)."""
    PriceIndex.objects.create(region_code=CITY, year=2018, month=1, value=Decimal("100.0000"))
    PriceIndex.objects.create(region_code=CITY, year=2021, month=1, value=Decimal("100.0000"))
    PriceIndex.objects.create(region_code=CITY, year=2024, month=6, value=Decimal("103.7000"))
