"""Browser journey of 年审 (issue 8, part 5): the city centre's officer starts last year's review on the real
page (a second press adds nothing); one family declares on its phone and the caseworker changes its
subsidy standard, one is continued, one misses the review. The daily check marks the missed one 逾期未审;
this month's subsidies then hold it back with the reason the family reads on its phone, and next month
the changed standard is paid; a late 继续保障 resumes the subsidy with no back-pay.

The clock is moved with time-machine (ticking, so the live server and the browser's waits keep running):
December 2026 for the run, the declaration and the decisions; 2 January 2027 for the daily check and
January's subsidies; 10 February for the late decision. Families and agreements are made by the same
helpers as the unit tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from admission.registry.models import RegistryEntry
from allocation.annual_review.models import AnnualReview, AnnualReviewState
from allocation.annual_review.tasks import annual_review_mark_overdue_daily
from allocation.annual_review.tests.conftest import guaranteed  # noqa: F401
from allocation.contracts.tests.conftest import _rules, family, reviewers  # noqa: F401
from allocation.subsidies.models import SubsidyDue, SubsidyDueState
from allocation.subsidies.tests.conftest import agreement, mirror  # noqa: F401
from housing.accounts.services import applicant_register
from tests.browser.conftest import office_login, save_shot
from tests.browser.conftest import submit_main_form as _submit
from tests.browser.conftest import travel_to as _on
from tests.browser.test_portal_accessibility_applicant import _signed_in_page

CITY = "440400000000"
YEAR = 2026


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_shot(page, f"annual-review-{name}")


def _subsidy_run(page, base: str, period: str) -> None:
    page.goto(f"{base}/office/allocation/subsidies/")
    page.locator("#run-period").fill(period)
    page.locator("#run-project").select_option("lianzu")
    page.get_by_test_id("subsidy-run").click()
    expect(page.get_by_role("alert").first).to_contain_text("已开始生成")


def _due_row(page, base: str, period: str, name: str):
    page.goto(f"{base}/office/allocation/subsidies/?period={period}")
    return page.locator("main table tbody tr", has_text=name)


def _decide(page, base: str, review: AnnualReview, decision: str, opinion: str, subsidy: str = "") -> None:
    page.goto(f"{base}{review.get_absolute_url()}")
    page.get_by_label("年审结论").select_option(label=decision)
    page.get_by_label("审核意见").fill(opinion)
    if subsidy:
        page.get_by_label("变更后月补贴金额（元）").fill(subsidy)
    _submit(page, "提交")
    expect(page.get_by_role("alert").first).to_contain_text("年审结论已保存")


@pytest.fixture
def families(guaranteed, agreement, citizen, city_admin):  # noqa: F811
    """Three 廉租 rent-subsidy families in guarantee since January 2026; the one who will miss the
    review is the ``citizen`` fixture's account, the one who declares gets an account of its own."""
    start = datetime.date(2026, 1, 1)
    continued = guaranteed(name="周继续")
    changed = guaranteed(name="吴变更")
    missed = guaranteed(name="李市民")
    RegistryEntry.objects.filter(pk=missed.pk).update(id_number_digest=citizen.id_number_digest)
    for entry, amount in ((continued, "1000.00"), (changed, "900.00"), (missed, "800.00")):
        agreement(amount, start=start, entry=entry)
    declarer = applicant_register(
        phone="13900000041", id_number=changed.family.id_number, real_name=changed.applicant_name,
        password="Test@Pass1",
    )  # fmt: skip
    return city_admin, continued, changed, missed, declarer


def test_annual_review_run_declaration_decisions_missed_review_and_next_months_subsidies(
    page, browser, live_server, families, citizen
):
    officer, continued, changed, missed, declarer = families
    base = live_server.url

    with _on("2026-12-07"):
        office_login(page, base, officer)

        # --- 1. The run on the list page; a second press adds nothing ----------------------------------
        for _press in range(2):
            page.goto(f"{base}/office/allocation/annual-reviews/")
            page.locator("#run-year").fill(str(YEAR))
            page.locator("#run-region").select_option(CITY)
            page.get_by_test_id("annual-review-run").click()
            expect(page.get_by_role("alert").first).to_contain_text(f"已开始生成 {YEAR} 年度的年审")
        assert AnnualReview.objects.filter(year=YEAR).count() == 3
        page.goto(f"{base}/office/allocation/annual-reviews/")
        for name in ("周继续", "吴变更", "李市民"):
            expect(page.locator("main table tbody tr", has_text=name)).to_contain_text("待审核")
        _shot(page, "01_run")
        reviews = {r.registry_entry_id: r for r in AnnualReview.objects.filter(year=YEAR)}

        # --- 2. 吴变更 declares on the phone: the form starts from the family file ---------------------
        _client, context, phone = _signed_in_page(browser, live_server, declarer)
        try:
            phone.goto(f"{base}/portal/me/")
            expect(phone.get_by_text("年度复核：请更新家庭信息")).to_be_visible()
            phone.get_by_role("link", name="去填写").click()
            phone.get_by_label("现居住地址").fill("香洲区年审路8号")
            phone.get_by_role("group", name="是否就业").get_by_label("是").check()
            phone.get_by_role("group", name="是否缴纳本市社保").get_by_label("是").check()
            phone.get_by_role("group", name="是否在本市拥有住房").get_by_label("否").check()
            phone.get_by_role("button", name="提交申报").click()
            expect(phone.get_by_text("请阅读并勾选承诺后再提交。")).to_be_visible()
            expect(phone.get_by_label("现居住地址")).to_have_value("香洲区年审路8号")  # nothing typed is lost
            phone.get_by_label("本人承诺以上申报内容真实").check()
            phone.get_by_role("button", name="提交申报").click()
            expect(phone.get_by_role("alert").first).to_contain_text("年度复核信息已提交（第1版）")
            _shot(phone, "02_portal_declared")
        finally:
            context.close()

        # --- 3. 变更标准 needs an amount (the opinion is kept); then 600 元 from 1 January --------------
        review = reviews[changed.pk]
        page.goto(f"{base}{review.get_absolute_url()}")
        expect(page.get_by_test_id("declaration-panel")).to_contain_text("香洲区年审路8号")
        page.get_by_label("年审结论").select_option(label="变更标准")
        page.get_by_label("审核意见").fill("家庭收入增加，补贴标准下调")
        _submit(page, "提交")
        expect(page.locator("main")).to_contain_text("变更标准须填写新的月租金或月补贴金额。")
        expect(page.get_by_label("审核意见")).to_have_value("家庭收入增加，补贴标准下调")
        assert AnnualReview.objects.get(pk=review.pk).state == AnnualReviewState.PENDING
        _decide(page, base, review, "变更标准", "家庭收入增加，补贴标准下调", subsidy="600.00")
        expect(page.get_by_test_id("decision")).to_have_text("变更标准")
        expect(page.locator("main")).to_contain_text("600.00 元/月")
        expect(page.locator("main")).to_contain_text("2027-01-01")
        _shot(page, "03_changed_standard")
        _decide(page, base, reviews[continued.pk], "继续保障", "家庭情况无变化")

        # December is paid at the old standard: the change starts next month.
        _subsidy_run(page, base, "2026-12")
        expect(_due_row(page, base, "2026-12", "吴变更")).to_contain_text("900.00")

    with _on("2027-01-02"):
        # --- 4. The daily check after the deadline: 李市民 missed it, suspended from January -----------
        assert annual_review_mark_overdue_daily()["overdue"] == 1
        office_login(page, base, officer)
        missed_review = reviews[missed.pk]
        page.goto(f"{base}{missed_review.get_absolute_url()}")
        expect(page.get_by_test_id("state")).to_have_text("逾期未审")
        expect(page.get_by_role("alert").first).to_contain_text("补贴自2027年1月起暂停发放，暂停期间不补发")
        _shot(page, "04_overdue")

        # --- 5. January: the new standard, the continued family, the missed one not paid, with why -----
        _subsidy_run(page, base, "2027-01")
        expect(_due_row(page, base, "2027-01", "周继续")).to_contain_text("1000.00")
        changed_row = _due_row(page, base, "2027-01", "吴变更")
        expect(changed_row).to_contain_text("600.00")
        expect(changed_row).to_contain_text("900.00")  # 原标准金额 stays on the row: the change is visible
        row = _due_row(page, base, "2027-01", "李市民")
        expect(row).to_contain_text("已取消")
        expect(row).to_contain_text("逾期未参加年审")
        expect(page.locator("#subsidy-runs")).to_contain_text("2027-01 · 廉租住房")
        _shot(page, "05_january")
        _client, context, phone = _signed_in_page(browser, live_server, citizen)
        try:
            phone.goto(f"{base}/subsidies/")
            card = phone.get_by_role("region", name="2027年1月")
            expect(card.get_by_test_id("state")).to_have_text("不予发放")
            expect(card.get_by_test_id("reason")).to_contain_text("逾期未参加年审，本月补贴暂停发放")
            _shot(phone, "06_portal_suspended")
        finally:
            context.close()

    with _on("2027-02-10"):
        # --- 6. 李市民 comes late: 继续保障 resumes in March; January and February are not paid back -----
        office_login(page, base, officer)
        _decide(page, base, missed_review, "继续保障", "逾期后补审，家庭情况无变化")
        expect(page.get_by_role("alert").filter(has_text="已作出年审结论")).to_contain_text(
            "自2027年3月起恢复"
        )
        _subsidy_run(page, base, "2027-02")
        expect(_due_row(page, base, "2027-02", "李市民")).to_contain_text("已取消")
        _subsidy_run(page, base, "2027-03")
        expect(_due_row(page, base, "2027-03", "李市民")).to_contain_text("800.00")
        expect(_due_row(page, base, "2027-03", "吴变更")).to_contain_text("600.00")
        _shot(page, "07_march")

    # To the cent: four months for three families, the missed months never paid back.
    payable = SubsidyDue.objects.exclude(state=SubsidyDueState.CANCELLED)
    by_family = {
        name: sum((d.amount for d in payable if d.registry_entry.applicant_name == name), Decimal("0"))
        for name in ("周继续", "吴变更", "李市民")
    }
    assert by_family == {
        "周继续": Decimal("4000.00"),  # Dec, Jan, Feb, Mar at 1000
        "吴变更": Decimal("2700.00"),  # Dec at 900, then three months at 600
        "李市民": Decimal("1600.00"),  # Dec and Mar at 800; Jan and Feb suspended
    }
    assert SubsidyDue.objects.filter(registry_entry=missed, state=SubsidyDueState.CANCELLED).count() == 2
