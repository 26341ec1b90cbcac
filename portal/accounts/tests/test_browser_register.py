"""In Chromium on a phone-sized screen: 获取验证码 by htmx, the countdown, then registration with the code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number

from .helpers import last_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _orm_beside_playwright():
    """As tests/browser/conftest.py: Playwright's event loop runs in the test thread. Module-scoped, so
    it outlives the database flush at the end of the test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def test_applicant_gets_a_code_sees_the_countdown_and_registers(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/portal/register/")
        page.get_by_label("手机号码").fill("13512345678")
        page.get_by_role("button", name="获取验证码").click()

        expect(page.locator("#sms-send-status")).to_contain_text("验证码已发送，请查收短信。")
        button = page.locator("#sms-send-button")
        expect(button).to_be_disabled()
        expect(button).to_have_text(re.compile(r"重新获取验证码（\d+秒）"))
        expect(page.get_by_label("手机号码")).to_have_value("13512345678")  # htmx swapped only the block

        page.get_by_label("短信验证码").fill(last_sms_code("13512345678"))
        page.get_by_label("姓名").fill("陈大文")
        page.get_by_label("身份证号码").fill(demo_id_number("44040219900215123"))
        page.get_by_label(re.compile(r"^密码")).fill(PASSWORD)
        page.get_by_label("确认密码").fill(PASSWORD)
        page.get_by_label("我承诺以上信息真实").check()
        page.get_by_role("button", name="注册", exact=True).click()

        expect(page).to_have_url(f"{live_server.url}/portal/me/")
        expect(page.get_by_role("alert")).to_contain_text("注册成功")
    finally:
        context.close()
