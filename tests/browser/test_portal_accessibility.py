"""Accessibility of the portal's main pages on a phone: axe-core (vendored, static/vendor/axe-core) finds no
serious or critical violation (issue 6 part 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.content.demo import seed_demo_content
from portal.content.models import Article
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).resolve().parents[2] / "static/vendor/axe-core/axe.min.js").read_text()
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""


@pytest.fixture
def portal_content(regions):
    rules_cache_clear()
    rules_seed_defaults()
    seed_demo_content()
    yield Article.objects.filter(state="published").order_by("pk").first()
    rules_cache_clear()


def test_the_main_portal_pages_have_no_serious_accessibility_violation_at_375_px(
    phone_page, live_server, portal_content
):
    pages = [
        "/",
        "/selfcheck/",
        "/news/policy/",
        f"/news/articles/{portal_content.pk}/",
        "/news/search/?q=租赁补贴",
        "/publicity/",
        "/lottery/",
        "/portal/login/",
        "/portal/register/",
    ]
    found = {}
    for url in pages:
        phone_page.goto(f"{live_server.url}{url}")
        phone_page.add_script_tag(content=AXE)
        violations = phone_page.evaluate(RUN_AXE)
        if violations:
            found[url] = violations
    assert not found
