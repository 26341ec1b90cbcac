"""Streaming Excel export (openpyxl write-only): flat memory however many rows, Chinese headers.

Cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR) are prefixed with an
apostrophe-like guard, so an exported name can never run as a formula (CSV/Excel injection).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_safe(value):
    """A value ready for a cell: text that looks like a formula is escaped; aware datetimes made local."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return str(value)


def xlsx_write(*, file, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "数据") -> int:
    """Write a workbook to ``file`` row by row; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=excel_safe(str(title)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([excel_safe(v) for v in row])
        count += 1
    workbook.save(file)
    return count


def xlsx_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "数据"
) -> FileResponse:
    """An .xlsx download built in a spooled temp file (memory stays flat; big files go to disk)."""
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    xlsx_write(file=buffer, headers=headers, rows=rows, sheet_title=sheet_title)
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
