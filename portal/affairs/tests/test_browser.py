"""On a phone (375 px, headless Chromium): a supplement request appears in 我的办事 → upload → the progress
shows the next stage. The pages fit the screen without sideways scrolling."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from .conftest import register, step, to_district_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
PHONE_VIEWPORT = {"width": 375, "height": 812}


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread (as in tests/browser/conftest.py); set
    once a browser test of this module runs, until the session ends (the database flush comes last)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def phone(browser, live_server, citizen):
    """A phone-sized page already signed in as the citizen (session cookie from Django's test client)."""
    client = Client()
    client.force_login(citizen)
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    yield page
    context.close()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"], f"page is {width}px wide"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_supplement_request_is_answered_from_a_phone(phone, live_server, my_case, reviewers, tmp_path):
    step(
        to_district_review(my_case, reviewers),
        reviewers["district"],
        "request_supplement",
        opinion="材料不全。",
        supplement_items="1. 近6个月收入证明\n2. 户口簿首页",
    )
    scan = tmp_path / "income.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, format="PNG")
    scan.write_bytes(buffer.getvalue())

    page = phone
    page.goto(f"{live_server.url}/affairs/")
    expect(page.get_by_role("heading", name="我的办事")).to_be_visible()
    expect(page.get_by_text("需要您处理：请补交材料")).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_test_id("affair-row").first.get_by_role("link").click()

    expect(page.get_by_role("heading", name="需要您补交的材料")).to_be_visible()
    expect(page.get_by_test_id("next-step")).to_contain_text("补件后回到区级审核")
    _no_sideways_scroll(page)
    _shot(page, "affairs_returned_phone")
    page.get_by_role("link", name="上传补件材料").click()

    page.get_by_label("近6个月收入证明").set_input_files(str(scan))
    page.get_by_label("补充说明").fill("户口簿下周到窗口补交。")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="提交补件并重新提交申请").click()

    expect(page.get_by_text("补件材料已提交")).to_be_visible()
    expect(page.get_by_test_id("affair-stage")).to_have_text("区级审核中")
    expect(page.get_by_test_id("next-step")).to_contain_text("下一步：区级审核")
    expect(page.get_by_test_id("timeline")).to_contain_text("补交材料后重新提交")
    _no_sideways_scroll(page)
    _shot(page, "affairs_resubmitted_phone")


def test_a_registered_familys_detail_page_fits_a_phone(phone, live_server, my_case, reviewers):
    register(my_case, reviewers)
    page = phone
    page.goto(f"{live_server.url}/affairs/")
    page.get_by_test_id("affair-row").first.get_by_role("link").click()
    expect(page.get_by_test_id("affair-stage")).to_have_text("准予登记")
    expect(page.get_by_test_id("certificate-link")).to_be_visible()
    _no_sideways_scroll(page)
    _shot(page, "affairs_registered_phone")
