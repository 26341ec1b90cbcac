"""催缴短信 (once per receivable and round, through the outbox) and 每月固定发生款项 beside the rent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admission.registry.models import RegistryEntry
from allocation.tenancy.charges import fixed_charge_create
from allocation.tenancy.models import MonthlyFixedCharge, RentReceivable, RentReminder
from allocation.tenancy.reminders import rent_reminders_send
from allocation.tenancy.services import move_in_register, rent_receipt_record, rent_receivables_run
from housing.notify.models import Message

D = datetime.date


@pytest.fixture
def owing(signed_contract, officer):
    move_in = move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    RegistryEntry.objects.filter(pk=move_in.registry_entry_id).update(phone="13812345678")
    rent_receivables_run("2026-01", officer)
    return move_in, RentReceivable.objects.get()


def test_reminder_goes_once_after_the_configured_days_then_once_per_repeat(owing, settings,
                                                                           django_capture_on_commit_callbacks):  # fmt: skip
    settings.RENT_REMINDER_DAYS, settings.RENT_REMINDER_REPEAT_DAYS = 15, 30
    _move_in, receivable = owing  # due 2026-01-01
    with django_capture_on_commit_callbacks(execute=False):
        assert rent_reminders_send(today=D(2026, 1, 15))["sent"] == 0  # 14 days: not yet
        assert rent_reminders_send(today=D(2026, 1, 16))["sent"] == 1
        assert rent_reminders_send(today=D(2026, 1, 16)) == {"sent": 0, "already": 1}
        assert rent_reminders_send(today=D(2026, 2, 14))["sent"] == 0  # still round 1
        assert rent_reminders_send(today=D(2026, 2, 15))["sent"] == 1  # round 2
    reminders = list(RentReminder.objects.order_by("round"))
    assert [r.round for r in reminders] == [1, 2] and reminders[0].phone_masked == "138****5678"
    sms = Message.objects.filter(template_code="allocation.rent_reminder").order_by("pk")
    assert sms.count() == 2 and sms[0].address == "13812345678" and sms[0].channel == "sms"
    assert f"{receivable.amount:.2f}元" in sms[0].body and "2026年1月" in sms[0].body
    entry = RegistryEntry.objects.get(pk=receivable.registry_entry_id)
    assert entry.id_number not in sms[0].body


def test_a_paid_receivable_gets_no_reminder(owing, officer, django_capture_on_commit_callbacks):
    _move_in, receivable = owing
    rent_receipt_record(receivable=receivable, actor=officer, amount=receivable.amount, received_on=D(2026, 1, 5),
                        method="cash")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False):
        assert rent_reminders_send(today=D(2026, 3, 1))["sent"] == 0
    assert not Message.objects.filter(template_code="allocation.rent_reminder").exists()


def test_receipt_page_shows_reminders_and_the_months_total_with_fixed_charges(owing, officer, client,
                                                                              django_capture_on_commit_callbacks):  # fmt: skip
    move_in, receivable = owing
    with django_capture_on_commit_callbacks(execute=False):
        rent_reminders_send(today=D(2026, 1, 20))
    fixed_charge_create(move_in=move_in, actor=officer, description="物业费", year=2026, month=1,
                        amount=Decimal("45.50"))  # fmt: skip
    fixed_charge_create(move_in=move_in, actor=officer, description="公摊水电", year=2026, month=1,
                        amount=Decimal("12.25"))  # fmt: skip
    client.force_login(officer)
    page = client.get(reverse("allocation:tenancy_receipt_new", args=[receivable.pk])).content.decode()
    assert "第 1 次催缴：2026-01-20" in page and "138****5678" in page
    assert f'data-testid="month-total">{receivable.amount + Decimal("57.75")}<' in page
    listing = client.get(reverse("allocation:tenancy_receivables")).content.decode()
    assert "57.75" in listing and str(receivable.amount + Decimal("57.75")) in listing
    assert '<option value="" selected>全部</option>' in listing and "缴费情况" in listing
    url = reverse("allocation:tenancy_receivables")
    assert receivable.number in client.get(url, {"paid": "owing"}).content.decode()
    assert receivable.number not in client.get(url, {"paid": "settled"}).content.decode()


def test_fixed_charge_checks_month_amount_and_duplicates(owing, officer):
    move_in, _receivable = owing
    with pytest.raises(ValidationError) as exc:
        fixed_charge_create(move_in=move_in, actor=officer, description="物业费", year=2025, month=12,
                            amount=Decimal("10"))  # fmt: skip
    assert "未入住" in str(exc.value.message_dict["month"])
    with pytest.raises(ValidationError) as exc:
        fixed_charge_create(
            move_in=move_in, actor=officer, description="", year=2026, month=1, amount=Decimal("0")
        )
    assert set(exc.value.message_dict) == {"description", "amount"}
    charge = fixed_charge_create(move_in=move_in, actor=officer, description="物业费", year=2026, month=2,
                                 amount=Decimal("45.555"))  # fmt: skip
    assert charge.amount == Decimal("45.56") and charge.number.startswith("GD-2026-")
    assert charge.region_code == move_in.region_code and charge.unit_id == move_in.unit_id
    with pytest.raises(ValidationError, match="已有"):
        fixed_charge_create(move_in=move_in, actor=officer, description="物业费", year=2026, month=2,
                            amount=Decimal("1"))  # fmt: skip
    assert MonthlyFixedCharge.objects.count() == 1


def test_fixed_charge_form_and_paginated_list_with_a_pinned_query_count(owing, officer, client,
                                                                        django_assert_max_num_queries):  # fmt: skip
    from .conftest import grant

    move_in, _receivable = owing
    officer = grant(officer, "allocation.view_monthlyfixedcharge")
    client.force_login(officer)
    url = reverse("allocation:tenancy_fixed_charge_new")
    page = client.post(url, {"contract": "NOPE", "description": "物业费", "year": 2026, "month": 1,
                             "amount": "10"}).content.decode()  # fmt: skip
    assert "本辖区内没有这个合同的入住记录" in page
    page = client.post(url, {"contract": move_in.contract.number, "description": "物业费", "year": 2026,
                             "month": 13, "amount": "10"}).content.decode()  # fmt: skip
    assert not MonthlyFixedCharge.objects.exists()
    for month in range(1, 13):
        response = client.post(url, {"contract": move_in.contract.number, "description": "物业费", "year": 2026,
                                     "month": month, "amount": "10.00"})  # fmt: skip
        assert response.status_code == 302
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("allocation:tenancy_fixed_charges")).content.decode()
    assert listing.count("物业费") >= 10 and "GD-2026-" in listing
