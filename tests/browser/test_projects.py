"""Browser journey of issue 5: a project officer reads a 楼盘表, filters it by state, opens a unit."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import DISTRICT_A
from projects.models import Unit, UnitState
from projects.services import handover_batch_create, unit_transition
from projects.tests.factories import make_building, make_project
from tests.browser.conftest import office_login

SHOTS = Path("/tmp/shots")
# 图3 colours (projects/static/projects/projects.css) as the browser computes them.
COLOURS = {
    UnitState.OCCUPIED: "rgb(192, 57, 43)",
    UnitState.ALLOCATED: "rgb(230, 126, 34)",
    UnitState.DELIVERED: "rgb(39, 174, 96)",
    UnitState.UNDELIVERED: "rgb(149, 165, 166)",
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def officer_and_building(make_staff):
    officer = make_staff("project_officer", [("project_officer", DISTRICT_A)], is_staff=True)
    project = make_project(region_code=DISTRICT_A, name="香洲安居苑")
    building = make_building(project=project, floors=6, per_floor=4)
    make_building(project=project, floors=2, per_floor=2)  # stays 未交付 in another building
    handover_batch_create(
        project=project,
        buildings=[building],
        number="YJ-BROWSER-1",
        handed_over_by="王移交",
        handed_over_on=datetime.date(2026, 5, 1),
        actor=officer,
    )
    units = list(building.units.order_by("start_floor", "room_number"))
    for unit in units[:5]:  # floors 1–2: allocated, then four of them move in
        unit_transition(unit=unit, transition="allocate", actor=officer)
    for unit in units[:4]:
        unit_transition(unit=unit, transition="move_in", actor=officer)
    return officer, building


def test_project_officer_reads_filters_and_opens_a_unit_of_the_building_table(
    page, live_server, officer_and_building
):
    officer, building = officer_and_building
    expected = {state: Unit.objects.filter(building=building, state=state).count() for state in COLOURS}
    assert expected == {"occupied": 4, "allocated": 1, "delivered": 19, "undelivered": 0}

    office_login(page, live_server.url, officer)
    page.get_by_role("link", name="单体工程").first.click()
    page.get_by_role("link", name=building.number).click()

    expect(page.get_by_text("房屋楼盘表")).to_be_visible()
    for state, colour in COLOURS.items():
        count_badge = page.locator(f".bt-legend .bt-count[data-state='{state}']")
        expect(count_badge).to_have_text(str(expected[state]))
        cells = page.locator(f".bt-grid .bt-cell[data-state='{state}']")
        expect(cells).to_have_count(expected[state])
        expect(page.locator(f".bt-legend .bt-swatch.bt-{state}")).to_have_css("background-color", colour)
        if expected[state]:
            expect(cells.first).to_have_css("background-color", colour)
    # Figure 3: the top floor is the first row.
    expect(page.locator(".bt-grid tbody tr").first.locator("th")).to_have_text("6")
    _shot(page, "building_table")

    page.locator(".bt-filter a[data-filter='allocated']").click()
    expect(page).to_have_url(re.compile(r"state=allocated"))
    expect(page.locator(".bt-grid .bt-cell:not(.bt-dim)")).to_have_count(1)
    expect(page.locator(".bt-grid .bt-cell.bt-dim")).to_have_count(23)
    bright = page.locator(".bt-grid .bt-cell:not(.bt-dim)")
    expect(bright).to_have_attribute("data-state", "allocated")
    _shot(page, "building_table_filtered")

    bright.click()
    expect(page.locator("#unit-state")).to_have_text("已配给")
    expect(page.locator("#unit-state")).to_have_css("background-color", COLOURS[UnitState.ALLOCATED])
    expect(page.get_by_role("button", name="登记入住")).to_be_visible()
    page.get_by_role("tab", name="历史").click()
    expect(page.locator("#pane-history")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#unit-history")).to_be_visible()
    page.wait_for_timeout(300)  # let the tab's fade finish before the screenshot
    expect(page.locator("#unit-history")).to_contain_text("已交付 → 已配给")
    expect(page.locator("#unit-history")).to_contain_text("竣工移交 YJ-BROWSER-1")
    _shot(page, "unit_detail_history")
