"""Browser tests: Playwright's sync API against Django's live server, a screenshot when a test fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread; Django's ORM would otherwise
    refuse the fixtures' queries as "called from an async context". Set only once a browser test
    runs (not at import), and never passed to subprocesses such as ``check --deploy``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


RESULTS_DIR = Path(__file__).resolve().parent.parent.parent / "test-results"
PHONE_VIEWPORT = {"width": 375, "height": 812}


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _save_failure_screenshot(request, page, label: str) -> None:
    """Called from the page fixtures' teardown, while the page is still open."""
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed or page.is_closed():
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    page.screenshot(path=str(RESULTS_DIR / f"{name}-{label}.png"), full_page=True)


@pytest.fixture
def page(page, request):
    """pytest-playwright's page, plus a screenshot in test-results/ when the test failed."""
    yield page
    _save_failure_screenshot(request, page, "page")


@pytest.fixture
def phone_page(browser, live_server, request):
    """A page in a phone-sized context (375×812, touch), as a citizen on a mobile browser sees it."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    yield page
    _save_failure_screenshot(request, page, "phone")
    context.close()


def office_login(page, base: str, user) -> None:
    """Sign in to the back office on the real login page (the test users share conftest's PASSWORD)."""
    from playwright.sync_api import expect

    from conftest import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label(re.compile(r"^密码")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/office/")


def travel_to(day: str):
    """time-machine to 09:00 Beijing time on ``day`` ("YYYY-MM-DD"), ticking on from there so the live
    server and the browser's waits keep running; use as a context manager."""
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    moment = datetime.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=True)


SHOTS_DIR = Path("/tmp/shots")


def save_shot(page, name: str) -> None:
    """A full-page screenshot in /tmp/shots, for the walkthrough of a journey (looked at, not compared)."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS_DIR / f"{name}.png"), full_page=True)


def submit_main_form(page, label: str) -> None:
    """Press the page's own form button (not the header's search or logout)."""
    page.locator("main form").get_by_role("button", name=label, exact=True).click()
