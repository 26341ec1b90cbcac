from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from housing.accounts.identity import id_number_digest
from housing.exchange.models import ImportBatch, ImportStatus, MirrorRecord
from housing.exchange.services import dataset_import

from .conftest import ID_A, ID_B, ID_C, INCOME_HEADER, csv_bytes, xlsx_bytes

DAY = dt.date(2026, 6, 30)


def _import(datasets, actor, content, name="income.csv", **kwargs):
    return dataset_import(
        dataset=datasets["income"], file_name=name, content=content, source_date=DAY, actor=actor, **kwargs
    )


def test_good_excel_file_is_imported_typed_and_stamped(datasets, city_admin):
    content = xlsx_bytes(
        [INCOME_HEADER, [ID_A, 2025, 52000.5, None], [ID_B.lower(), "2025", "42000", "120.00"]]
    )
    batch = _import(datasets, city_admin, content, name="个税2025.xlsx")
    assert batch.status == ImportStatus.IMPORTED
    assert (batch.rows_ok, batch.rows_failed) == (2, 0)
    record = MirrorRecord.objects.get(id_number_digest=id_number_digest(ID_A))
    assert record.values == {"year": 2025, "annual_income": "52000.5", "tax_paid": None}
    assert record.source == "个税2025.xlsx" and record.source_date == DAY and record.batch == batch
    assert record.id_number_masked == ID_A[:4] + "*" * 10 + ID_A[-4:]
    assert ID_A not in str(MirrorRecord.objects.values_list("values", "id_number_masked", "id_number_digest"))
    assert MirrorRecord.objects.filter(id_number_digest=id_number_digest(ID_B)).exists()


def test_bad_rows_are_reported_row_by_row_and_nothing_is_imported(datasets, city_admin):
    content = csv_bytes(
        [
            INCOME_HEADER,
            [ID_A, "2025", "52000", ""],
            [ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1"), "2025", "1", ""],
            [ID_B, "", "abc", ""],
            [ID_C, "2025.5", "1", ""],
        ]
    )
    batch = _import(datasets, city_admin, content)
    assert batch.status == ImportStatus.REJECTED
    assert (batch.rows_ok, batch.rows_failed) == (0, 3)
    report = {e["row"]: "；".join(e["messages"]) for e in batch.errors}
    assert set(report) == {3, 4, 5}
    assert "身份证号码校验位不正确" in report[3]
    assert "“所属年度”为必填项" in report[4] and "“年收入”应为数值" in report[4]
    assert "“所属年度”应为整数" in report[5]
    assert MirrorRecord.objects.count() == 0


def test_bad_date_is_reported(datasets, city_admin):
    content = csv_bytes([["身份证号码", "人才类别", "认定日期"], [ID_A, "A类", "2024-02-30"]])
    batch = dataset_import(
        dataset=datasets["talent"], file_name="t.csv", content=content, source_date=DAY, actor=city_admin
    )
    assert batch.status == ImportStatus.REJECTED
    assert "“认定日期”日期无效" in batch.errors[0]["messages"][0]


def test_valid_rows_option_imports_the_good_rows_only(datasets, city_admin):
    content = csv_bytes([INCOME_HEADER, [ID_A, "2025", "52000", ""], ["123", "2025", "1", ""]])
    batch = _import(datasets, city_admin, content, import_valid_rows=True)
    assert batch.status == ImportStatus.PARTIAL
    assert (batch.rows_ok, batch.rows_failed) == (1, 1)
    assert batch.errors[0]["row"] == 3
    assert MirrorRecord.objects.count() == 1


def test_the_same_file_is_refused_the_second_time_even_renamed(datasets, city_admin):
    content = csv_bytes([INCOME_HEADER, [ID_A, "2025", "52000", ""]])
    _import(datasets, city_admin, content)
    with pytest.raises(ValidationError, match="不能重复导入"):
        _import(datasets, city_admin, content, name="renamed.csv")
    assert MirrorRecord.objects.count() == 1


def test_a_rejected_file_may_come_back_with_the_valid_rows_option(datasets, city_admin):
    content = csv_bytes([INCOME_HEADER, [ID_A, "2025", "52000", ""], ["bad", "2025", "1", ""]])
    assert _import(datasets, city_admin, content).status == ImportStatus.REJECTED
    assert _import(datasets, city_admin, content, import_valid_rows=True).status == ImportStatus.PARTIAL
    assert ImportBatch.objects.count() == 2


def test_missing_id_or_required_column_refuses_the_file(datasets, city_admin):
    with pytest.raises(ValidationError, match="缺少“身份证号码”列"):
        _import(datasets, city_admin, csv_bytes([["所属年度", "年收入"], ["2025", "1"]]))
    with pytest.raises(ValidationError, match="缺少必填列：年收入"):
        _import(datasets, city_admin, csv_bytes([["身份证号码", "所属年度"], [ID_A, "2025"]]))


@override_settings(EXCHANGE_IMPORT_MAX_ROWS=2)
def test_files_over_the_row_cap_are_refused(datasets, city_admin):
    rows = [INCOME_HEADER] + [[ID_A, "2025", "1", ""]] * 3
    with pytest.raises(ValidationError, match="超过 2 行"):
        _import(datasets, city_admin, csv_bytes(rows))
    assert ImportBatch.objects.count() == 0


def _with_wrong_dimension(content: bytes) -> bytes:
    """Rewrite the sheet's stored <dimension> to A1, as some exporters do."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<dimension ")
                end = text.index("/>", start) + 2
                data = (text[:start] + '<dimension ref="A1"/>' + text[end:]).encode()
            target.writestr(item, data)
    return out.getvalue()


def test_excel_with_a_wrong_stored_dimension_is_read_in_full(datasets, city_admin):
    content = _with_wrong_dimension(xlsx_bytes([INCOME_HEADER, [ID_A, 2025, 1, None], [ID_B, 2025, 2, None]]))
    batch = _import(datasets, city_admin, content, name="dim.xlsx")
    assert batch.rows_ok == 2


def test_gbk_csv_is_read(datasets, city_admin):
    content = f"身份证号码,所属年度,年收入\n{ID_A},2025,100\n".encode("gbk")
    assert _import(datasets, city_admin, content).rows_ok == 1


def test_other_file_types_are_refused(datasets, city_admin):
    with pytest.raises(ValidationError, match="只支持"):
        _import(datasets, city_admin, b"x", name="a.xls")
