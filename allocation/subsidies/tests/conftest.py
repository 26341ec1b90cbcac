"""Registered families (through the real review lifecycle), signed rent-subsidy agreements, the mirror."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from allocation.contracts.models import Contract, ContractKind, ContractState
from allocation.contracts.tests.conftest import _rules, family, reviewers  # noqa: F401
from housing.exchange.models import MirrorRecord
from housing.exchange.services import datasets_sync

SUBSIDY_PERMISSIONS = (
    "view_subsidydue", "view_paymentbatch", "run_subsidy", "review_subsidy", "view_contract",
)  # fmt: skip


def grant(user):
    """The subsidy permissions (housing/accounts/roles.py does not list them yet; see the report)."""
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="allocation", codename__in=SUBSIDY_PERMISSIONS)
    )
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def agreement(family):  # noqa: F811
    """agreement(amount, start, end=None, entry=None, region_code=None) -> a signed 租赁补贴协议."""
    counter = {"n": 0}

    def make(
        amount="1000.00", start=datetime.date(2026, 1, 1), end=None, *, entry=None, region_code=None, **extra
    ):
        counter["n"] += 1
        entry = entry or family("lianzu", "rent_subsidy", name=f"林补贴{counter['n']}")
        fields = dict(
            registry_entry=entry, kind=ContractKind.RENT_SUBSIDY, number=f"BT-TEST-{entry.pk}-{counter['n']}",
            subsidy_amount=Decimal(amount), subsidy_payment_method="bank_transfer", subsidy_starts_on=start,
            signer_name=entry.applicant_name, signer_id_number="440402199001011234", effective_on=start,
            expires_on=end, signed_on=start, bank_name="工商银行", bank_account="6222020400012345678",
            bank_account_masked="***************5678", payment_cycle="monthly", state=ContractState.SIGNED,
            region_code=region_code or entry.region_code,
        )  # fmt: skip
        return Contract.objects.create(**{**fields, **extra})

    return make


@pytest.fixture
def mirror(db):
    """mirror(entry, dataset_code, **values): one department record about the family's applicant."""
    datasets_sync()

    def add(entry, code, source_date=datetime.date(2026, 2, 1), **values):
        from housing.exchange.models import Dataset

        return MirrorRecord.objects.create(
            dataset=Dataset.objects.get(code=code), id_number_digest=entry.id_number_digest,
            id_number_masked=entry.id_number_masked, values=values, source="测试", source_date=source_date,
        )  # fmt: skip

    return add
