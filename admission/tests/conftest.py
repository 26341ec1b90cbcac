from __future__ import annotations

import pytest

from .factories import make_family

COMMUNITY_A1 = "440402001001"  # 翠香第一社区
COMMUNITY_A2 = "440402002001"  # 梅华第一社区
COMMUNITY_B = "440403001001"  # 白藤第一社区（斗门区）


@pytest.fixture
def filer(superuser):
    """Files the test families: the superuser's scope is the whole tree."""
    return superuser


@pytest.fixture
def family_a1(filer):
    return make_family(actor=filer, region_code=COMMUNITY_A1, name="陈翠香", members=1)


@pytest.fixture
def family_a2(filer):
    return make_family(actor=filer, region_code=COMMUNITY_A2, name="黄梅华", members=1)


@pytest.fixture
def family_b(filer):
    return make_family(actor=filer, region_code=COMMUNITY_B, name="梁白藤", members=1)


@pytest.fixture
def families(family_a1, family_a2, family_b):
    return {"a1": family_a1, "a2": family_a2, "b": family_b}
