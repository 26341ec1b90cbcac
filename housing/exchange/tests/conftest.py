from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from housing.accounts.demo import demo_id_number
from housing.exchange.models import Dataset
from housing.exchange.services import datasets_sync

ID_A = demo_id_number("44040219850312051")
ID_B = demo_id_number("44040219880420122")
ID_C = demo_id_number("44040019751108033")


@pytest.fixture
def datasets(db) -> dict[str, Dataset]:
    datasets_sync()
    return {d.code: d for d in Dataset.objects.all()}


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


INCOME_HEADER = ["身份证号码", "所属年度", "年收入", "已缴个税"]
