"""Browser journey of 保障退出 (issue 8, part 6): rent unpaid since January, the officer's 扫描 in June finds
nothing (five months) and on 1 July proposes the 欠租 exit (a second press adds nothing; a family owing
only since March is left alone); the notice gives two months to move out and the market rent for an
overstay, which October's rent run charges; the completion refuses a date before the notice and then
takes the unit back into the stock with the registry 已退出. A subsidy family found to have cheated is
exited at once and barred from applying for five years.

The clock is moved with time-machine (ticking, so the live server and the browser's waits keep running).
Contracts, move-ins and the months' receivables are made by the same helpers as the unit tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.annual_review.tests.conftest import guaranteed  # noqa: F401
from allocation.contracts.models import Contract, ContractState
from allocation.contracts.tests.conftest import _rules, family, reviewers, units  # noqa: F401
from allocation.exits.models import CreditEntry, ExitCase, ExitState, ExitTrigger
from allocation.exits.tests.conftest import bill, tenant  # noqa: F401
from allocation.subsidies.tests.conftest import agreement  # noqa: F401
from allocation.tenancy.models import MoveIn, PaymentMethod, RentReceivable
from allocation.tenancy.services import rent_receipt_record
from allocation.tenancy.tests.conftest import officer, signed_contract  # noqa: F401
from projects.models import Unit, UnitState
from tests.browser.conftest import office_login, save_shot
from tests.browser.conftest import travel_to as _on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_shot(page, f"exits-{name}")


def _scan(page, base: str) -> None:
    page.goto(f"{base}/office/allocation/exits/")
    page.get_by_test_id("exit-scan").click()
    expect(page.get_by_role("alert").first).to_contain_text("已开始扫描退出情形")


def _action(page, name: str) -> None:
    page.get_by_test_id(f"exit-{name}").click()


def test_exit_by_arrears_with_notice_overstay_rent_and_completion_and_a_fraud_exit_with_credit_entry(
    page,
    live_server,
    tenant,  # noqa: F811
    officer,  # noqa: F811
    guaranteed,  # noqa: F811
    agreement,  # noqa: F811
):
    base = live_server.url
    with _on("2026-06-20"):
        owing = tenant(name="陈欠租")
        later = tenant(name="黄晚欠")
        bill("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
        # 黄晚欠 paid January and February: what it owes starts in March
        for receivable in RentReceivable.objects.filter(move_in=later, month__in=(1, 2)):
            rent_receipt_record(receivable=receivable, actor=officer, amount=receivable.outstanding_amount,
                                received_on=datetime.date(2026, 2, 28), method=PaymentMethod.CASH)  # fmt: skip
        office_login(page, base, officer)
        _scan(page, base)
        expect(page.locator("main")).to_contain_text("没有符合条件的记录。")  # five months unpaid: not yet
        assert not ExitCase.objects.exists()

    with _on("2026-07-01"):
        bill("2026-07")
        office_login(page, base, officer)
        # --- 1. The scan on 1 July: 陈欠租's January is six months unpaid; a second press adds nothing --
        _scan(page, base)
        _scan(page, base)
        row = page.locator("main table tbody tr", has_text="陈欠租")
        expect(row).to_contain_text("欠租")
        expect(row).to_contain_text("拟退出")
        expect(page.locator("main table tbody tr", has_text="黄晚欠")).to_have_count(0)
        assert ExitCase.objects.count() == 1
        case = ExitCase.objects.get()
        assert case.number == "TC-2026-000001"  # the same 退出编号 sequence as a case opened by hand
        owed = sum(RentReceivable.objects.filter(move_in=owing).values_list("outstanding_amount", flat=True))
        _shot(page, "01_scan")

        # --- 2. The notice: two months to move out, the market rent for an overstay --------------------
        row.get_by_role("link", name=case.number).click()
        expect(page.locator("main")).to_contain_text(f"自2026-01起欠缴租金，累计未缴 {owed} 元，已满6个月。")
        page.get_by_label("市场月租金（元）").fill("-1")
        _action(page, "notify")
        expect(page.locator("main")).to_contain_text("市场月租金不能为负数。")
        assert ExitCase.objects.get().state == ExitState.PROPOSED
        page.get_by_label("市场月租金（元）").fill("2100.00")
        page.locator("#id_notify-opinion").fill("多次催缴未果")
        _action(page, "notify")
        expect(page.get_by_role("alert").first).to_contain_text("已发出退出通知")
        expect(page.get_by_test_id("state")).to_have_text("已通知")
        expect(page.get_by_test_id("deadline")).to_have_text("2026-09-01")
        expect(page.locator("main")).to_contain_text("2100.00 元/月")
        page.reload()
        expect(page.get_by_role("link", name="退出通知书", exact=False).first).to_be_visible()
        _shot(page, "02_notified")

    with _on("2026-10-05"):
        # --- 3. Still there in October: the rent run charges the market rent ----------------------------
        office_login(page, base, officer)
        bill("2026-08", "2026-09")
        page.goto(f"{base}/office/allocation/tenancy/receivables/")
        page.locator("#rent-run-period").fill("2026-10")
        page.get_by_test_id("rent-run").click()
        expect(page.get_by_role("alert").first).to_be_visible()
        page.goto(f"{base}/office/allocation/tenancy/receivables/?year=2026&month=10")
        expect(page.locator("main table tbody tr", has_text="陈欠租")).to_contain_text("2100.00")
        october = RentReceivable.objects.get(move_in=owing, year=2026, month=10)
        assert october.amount == Decimal("2100.00")
        september = RentReceivable.objects.get(move_in=owing, year=2026, month=9)
        assert september.amount == owing.net_monthly_rent  # the deadline's own month: the normal rent
        _shot(page, "03_overstay_rent")

    with _on("2026-10-20"):
        # --- 4. Completion: a date before the notice is refused; then the unit is back in the stock ------
        office_login(page, base, officer)
        page.goto(f"{base}{case.get_absolute_url()}")
        page.get_by_label("退出日期").fill("2026-06-30")
        page.get_by_label("验房结果").select_option(label="完好")
        _action(page, "complete")
        expect(page.locator("main")).to_contain_text("退出日期不能早于通知日期 2026-07-01")
        expect(page.get_by_label("验房结果")).to_have_value("intact")  # what was chosen is kept
        assert ExitCase.objects.get().state == ExitState.NOTIFIED
        page.get_by_label("退出日期").fill("2026-10-20")
        page.get_by_label("押金金额（元）").fill("1000.00")
        page.get_by_label("扣除押金（元）").fill("200.00")
        page.get_by_label("扣除原因").fill("墙面污损修复")
        _action(page, "complete")
        expect(page.get_by_role("alert").first).to_contain_text("退出已办结")
        expect(page.get_by_test_id("state")).to_have_text("已退出")
        _shot(page, "04_exited")
        assert Unit.objects.get(pk=owing.unit_id).state == UnitState.DELIVERED
        assert MoveIn.objects.get(pk=owing.pk).vacated_on == datetime.date(2026, 10, 20)
        assert Contract.objects.get(pk=owing.contract_id).state == ContractState.TERMINATED
        page.get_by_role("link", name="陈欠租").click()
        expect(page.get_by_test_id("guarantee-status")).to_have_text("已退出")
        _shot(page, "05_registry_exited")

        # --- 5. Fraud: a subsidy family exits at once and is barred for five years ----------------------
        cheat = guaranteed(name="赵骗保")
        subsidy = agreement("800.00", start=datetime.date(2026, 1, 1), entry=cheat)
        page.goto(f"{base}/office/allocation/exits/new/")
        page.get_by_label("申请编号").fill(cheat.application_number)
        page.get_by_label("退出情形").select_option(label="骗取保障")
        page.get_by_label("退出原因").fill("隐瞒家庭在外市的住房")
        page.get_by_label("事实依据").fill("外市不动产登记查询结果")
        page.locator("main form").get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert").first).to_contain_text("已登记拟退出")
        page.get_by_label("退出日期").fill("2026-10-20")
        _action(page, "complete")
        expect(page.get_by_test_id("credit")).to_contain_text("2031-10-20前不得再次申请住房保障")
        _shot(page, "06_fraud_credit")
        assert Contract.objects.get(pk=subsidy.pk).state == ContractState.TERMINATED
        assert RegistryEntry.objects.get(pk=cheat.pk).status == GuaranteeStatus.EXITED
        assert CreditEntry.objects.get().id_number_digest == cheat.id_number_digest
        fraud = ExitCase.objects.get(registry_entry=cheat)
        assert fraud.trigger == ExitTrigger.FRAUD and fraud.number == "TC-2026-000002"
