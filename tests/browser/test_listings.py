"""房源展示 on a phone (issue 6 part 7): list → project → public 楼盘表, no occupant anywhere, and the
vendored axe-core check finds no serious or critical violation on each page (part 8)."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from conftest import DISTRICT_A, DISTRICT_B
from projects.models import Building, UnitState
from projects.services.photos import project_photo_add
from projects.tests.factories import make_building, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).resolve().parents[2] / "static/vendor/axe-core/axe.min.js").read_text()
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
OCCUPANT = "欧阳住户"
SHOTS = Path("/tmp/shots")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _png(colour) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def listings(regions, settings):
    settings.MAP_TILE_URL = ""  # an intranet without a tile server: the page must stay readable
    project = make_project(region_code=DISTRICT_A, name="香洲安居苑", address="珠海市香洲区演示路1号")
    building = make_building(project=project, floors=4, per_floor=3, state=UnitState.DELIVERED)
    Building.objects.filter(pk=building.pk).update(is_handed_over=True)
    building.units.update(rooms=2, rent_standard=Decimal("12.50"))
    building.units.filter(start_floor=1).update(state=UnitState.OCCUPIED, occupant_name=OCCUPANT)
    for order, colour in enumerate(((13, 94, 168), (39, 128, 90))):
        project_photo_add(
            project=project,
            actor=None,
            upload=SimpleUploadedFile(f"p{order}.png", _png(colour)),
            caption=f"香洲安居苑照片{order + 1}",
            order=order,
        )
    other = make_project(
        region_code=DISTRICT_B,
        name="斗门人才公寓",
        latitude=Decimal("22.210000"),
        longitude=Decimal("113.290000"),
    )
    other_building = make_building(project=other, floors=2, per_floor=2, state=UnitState.DELIVERED)
    Building.objects.filter(pk=other_building.pk).update(is_handed_over=True)
    return project, building


def _axe(page) -> list[str]:
    page.add_script_tag(content=AXE)
    return page.evaluate(RUN_AXE)


def test_citizen_browses_listings_to_a_building_table_on_a_phone(phone_page, live_server, listings):
    project, building = listings
    page = phone_page
    violations = {}

    page.goto(f"{live_server.url}/listings/")
    expect(page.get_by_role("heading", name="保障房源", level=1)).to_be_visible()
    # The map draws both projects on a plain background (no tiles configured) …
    expect(page.locator("#listing-map")).to_be_visible()
    expect(page.locator("#listing-map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator("#listing-map img.leaflet-tile")).to_have_count(0)
    # … and the list carries everything: both cards, with photo, unit types, rent and availability.
    expect(page.locator("article.card")).to_have_count(2)
    card = page.locator("article.card", has=page.get_by_role("link", name="香洲安居苑"))
    expect(card).to_contain_text("2 室 × 12")
    expect(card).to_contain_text("12.50 元/㎡·月")
    expect(card).to_contain_text("9 / 12")
    thumb = card.locator("img")
    expect(thumb).to_have_attribute("alt", "香洲安居苑的照片")
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    # No horizontal scrolling at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(page, "listings_phone")
    violations["/listings/"] = _axe(page)

    # Filter by district with the keyboard: the other district's project leaves the list.
    page.get_by_label("区县").select_option(label="斗门区")
    page.get_by_role("button", name="筛选").press("Enter")
    expect(page.locator("article.card")).to_have_count(1)
    expect(page.locator("article.card")).to_contain_text("斗门人才公寓")
    page.get_by_role("link", name="清除筛选").click()
    expect(page.locator("article.card")).to_have_count(2)

    page.get_by_role("link", name="香洲安居苑").first.click()
    expect(page).to_have_url(f"{live_server.url}/listings/projects/{project.pk}/")
    expect(page.get_by_role("heading", name="香洲安居苑", level=1)).to_be_visible()
    expect(page.locator(".listing-gallery img")).to_have_count(2)
    expect(page.get_by_role("img", name="香洲安居苑照片1")).to_be_visible()
    expect(page.get_by_text("珠海市香洲区演示路1号")).to_be_visible()
    expect(page.locator("#listing-map path.leaflet-interactive")).to_have_count(1)
    types = page.get_by_role("table").first
    expect(types).to_contain_text("2 室")
    expect(types).to_contain_text("月租金约 750.00 元")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(page, "listings_project_phone")
    violations["project"] = _axe(page)

    page.get_by_role("link", name=f"查看{building.name}楼盘表").click()
    expect(page).to_have_url(f"{live_server.url}/listings/buildings/{building.pk}/")
    expect(page.get_by_text("房屋楼盘表")).to_be_visible()
    expect(page.locator(".bt-grid .bt-cell[data-state='occupied']")).to_have_count(3)
    expect(page.locator(".bt-grid .bt-cell[data-state='delivered']")).to_have_count(9)
    expect(page.locator(".bt-grid a")).to_have_count(0)  # no link into the back office
    _shot(page, "listings_building_phone")
    violations["building"] = _axe(page)
    page.locator(".bt-filter a[data-filter='occupied']").click()  # htmx: only the table is replaced
    expect(page).to_have_url(re.compile(r"state=occupied"))
    expect(page.locator(".bt-grid .bt-cell.bt-dim")).to_have_count(9)
    violations["building filtered"] = _axe(page)
    page.get_by_role("link", name="香洲安居苑").click()
    expect(page).to_have_url(f"{live_server.url}/listings/projects/{project.pk}/")

    for url in ("/listings/", f"/listings/projects/{project.pk}/", f"/listings/buildings/{building.pk}/"):
        page.goto(f"{live_server.url}{url}")
        assert OCCUPANT not in page.content(), url
    assert not {k: v for k, v in violations.items() if v}


def test_map_falls_back_to_a_plain_background_when_tiles_fail(phone_page, live_server, listings, settings):
    settings.MAP_TILE_URL = f"{live_server.url}/no-such-tiles/{{z}}/{{x}}/{{y}}.png"
    page = phone_page
    page.goto(f"{live_server.url}/listings/")
    expect(page.locator("#listing-map-note")).to_be_visible()
    expect(page.locator("#listing-map")).to_have_class(re.compile(r"listing-map-plain"))
    expect(page.locator("#listing-map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator("article.card")).to_have_count(2)
