"""Streaming Excel export: Chinese headers, formula escaping, types kept."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from housing.documents.excel import excel_safe, xlsx_response, xlsx_write


def test_ten_rows_with_a_formula_come_back_escaped_with_chinese_headers():
    rows = [(f"申请人{i}", "=1+1", Decimal("1234.50"), i) for i in range(10)]
    buffer = io.BytesIO()
    assert (
        xlsx_write(
            file=buffer, headers=["姓名", "备注", "月租金（元）", "序号"], rows=rows, sheet_title="保障家庭"
        )
        == 10
    )
    buffer.seek(0)
    sheet = load_workbook(buffer)["保障家庭"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("姓名", "备注", "月租金（元）", "序号")
    assert len(values) == 11
    assert values[1][1] == "'=1+1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert values[10][0] == "申请人9" and values[10][2] == 1234.5 and values[10][3] == 9


def test_every_formula_trigger_is_escaped():
    for text in ("=SUM(A1)", "+1", "-1+1", "@cmd", "\tx", "\rx"):
        assert excel_safe(text).startswith("'")
    assert excel_safe("张三") == "张三"
    assert excel_safe(-5) == -5
    assert excel_safe(True) == "是"


def test_aware_datetimes_are_written_in_local_time():
    moment = datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("UTC"))
    assert excel_safe(moment) == datetime(2026, 1, 1, 8, 0)


def test_response_is_a_download_with_a_chinese_filename():
    response = xlsx_response(filename="保障家庭.xlsx", headers=["姓名"], rows=[["张三"]])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "UTF-8''%E4%BF%9D" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active["A2"].value == "张三"
