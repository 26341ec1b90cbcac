"""Casework fixtures: rules in force, applications moved along by the real services, a photo."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from admission.applications import application_create, application_transition
from admission.models import ApplicationState
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

from ..factories import make_family

S = ApplicationState
COMMUNITY_A1 = "440402001001"  # 翠香街道
COMMUNITY_A2 = "440402002001"  # 梅华街道
COMMUNITY_B = "440403001001"  # 斗门区

PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.STREET_REVIEW: ["submit", "accept"],
    S.STREET_PUBLICITY: ["submit", "accept", "street_approve"],
    S.DISTRICT_REVIEW: ["submit", "accept", "street_approve", "street_publicity_close"],
}


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def make_application(superuser):
    """An application of a new family, moved to ``state`` by the superuser through the services."""

    def make(region_code: str = COMMUNITY_A1, state: str = S.DRAFT, *, name: str = "陈翠香", **family):
        app = application_create(
            family=make_family(actor=superuser, region_code=region_code, name=name, members=1, **family),
            project_code="lianzu",
            mode_code="rent_subsidy",
            actor=superuser,
        )
        for transition in PATHS[state]:
            app = application_transition(application=app, actor=superuser, name=transition, opinion="同意。")
        return app

    return make


def png_bytes(colour: str = "green") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    return SimpleUploadedFile("厨房.png", png_bytes(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
