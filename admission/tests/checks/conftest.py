"""Reference data and helpers for department checks: rule sets, datasets, mirror rows, families."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from admission.applications import application_create, application_transition
from admission.models import Relation
from admission.services import family_member_update
from housing.exchange.models import Dataset
from housing.exchange.services import datasets_sync, mirror_record_add
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

from ..factories import id_number, make_family

COMMUNITY_A1 = "440402001001"  # 翠香第一社区 (street_caseworker's street)
MIRROR_DATE = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _reference(regions):
    rules_cache_clear()
    rules_seed_defaults()
    datasets_sync()
    yield
    rules_cache_clear()


def mirror(number: str, code: str, values: dict, *, source_date: datetime.date = MIRROR_DATE) -> None:
    mirror_record_add(
        dataset=Dataset.objects.get(code=code),
        id_number=number,
        values=values,
        source=f"{code}-测试.xlsx",
        source_date=source_date,
    )


def applicant(family):
    return family.members.get(relation=Relation.SELF)


def low_income_family(actor, *, income="36000", floor_area="0", dibao=False, name="陈翠香", **extra):
    """A one-person 廉租 family whose applicant declares ``income`` a year."""
    number = id_number()
    data = {"total_floor_area": Decimal(floor_area), **extra}
    if dibao:
        data.update(is_subsistence_allowance_family=True, subsistence_certificate_number="珠低保字2025第1号")
    family = make_family(actor=actor, region_code=COMMUNITY_A1, name=name, id_number=number, **data)
    family_member_update(member=applicant(family), actor=actor, data={"annual_income": Decimal(income)})
    family.refresh_from_db()
    return family, number


def talent_family(actor, *, name="苏明哲", floor_area="0"):
    """A 28-year-old graduate (本科) applying for the 人才 subsidy; no mirror rows yet."""
    number = id_number(birth="19980315")
    family = make_family(
        actor=actor,
        region_code=COMMUNITY_A1,
        name=name,
        id_number=number,
        total_floor_area=Decimal(floor_area),
    )
    family_member_update(
        member=applicant(family),
        actor=actor,
        data={
            "annual_income": Decimal("96000"),
            "education": "bachelor",
            "is_introduced_talent": True,
            "employer": "珠海某科技有限公司",
        },
    )
    family.refresh_from_db()
    return family, number


def clean_talent_mirror(number: str, name: str) -> None:
    mirror(
        number,
        "hukou",
        {"name": name, "hukou_address": "珠海市香洲区翠香街道", "registered_on": "2020-07-01"},
    )
    mirror(number, "education", {"degree": "大学本科", "school": "中山大学", "graduated_on": "2020-06-30"})
    mirror(
        number,
        "talent",
        {"category": "青年优秀人才", "certified_on": "2024-07-01", "valid_until": "2029-06-30"},
    )
    mirror(
        number,
        "social_insurance",
        {"employer": "珠海某科技有限公司", "monthly_base": "8000", "months_paid": 24, "is_active": "是"},
    )


def new_application(family, actor, *, project="lianzu", mode="rent_subsidy"):
    return application_create(family=family, project_code=project, mode_code=mode, actor=actor)


def step(application, actor, name, opinion="同意。", **kwargs):
    return application_transition(application=application, actor=actor, name=name, opinion=opinion, **kwargs)
