"""Writes to the region tree: import from CSV or Excel."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .codes import level_of, parent_code, validate_code
from .models import Region


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _read_rows(*, content: bytes, filename: str) -> list[tuple[str, str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        rows = [
            tuple("" if v is None else str(v).strip() for v in row[:2])
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        text = content.decode("utf-8-sig")
        rows = [tuple(cell.strip() for cell in row[:2]) for row in csv.reader(io.StringIO(text)) if row]
    if rows and not rows[0][0].isdigit():
        rows = rows[1:]  # header row
    return [(r[0], r[1] if len(r) > 1 else "") for r in rows]


def regions_import(*, content: bytes, filename: str, is_demo: bool = False) -> RegionImportResult:
    """Import ``code,name`` rows. Any bad row rejects the whole file, with every error listed."""
    rows = _read_rows(content=content, filename=filename)
    result = RegionImportResult()
    codes_in_file = {code for code, _name in rows}
    for number, (code, name) in enumerate(rows, start=2):
        try:
            validate_code(code)
        except ValidationError:
            result.errors.append(
                _("第%(row)d行：区划代码“%(code)s”应为12位数字。") % {"row": number, "code": code}
            )
            continue
        if not name:
            result.errors.append(_("第%(row)d行：区划名称不能为空。") % {"row": number})
        parent = parent_code(code)
        if parent and parent not in codes_in_file and not Region.objects.filter(code=parent).exists():
            result.errors.append(
                _("第%(row)d行：上级区划%(parent)s不存在，请先导入上级区划。")
                % {"row": number, "parent": parent}
            )
    if not rows:
        result.errors.append(_("文件中没有区划数据。"))
    if result.errors:
        return result
    with transaction.atomic():
        # Parents first: sort by level, then code.
        for code, name in sorted(rows, key=lambda r: (level_of(r[0]), r[0])):
            parent = parent_code(code)
            _region, created = Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "level": level_of(code),
                    "parent": Region.objects.get(code=parent) if parent else None,
                    "is_demo": is_demo,
                },
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result


DEMO_REGIONS_CSV = Path(__file__).parent / "fixtures" / "demo_regions.csv"


def regions_load_demo() -> RegionImportResult:
    """The shipped demo city (珠海市 with three districts); marked as demo data."""
    return regions_import(content=DEMO_REGIONS_CSV.read_bytes(), filename=DEMO_REGIONS_CSV.name, is_demo=True)
