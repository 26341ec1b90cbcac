"""A signed 公租房 contract (real registration, drafting and signing) and staff holding the tenancy permissions."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission

from allocation.contracts.models import Contract, ContractKind
from allocation.contracts.services import contract_draft, contract_sign
from allocation.contracts.tests.conftest import _rules, family, reviewers, units  # noqa: F401
from housing.accounts.models import User
from projects.models import GuaranteeMode

START = datetime.date(2026, 1, 1)
TENANCY_PERMS = ("allocation.manage_tenancy", "allocation.collect_rent", "allocation.view_movein",
                 "allocation.view_rentreceivable", "projects.occupy_unit")  # fmt: skip


def grant(user, *perms):
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def officer(city_admin):
    """市保障中心 with the tenancy permissions (and contracts', through the role)."""
    return grant(city_admin, *TENANCY_PERMS)


@pytest.fixture
def signed_contract(family, units, officer, django_capture_on_commit_callbacks):  # noqa: F811
    """signed_contract(name=…, starts_on=…) -> a signed 公租房 contract on a fresh 已配给 unit."""

    def make(*, name="陈翠香", starts_on=START):
        entry = family(name=name)
        (unit,) = units(GuaranteeMode.PUBLIC_RENTAL, n=1)
        contract = contract_draft(registry_entry=entry, kind=ContractKind.PUBLIC_RENTAL, actor=officer,
                                  unit=unit, starts_on=starts_on)  # fmt: skip
        with django_capture_on_commit_callbacks(execute=False):
            contract_sign(contract=contract, actor=officer, signed_on=starts_on)
        return Contract.objects.select_related("unit").get(pk=contract.pk)

    return make
