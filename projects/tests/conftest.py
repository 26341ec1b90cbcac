"""Personas and data of the construction tests."""

from __future__ import annotations

import pytest

from conftest import DISTRICT_A, DISTRICT_B

from .factories import make_building, make_project


@pytest.fixture
def project_officer(make_staff):
    """项目 staff of district A (香洲区)."""
    return make_staff("project_officer", [("project_officer", DISTRICT_A)], is_staff=True)


@pytest.fixture
def other_project_officer(make_staff):
    return make_staff("other_project_officer", [("project_officer", DISTRICT_B)], is_staff=True)


@pytest.fixture
def project(regions):
    return make_project(region_code=DISTRICT_A)


@pytest.fixture
def other_project(regions):
    return make_project(region_code=DISTRICT_B, number="XM-B-0001")


@pytest.fixture
def building(project):
    """A 3-floor × 4-unit building, not yet handed over."""
    return make_building(project=project, floors=3, per_floor=4)
