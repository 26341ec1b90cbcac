"""Facts about 12-digit statistical division codes (统计用区划代码).

A code is 2 digits province, 2 city, 2 county/district, 3 street/town, 3 community/village.
The scope of a region is the prefix that its descendants share: "my data" is
``region_code__startswith=prefix`` (DESIGN §4 rule 2).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_RE = re.compile(r"^\d{12}$")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    DISTRICT = 3, _("区县")
    STREET = 4, _("街道")
    COMMUNITY = 5, _("社区")


# Significant digits of each level's prefix.
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12}


def validate_code(code: str) -> None:
    if not CODE_RE.match(code or ""):
        raise ValidationError(_("区划代码应为12位数字。"), code="invalid_region_code")
    if code[:2] == "00":
        raise ValidationError(_("区划代码的省级部分不能为00。"), code="invalid_region_code")


def level_of(code: str) -> Level:
    """The level a code denotes, read from its trailing zero groups."""
    validate_code(code)
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.DISTRICT
    if code[9:] == "000":
        return Level.STREET
    return Level.COMMUNITY


def scope_prefix(code: str) -> str:
    """The prefix shared by a region and everything under it."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.PROVINCE:
        return None
    keep = PREFIX_LENGTH[Level(level - 1)]
    return code[:keep].ljust(12, "0")


def minimal_prefixes(prefixes: set[str] | list[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one, so a scope filter has few terms."""
    result: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(kept) for kept in result):
            result.append(prefix)
    return sorted(result)
