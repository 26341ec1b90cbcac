"""Contracts: amounts from the rules engine, gap-free numbers, unit and family states, PDF and archive."""

from __future__ import annotations

import datetime
import hashlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from admission.registry.models import GuaranteeStatus, WaitlistStatus
from admission.tests.registry.conftest import pdf_text
from allocation.contracts.documents import rmb_upper
from allocation.contracts.models import Contract, ContractArchive, ContractKind, ContractState
from allocation.contracts.services import (
    contract_draft,
    contract_renew,
    contract_sign,
    contract_terminate,
)
from housing.archive.models import Category
from housing.archive.services import document_open_verified
from housing.notify.models import Message
from housing.workflow.models import NodeInstance
from projects.models import GuaranteeMode, UnitState

START = datetime.date(2026, 1, 1)
K = ContractKind


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)  # protected FSM fields refuse refresh_from_db


def sign(contract, actor, capture, day=START):
    with capture(execute=True):
        contract = contract_sign(contract=contract, actor=actor, signed_on=day)
    return fresh(contract)


def test_public_rental_rent_is_market_rent_times_the_rules_factor(family, units, city_admin):
    entry = family()
    dibao = family(name="黄低保", is_subsistence_allowance_family=True, subsistence_certificate_number="DB1")
    unit_a, unit_b = units(GuaranteeMode.PUBLIC_RENTAL)
    contract = contract_draft(registry_entry=entry, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit_a,
                              starts_on=START)  # fmt: skip
    assert contract.market_monthly_rent == Decimal("750.00")  # 12.50 元/m²·月 × 60 m²
    assert contract.rent_factor in {Decimal("0.1"), Decimal("0.3"), Decimal("0.5"), Decimal("0.7")}
    assert contract.monthly_rent == (Decimal("750.00") * contract.rent_factor).quantize(Decimal("0.01"))
    assert contract.ruleset_version == 1 and "公共租赁住房" in contract.ruleset_name
    assert contract.term_months == 36 and contract.expires_on == datetime.date(2028, 12, 31)
    low = contract_draft(
        registry_entry=dibao, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit_b, starts_on=START
    )
    assert low.rent_factor == Decimal("0.05") and low.monthly_rent == Decimal("37.50")
    assert isinstance(low.monthly_rent, Decimal)
    assert contract.state == ContractState.DRAFT and contract.number == ""


def test_low_rent_rental_without_rent_standard_uses_the_units_rent(family, units, city_admin):
    entry = family("lianzu", "rental_in_kind", name="林廉租")
    (unit,) = units(GuaranteeMode.LOW_RENT, n=1)
    contract = contract_draft(
        registry_entry=entry, kind=K.LOW_RENT, actor=city_admin, unit=unit, starts_on=START
    )
    assert contract.monthly_rent == Decimal("750.00") and contract.rent_factor == Decimal("1")
    assert contract.ruleset_version == 1


def test_rent_subsidy_amount_comes_from_the_rules_and_needs_a_bank_account(family, city_admin):
    entry = family("lianzu", "rent_subsidy", name="林补贴")
    with pytest.raises(ValidationError) as error:
        contract_draft(registry_entry=entry, kind=K.RENT_SUBSIDY, actor=city_admin, starts_on=START)
    assert "银行账号" in str(error.value.message_dict["bank_account"])
    contract = contract_draft(registry_entry=entry, kind=K.RENT_SUBSIDY, actor=city_admin,
                              starts_on=datetime.date(2026, 3, 15), bank_name="工商银行",
                              bank_account="6222 0000 1111 2222")  # fmt: skip
    size = entry.household_size
    counted = Decimal("1.5") if size == 1 else Decimal(size)
    area = min(Decimal("15") * counted, Decimal("60"))
    expected = max(
        Decimal("0"), Decimal("15") * (area - entry.application.family.per_capita_floor_area * size)
    )
    assert contract.subsidy_amount == expected.quantize(Decimal("0.01")) and contract.subsidy_amount > 0
    assert contract.subsidy_starts_on == datetime.date(2026, 3, 1)
    assert contract.bank_account_masked == "************2222" and contract.payment_cycle == "monthly"
    assert Contract.objects.filter(bank_account_masked__contains="6222").count() == 0


def test_sale_prices_affordable_in_full_and_shared_ownership_by_share(family, units, city_admin):
    entry = family("jingshi", "sale_in_kind", name="吴经适")
    other = family("jingshi", "sale_in_kind", name="郑共有")
    (affordable,) = units(GuaranteeMode.AFFORDABLE, n=1)
    (shared,) = units(GuaranteeMode.SHARED_OWNERSHIP, n=1)
    sale = contract_draft(registry_entry=entry, kind=K.AFFORDABLE_SALE, actor=city_admin, unit=affordable,
                          starts_on=START)  # fmt: skip
    assert sale.price == Decimal("588000.00") and sale.ownership_share == Decimal("100")
    with pytest.raises(ValidationError) as error:
        contract_draft(registry_entry=other, kind=K.SHARED_OWNERSHIP_SALE, actor=city_admin, unit=shared,
                       starts_on=START)  # fmt: skip
    assert "产权份额" in str(error.value)
    part = contract_draft(registry_entry=other, kind=K.SHARED_OWNERSHIP_SALE, actor=city_admin, unit=shared,
                          starts_on=START, ownership_share=Decimal("70"))  # fmt: skip
    assert part.price == Decimal("411600.00")


def test_signing_numbers_per_kind_and_turns_unit_allocated_and_family_guaranteed(
    family, units, city_admin, django_capture_on_commit_callbacks
):
    first, second = family(name="陈一"), family(name="陈二")
    unit_a, unit_b = units(GuaranteeMode.PUBLIC_RENTAL)
    a = contract_draft(
        registry_entry=first, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit_a, starts_on=START
    )
    b = contract_draft(
        registry_entry=second, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit_b, starts_on=START
    )
    a = sign(a, city_admin, django_capture_on_commit_callbacks)
    b = sign(b, city_admin, django_capture_on_commit_callbacks)
    assert (a.number, b.number) == ("GZ-2026-000001", "GZ-2026-000002")
    assert a.state == ContractState.SIGNED and a.signed_on == START
    unit_a = fresh(unit_a)
    first = fresh(first)
    assert unit_a.state == UnitState.ALLOCATED
    assert (
        first.status == GuaranteeStatus.GUARANTEED and first.waitlist_entry.status == WaitlistStatus.ALLOCATED
    )
    assert NodeInstance.objects.filter(process__object_id=str(a.pk), transition="sign").exists()


def test_wrong_type_unit_is_refused_and_nothing_changes(family, units, city_admin):
    entry = family()
    (affordable,) = units(GuaranteeMode.AFFORDABLE, n=1)
    with pytest.raises(ValidationError) as error:
        contract_draft(registry_entry=entry, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=affordable,
                       starts_on=START)  # fmt: skip
    assert "经适房" in str(error.value.message_dict["unit"])
    with pytest.raises(ValidationError) as error:
        contract_draft(registry_entry=entry, kind=K.AFFORDABLE_SALE, actor=city_admin, unit=affordable,
                       starts_on=START)  # fmt: skip
    assert "实物配租" in str(error.value.message_dict["kind"])
    affordable = fresh(affordable)
    entry = fresh(entry)
    assert not Contract.objects.exists()
    assert affordable.state == UnitState.DELIVERED and entry.status == GuaranteeStatus.WAITING


def test_a_unit_under_another_active_contract_is_refused(
    family, units, city_admin, django_capture_on_commit_callbacks
):
    first, second = family(name="陈一"), family(name="陈二")
    (unit,) = units(n=1)
    contract = contract_draft(registry_entry=first, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit,
                              starts_on=START)  # fmt: skip
    sign(contract, city_admin, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        contract_draft(
            registry_entry=second, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit, starts_on=START
        )
    assert "已有其他有效合同" in str(error.value)


def test_signed_contract_pdf_is_archived_with_sha256_and_chinese_text(
    family, units, city_admin, django_capture_on_commit_callbacks
):
    entry = family()
    (unit,) = units(n=1)
    contract = contract_draft(registry_entry=entry, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit,
                              starts_on=START, signer_id_number="")  # fmt: skip
    contract = sign(contract, city_admin, django_capture_on_commit_callbacks)
    assert contract.pdf_error == "" and contract.issued_document is not None
    row = ContractArchive.objects.get(contract=contract)
    document = row.document
    assert document.category == Category.CONTRACT and row.application_number == entry.application_number
    assert document.owner_object_id == str(contract.pk)
    with document_open_verified(actor=city_admin, document=document) as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256 == contract.issued_document.sha256
    text = pdf_text(pdf)
    assert "公共租赁住房租赁合同" in text and contract.number in text
    assert str(contract.monthly_rent) in text and entry.id_number not in text
    sms = Message.objects.get(template_code="allocation.contract_signed", channel="sms")
    assert contract.number in sms.body


def test_renewal_links_the_new_contract_and_ends_the_old_one(
    family, units, city_admin, django_capture_on_commit_callbacks
):
    entry = family()
    (unit,) = units(n=1)
    old = contract_draft(
        registry_entry=entry, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit, starts_on=START
    )
    old = sign(old, city_admin, django_capture_on_commit_callbacks)
    renewal = contract_renew(contract=old, actor=city_admin)
    assert renewal.previous == old and renewal.effective_on == datetime.date(2029, 1, 1)
    assert renewal.unit == unit and renewal.monthly_rent == old.monthly_rent
    with pytest.raises(ValidationError):
        contract_renew(contract=old, actor=city_admin)
    renewal = sign(renewal, city_admin, django_capture_on_commit_callbacks, day=datetime.date(2028, 12, 1))
    old = fresh(old)
    unit = fresh(unit)
    assert old.state == ContractState.EXPIRED and renewal.state == ContractState.SIGNED
    assert renewal.number == "GZ-2028-000001" and unit.state == UnitState.ALLOCATED


def test_termination_needs_a_reason_and_releases_a_unit_not_moved_into(
    family, units, city_admin, django_capture_on_commit_callbacks
):
    entry = family()
    (unit,) = units(n=1)
    contract = contract_draft(registry_entry=entry, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit,
                              starts_on=START)  # fmt: skip
    contract = sign(contract, city_admin, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        contract_terminate(contract=contract, actor=city_admin, reason="  ")
    assert "终止原因" in str(error.value)
    contract = contract_terminate(contract=contract, actor=city_admin, reason="家庭放弃入住")
    unit = fresh(unit)
    assert contract.state == ContractState.TERMINATED and contract.termination_reason == "家庭放弃入住"
    assert unit.state == UnitState.DELIVERED


def test_an_exited_family_cannot_sign(family, units, city_admin):
    from admission.registry.services import registry_entry_exit

    entry = family()
    registry_entry_exit(entry=entry, actor=city_admin, reason="自愿退出")
    (unit,) = units(n=1)
    with pytest.raises(ValidationError) as error:
        contract_draft(
            registry_entry=entry, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=unit, starts_on=START
        )
    assert "已退出" in str(error.value)


def test_amount_in_words():
    assert rmb_upper(Decimal("245.63")) == "贰佰肆拾伍元陆角叁分"
    assert rmb_upper(Decimal("411600.00")) == "肆拾壹万壹仟陆佰元整"
    assert rmb_upper(Decimal("1005.00")) == "壹仟零伍元整"
    assert rmb_upper(Decimal("37.50")) == "叁拾柒元伍角"


@pytest.mark.django_db(transaction=True)
def test_concurrent_signings_get_gap_free_distinct_numbers(family, units, city_admin):
    entries = [family(name=f"并发{i}") for i in range(4)]
    unit_list = units(n=4)
    drafts = [
        contract_draft(registry_entry=e, kind=K.PUBLIC_RENTAL, actor=city_admin, unit=u, starts_on=START)
        for e, u in zip(entries, unit_list, strict=True)
    ]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def worker(contract):
        try:
            barrier.wait()
            contract_sign(contract=contract, actor=city_admin, signed_on=START)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Contract.objects.values_list("number", flat=True))
    assert numbers == [f"GZ-2026-{i:06d}" for i in range(1, 5)]
