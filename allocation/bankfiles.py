"""Reading a bank's returned file (CSV or Excel .xlsx) into rows of text, shared by the parts that import them.

The bank's layout (which header names which field) stays with each part (``subsidies.layouts``,
``tenancy.layouts``); this only turns the upload into a header and data rows, with a Chinese message for
a file that cannot be read.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores numbers as binary floats: go through repr's shortest form, never through 2 places
        return str(Decimal(repr(value))).removesuffix(".0") if value == int(value) else repr(value)
    return str(value).strip()


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError({"file": _("Excel 文件无法读取：%(e)s") % {"e": exc}}) from None
    try:
        sheet = workbook.worksheets[0]
        # a bank's export often stores a wrong <dimension> (A1 only, or far too large): read what is there
        sheet.reset_dimensions()
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            {"file": _("文件无法识别，请上传 CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx）文件。")}
        )
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise ValidationError({"file": _("CSV 文件格式有误：%(e)s") % {"e": exc}}) from None


def read_table(content: bytes, *, max_lines: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)]) of the first sheet or the CSV; blank lines are skipped.

    Line numbers are those the user sees in Excel or a text editor (the header is line 1).
    """
    rows = _xlsx_rows(content) if content[:4] == XLSX_MAGIC else _csv_rows(content)
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(cell for cell in row)]
    if not numbered:
        raise ValidationError({"file": _("文件为空。")})
    (_n, header), data = numbered[0], numbered[1:]
    if len(data) > max_lines:
        raise ValidationError({"file": _("文件行数超过上限 %(n)s。") % {"n": max_lines}})
    return [cell.strip() for cell in header], data


def parse_date(text: str) -> datetime.date:
    """2026-03-05, 2026/3/5 or 20260305; raises ``ValueError`` otherwise."""
    text = (text or "").strip().split(" ")[0]
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
