"""Accessibility of 年度复核申报 on a phone: the form reached from the 「我的」 card, and the form sent with errors. At
375×812 axe-core (vendored) finds no serious or critical violation and nothing scrolls sideways; the errors
stand beside their fields and what was typed is still there."""

from __future__ import annotations

import pytest

from allocation.annual_review.models import AnnualReview
from allocation.annual_review.services import annual_review_run
from allocation.annual_review.tests.conftest import guaranteed  # noqa: F401  (fixture)
from allocation.contracts.tests.conftest import _rules, family, reviewers  # noqa: F401  (fixtures)
from housing.accounts.services import applicant_register
from tests.browser.test_portal_accessibility_applicant import _check, _report, _signed_in_page
from tests.browser.test_portal_journey import policies  # noqa: F401  (a fixture, used through pytestmark)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("policies"),
]


def test_annual_review_declaration_is_accessible_at_375_px(browser, live_server, guaranteed):  # noqa: F811
    entry = guaranteed()
    annual_review_run(year=2026, region_code="440400000000", actor=None)
    review = AnnualReview.objects.get(registry_entry=entry)
    user = applicant_register(
        phone="13900000031", id_number=entry.family.id_number, real_name=entry.applicant_name,
        password="Test@Pass1",
    )  # fmt: skip
    _client, context, page = _signed_in_page(browser, live_server, user)
    found: dict = {}
    try:
        page.goto(f"{live_server.url}/portal/me/")
        assert page.get_by_text("年度复核：请更新家庭信息").is_visible()
        # 「我的」 itself is not checked here: its 查看我的消息 button (not this part's) fails axe's contrast rule.
        page.get_by_role("link", name="去填写").click()
        page.wait_for_url(f"**/annual-review/{review.pk}/declare/")
        _check(page, found, "申报表")
        page.get_by_label("现居住地址").fill("香洲区无障碍路1号")
        page.get_by_label("新增成员身份证号码").fill("440402202003010020")
        page.get_by_role("button", name="提交申报").click()
        page.wait_for_load_state()
        assert page.get_by_text("请阅读并勾选承诺后再提交。").is_visible()
        assert page.get_by_label("现居住地址").input_value() == "香洲区无障碍路1号"
        _check(page, found, "申报表（有错误）")
    finally:
        context.close()
    assert not found, _report(found)
