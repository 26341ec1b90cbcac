"""Accessibility of 我的补贴 on a phone: the month list (a held month with its published reason, a paid one)
and the 提出异议 page, at 375×812: no serious or critical axe-core violation, nothing scrolls sideways."""

from __future__ import annotations

import datetime

import pytest

from allocation.contracts.tests.conftest import _rules, family, reviewers  # noqa: F401
from allocation.subsidies.models import SubsidyDue
from allocation.subsidies.services import subsidy_due_run
from allocation.subsidies.tests.conftest import agreement, mirror  # noqa: F401
from tests.browser.test_portal_accessibility_applicant import _check, _report, _signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_subsidies_and_the_objection_page_are_accessible_at_375_px(
    browser,
    live_server,
    agreement,  # noqa: F811
    family,  # noqa: F811
    mirror,  # noqa: F811
    citizen,
    settings,
    tmp_path,  # noqa: F811
):
    settings.MEDIA_ROOT = str(tmp_path)
    entry = family("lianzu", "rent_subsidy", name="李市民")
    type(entry).objects.filter(pk=entry.pk).update(id_number_digest=citizen.id_number_digest)
    entry = type(entry).objects.get(pk=entry.pk)
    agreement("1000.00", start=datetime.date(2026, 1, 1), entry=entry)
    subsidy_due_run(period="2026-01", project_code="lianzu", actor=None)
    mirror(entry, "real_estate", certificate_number="X", address="某处", floor_area="50")
    subsidy_due_run(period="2026-02", project_code="lianzu", actor=None)
    _client, context, page = _signed_in_page(browser, live_server, citizen)
    found: dict = {}
    try:
        page.goto(f"{live_server.url}/subsidies/")
        assert page.get_by_text("本市不动产登记中发现住房，待核实").is_visible()
        _check(page, found, "我的补贴")
        number = SubsidyDue.objects.get(period="2026-02").number
        page.goto(f"{live_server.url}/subsidies/{number}/objection/")
        page.get_by_label("异议内容").fill("短")
        page.get_by_role("button", name="提交异议").click()
        assert page.get_by_text("至少 5 个字").is_visible()
        _check(page, found, "提出异议（有错误提示）")
        page.get_by_label("异议内容").fill("该房产已出售，请核实后发放。")
        page.get_by_role("button", name="提交异议").click()
        assert page.get_by_text("待处理").first.is_visible()
        _check(page, found, "提出异议（已提交）")
    finally:
        context.close()
    assert not found, _report(found)
