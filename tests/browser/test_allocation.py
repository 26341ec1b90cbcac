"""Browser journey of issue 7: publish a plan → freeze the entrants → draw → the results on the portal
(masked) → a selection session → a family picks a fitting unit → its contract, signed, as a PDF.

The city centre's officer does everything on the real pages; the families and the housing stock are
made by the same helpers as the unit tests (their review is not what is tested here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from admission.tests.registry.conftest import pdf_text
from allocation.contracts.models import Contract
from allocation.models import Lottery
from allocation.plans.models import AllocationPlan
from allocation.selection.models import SelectionPick
from allocation.selection.tests.conftest import make_entry, make_units
from projects.models import UnitState
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear
from tests.browser.conftest import office_login

SHOTS = Path("/tmp/shots")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ["陈翠香", "黄志明", "林美华", "张建国", "王秀英"]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"allocation-{name}.png"), full_page=True)


def _link(page, label: str) -> None:
    page.locator("main").get_by_role("link", name=label, exact=True).click()


def _submit(page, label: str) -> None:
    page.locator("main form").get_by_role("button", name=label, exact=True).click()


@pytest.fixture
def city_officer(make_staff, superuser):
    rules_cache_clear()
    rules_seed_defaults()
    families = [make_entry(superuser, name=name) for name in NAMES]
    units = make_units(count=3, rooms=1)
    yield make_staff("city", [("city_centre", "440400000000")], is_staff=True), families, units
    rules_cache_clear()


def test_a_plan_goes_from_publication_through_the_draw_and_selection_to_a_signed_contract(
    page, live_server, city_officer
):
    officer, families, units = city_officer
    base = live_server.url
    office_login(page, base, officer)

    # 1. The plan: 公租房 by lottery in 香洲区, the building's units, every waiting family invited.
    page.goto(f"{base}/office/allocation/plans/new/")
    page.get_by_label("方案名称").fill("2026年第二季度香洲区公租房摇号配租")
    page.locator("#id_region_code").select_option("440402000000")
    page.locator("#id_waitlist").select_option("gongzu:rental_in_kind")
    page.locator("#id_period_kind").select_option("quarter")
    page.locator("#id_period").fill("2026Q2")
    page.locator("#id_method").select_option("lottery")
    _submit(page, "建立")
    plan = AllocationPlan.objects.get(name="2026年第二季度香洲区公租房摇号配租")
    expect(page).to_have_url(f"{base}{plan.get_absolute_url()}")
    _link(page, "选择房源")
    for unit in units:
        page.get_by_label(f"选择 {unit.number}").check()
    page.get_by_role("button", name="添加所选").click()
    page.goto(f"{base}{plan.get_absolute_url()}")
    _link(page, "生成邀请名单")
    _submit(page, "生成")
    expect(page.get_by_role("alert").filter(has_text="邀请名单已生成：5 户")).to_be_visible()
    _link(page, "发布")
    _submit(page, "发布")
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    _shot(page, "1-plan-published")

    # 2. Its lottery: freeze the plan's families (hash published), then draw with the event seed.
    _link(page, "摇号")
    _link(page, "锁定名单")
    expect(page.get_by_text("将锁定 5 户")).to_be_visible()
    _submit(page, "锁定名单")
    expect(page.get_by_test_id("state")).to_have_text("名单已锁定")
    _link(page, "现场摇号")
    page.locator("#id_event_seed").fill("204815")
    _submit(page, "摇号")
    expect(page.get_by_test_id("state")).to_have_text("已摇号")
    lottery = Lottery.objects.get(allocation_plan=plan)

    # 3. The portal shows the result with the seed and masked names only.
    page.goto(f"{base}/lottery/{lottery.number}/")
    expect(page.get_by_text("204815")).to_be_visible()
    html = page.content()
    assert lottery.entrant_sha256 in html and "陈*香" in html
    assert not any(name in html for name in NAMES)
    _shot(page, "2-portal-results")

    # 4. A selection session in the lottery's order over the plan's units; the first family picks.
    page.goto(f"{base}{plan.get_absolute_url()}")
    page.get_by_role("button", name="按摇号结果建立选房活动").click()
    _link(page, "开始选房")
    _submit(page, "开始")
    _link(page, "选房操作台")
    page.get_by_test_id("call-next").click()
    choosing = page.get_by_test_id("choosing-family")
    expect(choosing).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    choosing.locator("form button.btn-outline-primary").first.click()
    pick = SelectionPick.objects.get(session__allocation_plan=plan)
    assert pick.unit.state == UnitState.ALLOCATED
    assert pick.registry_entry.application_number == lottery.results.get(rank=1).receipt_number
    _shot(page, "3-desk-picked")

    # 5. The pick is confirmed; its contract is drafted with that unit preselected, signed, printed.
    page.goto(f"{base}/office/allocation/selection/{pick.session_id}/")
    page.get_by_role("tab", name=re.compile("选房结果")).click()
    page.get_by_role("button", name="审核通过").click()
    page.get_by_role("tab", name=re.compile("选房结果")).click()
    _link(page, "签订合同")
    expect(page.locator("#id_unit")).to_have_value(str(pick.unit_id))
    page.locator("#id_signer_name").fill(pick.registry_entry.applicant_name)
    _submit(page, "草拟")
    _link(page, "签订")
    _submit(page, "签订")
    contract = Contract.objects.get(registry_entry=pick.registry_entry)
    expect(page.get_by_text(contract.number).first).to_be_visible()
    _shot(page, "4-contract-signed")
    response = page.context.request.get(f"{base}/office/allocation/contracts/{contract.pk}/pdf/")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert contract.number in text and "公共租赁住房" in text
    plan.refresh_from_db()
    assert plan.families.get(registry_entry=pick.registry_entry).status == "allocated"
