"""Cases driven through the real lifecycle to 准予登记 / 不予登记 by three different reviewers."""

from __future__ import annotations

import subprocess
import tempfile

import pytest

from admission.applications import application_create, application_transition
from admission.models import ApplicationState
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

from ..factories import make_family

S = ApplicationState
COMMUNITY_A1 = "440402001001"  # 翠香第一社区
COMMUNITY_A2 = "440402002001"  # 梅华第一社区（另一街道）
COMMUNITY_B = "440403001001"  # 白藤第一社区（斗门区）

TO_DISTRICT_REVIEW = ("submit", "accept", "street_approve", "street_publicity_close")


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def reviewers(street_caseworker, district_reviewer, city_admin):
    return {"street": street_caseworker, "district": district_reviewer, "city": city_admin}


def step(application, actor, name, opinion="同意。", **kwargs):
    return application_transition(application=application, actor=actor, name=name, opinion=opinion, **kwargs)


def new_case(
    filer, *, name="陈翠香", region_code=COMMUNITY_A1, project="gongzu", mode="rental_in_kind", **family
):
    family = make_family(actor=filer, region_code=region_code, name=name, members=1, **family)
    return application_create(family=family, project_code=project, mode_code=mode, actor=filer)


def to_city_publicity(application, reviewers):
    for name in TO_DISTRICT_REVIEW:
        application = step(application, reviewers["street"], name)
    for name in ("district_approve", "district_publicity_close"):
        application = step(application, reviewers["district"], name)
    return step(application, reviewers["city"], "city_approve")


def register(application, reviewers):
    """Through all three levels; the last step (市级公示期满，准予登记) by the city reviewer."""
    return step(to_city_publicity(application, reviewers), reviewers["city"], "city_publicity_close")


def refuse_at_district(application, reviewers, *, reason="income_over_limit", text="家庭人均收入超过标准。"):
    for name in TO_DISTRICT_REVIEW:
        application = step(application, reviewers["street"], name)
    return step(application, reviewers["district"], "refuse", text, refusal_reason=reason)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext extracts it (missing CJK glyphs would lose the Chinese),
    without whitespace: the title is letter-spaced and long lines wrap."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return "".join(text.split())
