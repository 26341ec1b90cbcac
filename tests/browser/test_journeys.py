"""End-to-end journeys of issue 2 in headless Chromium: a caseworker's inbox, an applicant on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number
from portal.accounts.tests.helpers import last_sms_code

# Final states are saved here for a person to look at; outside the repository on purpose.
SHOTS = Path("/tmp/shots")

# "密码" but not "确认密码"; a required field's label ends with an asterisk.
PASSWORD_LABEL = re.compile(r"^密码")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _assert_no_sideways_scroll(page) -> None:
    """Usable at 375px: nothing forces the reader to scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_street_caseworker_logs_in_and_sees_the_task_inbox(page, live_server, street_caseworker):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("用户名").fill(street_caseworker.username)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(f"{live_server.url}/office/")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.get_by_text("翠香街道").first).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    expect(page).to_have_title("首页 - 住房保障信息系统")
    _shot(page, "caseworker_home")


def test_applicant_registers_logs_out_and_logs_in_again_on_a_phone(phone_page, live_server):
    page = phone_page
    id_number = demo_id_number("44040219900215123")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="住房保障服务平台", level=1)).to_be_visible()
    _assert_no_sideways_scroll(page)
    _shot(page, "portal_home_phone")

    page.get_by_role("link", name="注册账号").click()
    expect(page).to_have_url(f"{live_server.url}/portal/register/")
    page.get_by_label("手机号码").fill("13512345678")
    page.get_by_label("姓名").fill("陈大文")
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    # A first attempt without consent: the message appears beside the checkbox, the values stay.
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_text("请勾选同意后再注册。")).to_be_visible()
    expect(page.get_by_label("手机号码")).to_have_value("13512345678")
    _assert_no_sideways_scroll(page)
    _shot(page, "portal_register_error_phone")

    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("我承诺以上信息真实").check()
    # The phone is proved by the code the SMS brings (read here from the notify outbox).
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    page.get_by_label("短信验证码").fill(last_sms_code("13512345678"))
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/portal/me/")
    expect(page.get_by_role("alert")).to_contain_text("注册成功")
    expect(page.locator("#me-name")).to_have_text("陈*文")
    expect(page.locator("#me-phone")).to_have_text("135****5678")
    expect(page.get_by_text("暂无申请")).to_be_visible()
    _assert_no_sideways_scroll(page)
    _shot(page, "portal_me_after_register_phone")

    # On a phone the menu is folded behind the toggler, as a citizen would find it.
    page.get_by_role("button", name="打开菜单").click()
    logout = page.get_by_role("button", name="退出登录")
    expect(logout).to_be_visible()
    expect(page.locator("#portal-nav")).not_to_have_class(re.compile("collapsing"))
    expect(page.get_by_role("link", name="我的消息", exact=True)).to_have_attribute(
        "href", "/portal/messages/"
    )
    _shot(page, "portal_menu_open_phone")
    logout.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="已有账号，登录")).to_be_visible()

    page.get_by_role("link", name="已有账号，登录").click()
    page.get_by_label("手机号码或身份证号码").fill("13512345678")
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    _shot(page, "portal_login_phone")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(f"{live_server.url}/portal/me/")
    expect(page.get_by_role("heading", name="我的", level=1)).to_be_visible()
    expect(page.locator("#me-name")).to_have_text("陈*文")
    expect(page.get_by_text("陈大文")).to_have_count(0)
    _assert_no_sideways_scroll(page)
    _shot(page, "portal_me_phone")
