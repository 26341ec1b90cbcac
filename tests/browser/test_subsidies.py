"""Browser journey of a month of 租赁补贴 (issue 8, parts 3–4): the city centre's officer runs the month on
the real pages — the family whose flat appears in the department mirror is held with the reason, the
others go into a batch — exports the bank file, imports the bank's result (paid, failed, overpaid),
re-issues the failed one after correcting the account, recovers the overpayment and sees the month
balance; the held family reads the reason on its phone, objects, and reads the officer's reply.

Families and agreements are made by the same helpers as the unit tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allocation.contracts.tests.conftest import _rules, family, reviewers  # noqa: F401
from allocation.subsidies.models import PaymentBatch, SubsidyDue, SubsidyDueState, SubsidyPayment
from allocation.subsidies.tests.conftest import agreement, mirror  # noqa: F401
from tests.browser.conftest import office_login, save_shot
from tests.browser.conftest import submit_main_form as _submit
from tests.browser.test_portal_accessibility_applicant import _signed_in_page

PERIOD = "2026-03"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_shot(page, f"subsidies-{name}")


def _result_file(rows: list[tuple[str, str, str, str]]) -> dict:
    lines = ["业务编号,金额,处理结果,失败原因", *(",".join(row) for row in rows)]
    return {"name": "回执.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}


@pytest.fixture
def month(agreement, family, mirror, citizen, make_staff):  # noqa: F811
    """Four families on 廉租 rent subsidy; the one with a portal account has a flat in the mirror."""
    start = datetime.date(2026, 1, 1)
    paid, failed, overpaid = (agreement(a, start=start) for a in ("1000.00", "900.00", "700.00"))
    entry = family("lianzu", "rent_subsidy", name="李市民")
    type(entry).objects.filter(pk=entry.pk).update(id_number_digest=citizen.id_number_digest)
    entry = type(entry).objects.get(pk=entry.pk)
    held = agreement("800.00", start=start, entry=entry)
    mirror(entry, "real_estate", certificate_number="粤(2026)珠海市不动产权第0000001号", address="香洲区某路1号",
           floor_area="89.00")  # fmt: skip
    officer = make_staff("city", [("city_centre", "440400000000")], is_staff=True)
    return officer, paid, failed, overpaid, held


def test_a_month_of_subsidies_from_the_run_to_the_bank_and_back_and_the_held_familys_objection(
    page, browser, live_server, month, citizen, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    officer, paid, failed, overpaid, held = month
    base = live_server.url
    office_login(page, base, officer)

    # --- 1. The run: three payable, the family with a flat held with the reason -----------------------
    page.goto(f"{base}/office/allocation/subsidies/")
    page.locator("#run-period").fill(PERIOD)
    page.locator("#run-project").select_option("lianzu")
    page.get_by_test_id("subsidy-run").click()
    expect(page.get_by_role("alert").first).to_contain_text("已开始生成")
    expect(page.locator("main table").first).to_contain_text("李市民")
    assert SubsidyDue.objects.filter(period=PERIOD, state=SubsidyDueState.PAYABLE).count() == 3
    held_due = SubsidyDue.objects.get(agreement=held, period=PERIOD)
    assert held_due.state == SubsidyDueState.HELD
    _shot(page, "01_run")
    page.goto(f"{base}{held_due.get_absolute_url()}")
    expect(page.get_by_role("alert")).to_contain_text("暂缓发放原因")
    expect(page.get_by_role("alert")).to_contain_text("不动产")
    _shot(page, "02_held_with_reason")

    # Pressing the button again for the month adds nothing.
    page.goto(f"{base}/office/allocation/subsidies/")
    page.locator("#run-period").fill(PERIOD)
    page.get_by_test_id("subsidy-run").click()
    expect(page.get_by_role("alert").first).to_contain_text("已开始生成")
    assert SubsidyDue.objects.filter(period=PERIOD).count() == 4

    # --- 2. The batch and the bank's bulk-payment file ------------------------------------------------
    page.goto(f"{base}/office/allocation/subsidies/batches/new/")
    page.get_by_label("补贴期间").fill(PERIOD)
    page.get_by_label("补贴项目").select_option("lianzu")
    page.get_by_label("行政区划").select_option("440400000000")
    _submit(page, "生成批次")
    expect(page.get_by_role("alert").first).to_contain_text("共 3 笔")
    batch = PaymentBatch.objects.get()
    expect(page.get_by_role("heading", name=batch.number)).to_be_visible()
    expect(page.locator("main")).to_contain_text("总金额 2600.00 元")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出银行文件（CSV）").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    numbers = {
        c.pk: p.number for p in SubsidyPayment.objects.select_related("due") for c in [p.due.agreement]
    }
    assert all(numbers[c.pk] in exported for c in (paid, failed, overpaid)) and "李市民" not in exported
    assert "1000.00" in exported and "900.00" in exported and "700.00" in exported

    # --- 3. The bank's result: paid, failed with its reason, 50 元 too much ---------------------------
    page.get_by_label("银行回执文件（CSV）").set_input_files(_result_file([
        (numbers[paid.pk], "1000.00", "成功", ""),
        (numbers[failed.pk], "900.00", "失败", "账号不存在"),
        (numbers[overpaid.pk], "750.00", "成功", ""),
    ]))  # fmt: skip
    _submit(page, "导入并对账")
    expect(page.get_by_role("alert").first).to_contain_text("共 3 行")
    payments = page.locator("main table").first
    expect(payments).to_contain_text("已发放")
    expect(payments).to_contain_text("账号不存在")
    expect(payments).to_contain_text("金额不符")
    expect(page.get_by_test_id("state")).to_have_text("已对账")
    expect(page.get_by_label("银行回执文件（CSV）")).to_have_count(0)  # nothing left to import
    _shot(page, "03_reconciled")

    # --- 4. The failed one: account corrected, re-issued in the next batch, paid -----------------------
    page.get_by_role("link", name="更正账号重发").click()
    page.get_by_label("更正后的银行账号").fill("6217 0000 1111 2222 333")
    _submit(page, "保存")
    expect(page.get_by_role("alert").first).to_contain_text("进入下一个发放批次")
    page.goto(f"{base}/office/allocation/subsidies/batches/new/")
    page.get_by_label("补贴期间").fill(PERIOD)
    page.get_by_label("补贴项目").select_option("lianzu")
    _submit(page, "生成批次")
    expect(page.get_by_role("alert").first).to_contain_text("共 1 笔")
    again = PaymentBatch.objects.order_by("-pk").first()
    reissued = again.payments.get()
    assert reissued.amount == Decimal("900.00") and reissued.bank_account == "6217000011112222333"
    page.get_by_label("银行回执文件（CSV）").set_input_files(
        _result_file([(reissued.number, "900.00", "成功", "")])
    )
    _submit(page, "导入并对账")
    expect(page.get_by_test_id("state")).to_have_text("已对账")
    page.goto(f"{base}{batch.get_absolute_url()}")
    expect(page.locator("main table").first).to_contain_text(f"已重发：{again.number}")

    # --- 5. The overpayment recovered with a record ----------------------------------------------------
    page.locator("main table").first.get_by_role("link", name="登记追回").click()
    expect(page.get_by_label("追回金额（元）")).to_have_value("50.00")
    page.locator("#id_reason").fill("银行多付50元（回执金额与代发文件不符）")
    page.get_by_label("应退回日期").fill("2026-12-31")
    _submit(page, "登记")
    expect(page.get_by_text("追回状态：待追回")).to_be_visible()
    page.get_by_label("退回日期").fill(timezone.localdate().isoformat())
    page.get_by_label("收款凭证号").fill("CZ-0001")
    _submit(page, "已追回")
    expect(page.get_by_text("追回状态：已追回")).to_be_visible()
    _shot(page, "04_recovered")

    # --- 6. The month balances: due = paid + held; bank paid − recovered = what was due ----------------
    page.goto(f"{base}/office/allocation/subsidies/reconciliation/?period={PERIOD}&project_code=lianzu")
    expect(page.locator("main h2").first).to_contain_text("廉租住房 · 2026-03")
    expect(page.locator("main")).to_contain_text("平衡")
    expect(page.locator("main")).not_to_contain_text("不平衡")
    _shot(page, "05_reconciliation")

    # --- 7. The held family reads the reason on its phone, objects; the officer replies ----------------
    _client, context, phone = _signed_in_page(browser, live_server, citizen)
    try:
        phone.goto(f"{base}/subsidies/")
        card = phone.locator(".card", has_text=held_due.number)
        expect(card).to_contain_text("本市不动产登记中发现住房，待核实")
        expect(card).to_contain_text("800.00")
        _shot(phone, "06_portal_held")
        card.get_by_role("link", name="提出异议").click()
        phone.get_by_label("异议内容").fill("该房产已于今年出售，不再属于我家，请核实后发放。")
        phone.get_by_role("button", name="提交异议").click()
        expect(phone.get_by_role("alert").first).to_contain_text("异议已提交")

        page.goto(f"{base}{held_due.get_absolute_url()}")
        expect(page.locator("main")).to_contain_text("该房产已于今年出售")
        page.get_by_label("答复内容").fill("请于10个工作日内到街道窗口提交房屋买卖合同及过户证明。")
        page.locator("main form").get_by_role("button", name="答复").click()
        expect(page.get_by_role("alert").first).to_contain_text("已答复")

        phone.reload()
        expect(phone.locator("main")).to_contain_text(
            "请于10个工作日内到街道窗口提交房屋买卖合同及过户证明。"
        )
        _shot(phone, "07_portal_reply")
    finally:
        context.close()
