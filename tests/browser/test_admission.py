"""Browser journey of issue 4: intake at the window → street review → publicity closes → district → city →
registered, with the 准予登记通知书 downloaded. Three different reviewers, the real pages throughout."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from admission.models import Application, ApplicationState
from admission.publicity.models import PublicityBatch
from admission.publicity.services import publicity_batches_close_due
from housing.accounts.demo import demo_id_number
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear
from tests.browser.conftest import office_login

SHOTS = Path("/tmp/shots")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"admission-{name}.png"), full_page=True)


def _login(page, base: str, user) -> None:
    page.context.clear_cookies()  # the journey changes hands between caseworkers
    office_login(page, base, user)


def _take(page, action: str, opinion: str) -> None:
    """One of the detail page's transition buttons, with its required opinion."""
    form = page.locator("form", has=page.get_by_role("button", name=action, exact=True))
    form.get_by_placeholder("办理意见").fill(opinion)
    form.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("alert").filter(has_text=f"已办理：{action}")).to_be_visible()


def _publish_batch(page, base: str, level: str, receipt: str) -> PublicityBatch:
    page.goto(f"{base}/office/admission/publicity/batches/new/{level}/")
    page.get_by_label("公示地点").fill("翠香街道办事处公告栏、本市住房保障服务平台")
    page.get_by_label(re.compile(receipt)).check()
    page.get_by_role("button", name=re.compile("建立|保存|新建")).click()
    page.get_by_role("button", name=re.compile("^发布")).click()
    expect(page.get_by_test_id("batch-state")).to_have_text("公示中")
    return PublicityBatch.objects.get(level=level, entries__receipt_number=receipt)


def _close_publicity(batch: PublicityBatch) -> None:
    """The hourly beat task, run on the first day after the publicity period."""
    publicity_batches_close_due(today=batch.end_date + datetime.timedelta(days=1))


@pytest.fixture
def people(make_staff):
    rules_cache_clear()
    rules_seed_defaults()
    yield {
        "street": make_staff("cuixiang", [("street_caseworker", "440402001000")], is_staff=True),
        "district": make_staff("xiangzhou", [("district_reviewer", "440402000000")], is_staff=True),
        "city": make_staff("city", [("city_centre", "440400000000")], is_staff=True),
    }
    rules_cache_clear()


def test_a_family_goes_from_the_window_to_the_registry_and_gets_its_notice(page, live_server, people):
    base = live_server.url
    _login(page, base, people["street"])
    # 窗口受理: the family and its application.
    page.goto(f"{base}/office/admission/families/new/")
    page.get_by_label("所属区划").select_option("440402001001")
    page.get_by_label("申请人姓名").fill("陈秀英")
    page.locator("#id_id_number").fill(demo_id_number("44040219900101002"))
    page.locator("#id_phone").fill("13800001111")
    page.get_by_role("button", name=re.compile("保存|建档")).click()
    expect(page.get_by_role("heading", name=re.compile("陈秀英"))).to_be_visible()
    page.get_by_role("link", name="发起申请").click()
    page.get_by_label("保障项目").select_option("gongzu")
    page.get_by_label("保障方式").select_option("rental_in_kind")
    page.get_by_role("button", name="建立申请").click()
    application = Application.objects.get(family__applicant_name="陈秀英")
    receipt = application.receipt_number
    _take(page, "提交申请", "材料齐全，窗口受理。")
    _take(page, "受理", "予以受理。")
    _take(page, "街道审核通过", "入户核实，情况属实，同意。")
    _shot(page, "1-street-approved")

    batch = _publish_batch(page, base, "street", receipt)
    _shot(page, "2-street-publicity")
    _close_publicity(batch)
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.DISTRICT_REVIEW

    _login(page, base, people["district"])
    page.goto(f"{base}{application.get_absolute_url()}")
    _take(page, "区级审核通过", "复核无误，同意。")
    _close_publicity(_publish_batch(page, base, "district", receipt))

    _login(page, base, people["city"])
    page.goto(f"{base}{application.get_absolute_url()}")
    _take(page, "市级审核通过", "终审通过。")
    _close_publicity(_publish_batch(page, base, "city", receipt))
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.REGISTERED

    page.goto(f"{base}{application.get_absolute_url()}")
    expect(page.get_by_test_id("state")).to_have_text("准予登记")
    page.get_by_role("tab", name="通知书与登记").click()
    expect(page.get_by_role("link", name="下载").first).to_be_visible()
    _shot(page, "3-registered")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载").first.click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    # Three different reviewers decided the three levels.
    application = Application.objects.get(pk=application.pk)
    reviewers = {
        application.street_reviewer_id,
        application.district_reviewer_id,
        application.city_reviewer_id,
    }
    assert reviewers == {people["street"].pk, people["district"].pk, people["city"].pk}
