"""统计周期: a period is written ``2026-11`` (月), ``2026-Q4`` (季) or ``2026`` (年)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import PeriodKind

_PATTERNS = {
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    label: str
    start: datetime.date  # first day
    end: datetime.date  # last day

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - datetime.timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.end + datetime.timedelta(days=1))


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def period_parse(kind: str, label: str) -> Period:
    """The period ``label`` of ``kind``; a ValidationError in Chinese for anything else."""
    if kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("周期类型应为月、季或年。")})
    match = _PATTERNS[kind].match((label or "").strip())
    examples = {PeriodKind.MONTH: "2026-11", PeriodKind.QUARTER: "2026-Q4", PeriodKind.YEAR: "2026"}
    if not match:
        raise ValidationError({"period": _("统计周期格式应为 %(example)s。") % {"example": examples[kind]}})
    year = int(match.group(1))
    if not 1990 <= year <= 2100:
        raise ValidationError({"period": _("统计周期的年份不合理。")})
    if kind == PeriodKind.MONTH:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError({"period": _("月份应在 01 至 12 之间。")})
        return Period(kind, f"{year}-{month:02d}", datetime.date(year, month, 1), _month_end(year, month))
    if kind == PeriodKind.QUARTER:
        quarter = int(match.group(2))
        first = 3 * (quarter - 1) + 1
        return Period(kind, f"{year}-Q{quarter}", datetime.date(year, first, 1), _month_end(year, first + 2))
    return Period(kind, str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def period_containing(kind: str, day: datetime.date) -> Period:
    if kind == PeriodKind.MONTH:
        return period_parse(kind, f"{day.year}-{day.month:02d}")
    if kind == PeriodKind.QUARTER:
        return period_parse(kind, f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return period_parse(kind, str(day.year))
