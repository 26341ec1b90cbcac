"""Browser journey of rent (issue 8, parts 1–2): the city centre's officer registers two move-ins on the
real pages (one mid-month with a reduction), runs January's receivables (prorated, a second press adds
nothing), takes a part payment at the counter with its reason (too much is refused and changes nothing),
imports the bank's collection file for the other family, and finds the part still owed in the arrears
ageing; then the family moves out with the inspection and the deposit, and the unit is back in the stock.

Signed contracts are made by the same helpers as the unit tests."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from allocation.contracts.tests.conftest import _rules, family, reviewers, units  # noqa: F401
from allocation.tenancy.models import RentReceipt, RentReceivable, Vacating
from allocation.tenancy.tests.conftest import officer, signed_contract  # noqa: F401
from projects.models import Unit, UnitState
from tests.browser.conftest import office_login, save_shot
from tests.browser.conftest import submit_main_form as _submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_shot(page, f"tenancy-{name}")


def _move_in(page, base: str, contract, day: str, reduction: str = "", reason: str = "") -> None:
    page.goto(f"{base}/office/allocation/tenancy/move-ins/new/")
    page.get_by_label("合同编号").fill(contract.number)
    page.get_by_label("入住时间").fill(day)
    if reduction:
        page.get_by_label("租金减免金额").fill(reduction)
        page.get_by_label("租金减免原因").fill(reason)
    _submit(page, "登记入住")
    expect(page.get_by_role("alert").first).to_contain_text("已登记入住")


def _row(page, text: str):
    return page.locator("main table tbody tr", has_text=text)


def test_move_in_rent_run_counter_and_bank_receipts_arrears_and_move_out(
    page,
    live_server,
    officer,  # noqa: F811
    signed_contract,  # noqa: F811
):
    first, second = signed_contract(name="陈翠香"), signed_contract(name="黄志明")
    base = live_server.url
    office_login(page, base, officer)

    # --- 1. Move-ins: 陈翠香 on 16 January with a 50 元 reduction, 黄志明 on the 1st ------------------------
    _move_in(page, base, first, "2026-01-16", "50.00", "低保家庭租金减免")
    _move_in(page, base, second, "2026-01-01")
    assert Unit.objects.get(pk=first.unit_id).state == UnitState.OCCUPIED
    expect(_row(page, first.number)).to_contain_text("50.00")
    _shot(page, "01_move_ins")

    # --- 2. January's receivables: prorated over 16 of 31 days after the reduction ----------------------
    page.goto(f"{base}/office/allocation/tenancy/receivables/")
    page.locator("#rent-run-period").fill("2026-01")
    page.get_by_test_id("rent-run").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    page.goto(f"{base}/office/allocation/tenancy/receivables/")
    prorated = ((first.monthly_rent - Decimal("50.00")) * 16 / 31).quantize(Decimal("0.01"), ROUND_HALF_UP)
    row = _row(page, "陈翠香")
    expect(row).to_contain_text("16/31")
    expect(row).to_contain_text(f"{prorated}")
    expect(_row(page, "黄志明")).to_contain_text(f"{second.monthly_rent}")
    page.locator("#rent-run-period").fill("2026-01")
    page.get_by_test_id("rent-run").click()  # the same month again adds nothing
    expect(page.get_by_role("alert").first).to_be_visible()
    assert RentReceivable.objects.filter(year=2026, month=1).count() == 2
    _shot(page, "02_receivables")

    # --- 3. At the counter: more than is owed is refused; a part payment needs and keeps its reason -----
    owed = RentReceivable.objects.get(move_in__contract=second)
    page.goto(f"{base}/office/allocation/tenancy/receivables/")
    _row(page, "黄志明").get_by_role("link", name="登记实收").click()
    page.get_by_label("实收金额").fill(f"{owed.amount + Decimal('0.01')}")
    _submit(page, "登记实收")
    expect(page.locator("main")).to_contain_text("超过")
    assert not RentReceipt.objects.exists()
    expect(page.get_by_label("实收金额")).to_have_value(f"{owed.amount + Decimal('0.01')}")  # kept to correct
    part = (owed.amount / 2).quantize(Decimal("0.01"))
    page.get_by_label("实收金额").fill(f"{part}")
    page.get_by_label("未足额收取原因").fill("家庭困难，约定下月补足")
    _submit(page, "登记实收")
    expect(page.get_by_role("alert").first).to_be_visible()
    owed.refresh_from_db()
    assert owed.paid_amount == part and owed.outstanding_amount == owed.amount - part

    # --- 4. The bank's collection file pays 陈翠香's month -------------------------------------------------
    due = RentReceivable.objects.get(move_in__contract=first)
    page.goto(f"{base}/office/allocation/tenancy/collections/new/")
    content = f"应收编号,合同编号,扣款金额,扣款日期,备注\n{due.number},,{due.amount},2026-01-31,\n"
    page.get_by_label("银行代收文件").set_input_files(
        {"name": "代收2026-01.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    _submit(page, "导入并对账")
    expect(page.locator("main")).to_contain_text("已入账")
    due.refresh_from_db()
    assert due.outstanding_amount == Decimal("0.00")
    _shot(page, "03_collection")

    # --- 5. Arrears ageing: what 黄志明 still owes, by family and by division ------------------------------
    page.goto(f"{base}/office/allocation/tenancy/arrears/")
    expect(_row(page, "黄志明")).to_contain_text(f"{owed.outstanding_amount}")
    expect(page.locator("main")).not_to_contain_text("陈翠香")
    _shot(page, "04_arrears")

    # --- 6. Moving out: inspection, deposit settled, the unit back in the stock --------------------------
    page.goto(f"{base}/office/allocation/tenancy/move-ins/")
    _row(page, first.number).get_by_role("link", name="腾退").click()
    page.get_by_label("腾退时间").fill("2026-02-20")
    page.get_by_label("验房结果").select_option(index=1)
    page.get_by_label("押金金额").fill("1000.00")
    page.get_by_label("扣除押金").fill("200.00")
    page.get_by_label("扣除原因").fill("墙面污损修复")
    _submit(page, "办理腾退")
    expect(page.get_by_role("alert").first).to_be_visible()
    vacating = Vacating.objects.get(move_in__contract=first)
    assert vacating.vacated_on == datetime.date(2026, 2, 20) and vacating.deposit_deducted == Decimal(
        "200.00"
    )
    assert Unit.objects.get(pk=first.unit_id).state == UnitState.DELIVERED
    expect(_row(page, first.number)).to_contain_text("2026年2月20日")
    _shot(page, "05_moved_out")
