"""Issue 3's browser check: an administrator changes the 廉租 income limit from a future date, and
试算 shows the old result before that date and the new one after it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear
from tests.browser.conftest import office_login

SHOTS = Path("/tmp/shots")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    """A Chinese browser, as the city's staff use (date pickers read 年/月/日)."""
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def seeded_rules(regions):
    rules_cache_clear()
    rules = rules_seed_defaults()
    yield rules
    rules_cache_clear()


def _log_in(page, live_server, user) -> None:
    office_login(page, live_server.url, user)


def _raise_income_limit(page) -> None:
    """Open the first condition still at 1,549 元 and raise it to 1,800 元."""
    page.get_by_role("tab", name="条件", exact=True).click()
    row = page.locator("li", has_text="家庭人均月收入低于1,549元").first
    row.get_by_role("link", name="修改").click()
    expect(page.get_by_role("heading", name="修改定量条件")).to_be_visible()
    page.locator("#id_name").fill("家庭人均月收入低于1,800元")
    page.get_by_label("条件终止值").fill("1800")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("定量条件已保存")


def test_administrator_changes_the_income_limit_from_a_future_date(
    page, live_server, city_admin, seeded_rules
):
    today = datetime.date.today()
    takes_effect = today + datetime.timedelta(days=30)
    before, after = today + datetime.timedelta(days=10), today + datetime.timedelta(days=60)

    _log_in(page, live_server, city_admin)
    page.get_by_role("link", name="规则模版").first.click()
    expect(page.get_by_role("heading", name="规则模版")).to_be_visible()
    _shot(page, "rules_list")
    page.get_by_role("link", name="廉租住房保障规则").click()
    expect(page.locator("#ruleset-state")).to_have_text("已启用")

    # An active version is never edited: "修改" copies it into a new draft.
    page.get_by_role("button", name="修改（复制为新草稿）").click()
    expect(page.get_by_role("alert").first).to_contain_text("草稿第2版")
    expect(page.locator("#ruleset-state")).to_have_text("草稿")

    # Both modes of 廉租 (实物配租 and 租赁补贴) carry the income condition.
    _raise_income_limit(page)
    _raise_income_limit(page)
    page.get_by_role("tab", name="条件", exact=True).click()
    expect(page.get_by_text("家庭人均月收入 ＜ 1,800 元（不含 1,800 元）").first).to_be_visible()
    expect(page.get_by_text("1,549 元")).to_have_count(0)
    _shot(page, "rules_draft_conditions")

    page.get_by_role("link", name="启用", exact=True).click()
    page.get_by_label("生效日期").fill(takes_effect.isoformat())
    page.get_by_label("政策文件名称").fill("关于调整廉租住房保障收入标准的通知")
    page.get_by_label("政策文件文号").fill("珠建保〔2025〕8号")
    _shot(page, "rules_activate_form")
    page.get_by_role("button", name="启用", exact=True).click()
    expect(page.locator("#ruleset-state")).to_have_text("已启用")
    expect(page.locator("#ruleset-effective-from")).to_have_text(takes_effect.isoformat())
    _shot(page, "rules_detail_active")

    # 比较: the difference from the version it was copied from, side by side.
    page.get_by_role("link", name="比较", exact=True).click()
    diff = page.locator("#diff-table")
    expect(diff).to_contain_text("条件终止值")
    expect(diff.locator("del", has_text="1,549").first).to_be_visible()
    expect(diff.locator("ins", has_text="1,800").first).to_be_visible()
    _shot(page, "rules_diff")
    page.get_by_role("link", name="返回").click()

    # 试算: the same family on a date before and a date after the new version takes effect.
    page.get_by_role("link", name="试算", exact=True).click()
    page.get_by_label("按试算日期适用的已启用版本").check()
    page.get_by_label("保障项目").select_option(label="廉租住房")
    page.get_by_label("保障方式").select_option(label="租赁补贴")
    page.get_by_role("button", name="填入示例家庭").click()
    expect(page.get_by_label("家庭人均月收入（元）")).to_have_value("1000")
    page.get_by_label("家庭人均月收入（元）").fill("1700")
    page.get_by_role("textbox", name="试算日期").fill(before.isoformat())
    page.get_by_label("对比日期").fill(after.isoformat())
    page.get_by_role("button", name="试算", exact=True).click()

    results = page.locator(".trial-result")
    expect(results).to_have_count(2)
    old, new = results.nth(0), results.nth(1)
    expect(old.locator(".trial-eligibility")).to_have_text("不符合条件")
    expect(old.locator(".trial-version")).to_contain_text("第1版")
    expect(old).to_contain_text("家庭人均月收入 1,700 元，超过 1,549 元的标准")
    expect(new.locator(".trial-eligibility")).to_have_text("符合条件")
    expect(new.locator(".trial-version")).to_contain_text("第2版")
    expect(new.locator(".trial-version")).to_contain_text("珠建保〔2025〕8号")
    expect(new).to_contain_text("低于 1,800 元的标准")
    _shot(page, "rules_trial_two_dates")
