"""银行代收文件导入: CSV and Excel, line-by-line reconciliation, a bad file or the same file twice changes nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from allocation.tenancy.collection import rent_collection_import
from allocation.tenancy.models import (
    CollectionLineOutcome,
    PaymentMethod,
    RentCollectionImport,
    RentCollectionLine,
    RentReceipt,
    RentReceivable,
)
from allocation.tenancy.services import move_in_register, rent_receivables_run

D = datetime.date
OUT = CollectionLineOutcome


@pytest.fixture
def three_receivables(signed_contract, officer):
    for name in ("甲", "乙", "丙"):
        move_in_register(contract=signed_contract(name=name), actor=officer, moved_in_on=D(2026, 1, 1))
    rent_receivables_run("2026-01", officer)
    return list(RentReceivable.objects.select_related("move_in__contract").order_by("pk"))


def csv_bytes(rows, encoding="utf-8"):
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


HEADER = ["应收编号", "合同编号", "扣款金额", "扣款日期", "备注"]


def test_each_line_is_reconciled_and_receipts_go_through_the_counter_service(three_receivables, officer):
    full, part, over = three_receivables
    half = (part.amount / 2).quantize(Decimal("0.01"))
    content = csv_bytes([
        HEADER,
        [full.number, "", f"{full.amount:.2f}", "2026-01-20", ""],
        [part.number, "", f"{half:.2f}", "2026/1/20", "余额不足"],
        [over.number, "", f"{over.amount + Decimal('0.01'):.2f}", "20260120", ""],
        ["YS209901-99999999", "", "5.00", "2026-01-20", ""],
        ["", part.move_in.contract.number, "1.00", "2026-01-21", "补扣"],
    ], encoding="gb18030")  # fmt: skip
    result = rent_collection_import(layout="default", file_name="代收.csv", content=content, actor=officer)
    outcomes = list(result.lines.order_by("line_number").values_list("line_number", "outcome"))
    assert outcomes == [(2, OUT.POSTED), (3, OUT.PARTIAL), (4, OUT.OVER), (5, OUT.UNMATCHED), (6, OUT.PARTIAL)]
    receipts = RentReceipt.objects.order_by("pk")
    assert [r.method for r in receipts] == [PaymentMethod.WITHHOLDING] * 3
    assert receipts[1].shortfall_reason == "余额不足" and receipts[2].shortfall_reason == "补扣"
    assert receipts[0].received_on == D(2026, 1, 20) and receipts[0].is_full
    part.refresh_from_db(), over.refresh_from_db()
    assert part.paid_amount == half + 1 and part.outstanding_amount == part.amount - half - 1
    assert over.paid_amount == 0  # the refused line changed nothing
    # sums to the cent
    assert result.posted_amount == full.amount + half + 1 == sum(r.amount for r in receipts)
    assert (result.posted_count, result.partial_count, result.unmatched_count, result.refused_count) == (
        1,
        2,
        1,
        1,
    )
    unmatched = result.lines.get(outcome=OUT.UNMATCHED)
    assert unmatched.receivable_number == "YS209901-99999999" and unmatched.raw[0] == "YS209901-99999999"


def test_the_same_file_twice_is_refused_and_enters_nothing(three_receivables, officer):
    first = three_receivables[0]
    content = csv_bytes([HEADER, [first.number, "", "10.00", "2026-01-20", "部分"]])
    rent_collection_import(layout="default", file_name="a.csv", content=content, actor=officer)
    with pytest.raises(ValidationError) as exc:
        rent_collection_import(layout="default", file_name="b.csv", content=content, actor=officer)
    assert "不能重复导入" in str(exc.value.message_dict["file"])
    assert RentReceipt.objects.count() == 1 and RentCollectionImport.objects.count() == 1


def test_a_format_error_names_the_line_and_changes_nothing(three_receivables, officer):
    first, second, _third = three_receivables
    content = csv_bytes([HEADER, [first.number, "", f"{first.amount}", "2026-01-20", ""],
                         [second.number, "", "12元", "2026-01-20", ""]])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        rent_collection_import(layout="default", file_name="bad.csv", content=content, actor=officer)
    assert "第3行" in str(exc.value.message_dict["file"]) and "12元" in str(exc.value.message_dict["file"])
    with pytest.raises(ValidationError) as exc:
        rent_collection_import(layout="default", file_name="bad.csv", content=csv_bytes([["户名", "金额"], ["a", "1"]]),
                               actor=officer)  # fmt: skip
    assert "缺少列" in str(exc.value.message_dict["file"])
    assert not RentReceipt.objects.exists() and not RentCollectionImport.objects.exists()
    assert not RentCollectionLine.objects.exists()


def test_an_excel_file_with_a_wrong_stored_dimension_is_read_whole_in_fen(three_receivables, officer):
    first, second, _third = three_receivables
    book = Workbook()
    sheet = book.active
    sheet.append(["业务编号", "协议号", "金额（分）", "交易日期", "摘要"])
    sheet.append([first.number, None, int(first.amount * 100), datetime.datetime(2026, 1, 22), None])
    sheet.append([second.number, None, 5000, datetime.datetime(2026, 1, 22), "部分扣款"])
    buffer = io.BytesIO()
    book.save(buffer)
    # a bank's writer that records only A1 as the sheet's extent
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:E3"/>', b'<dimension ref="A1"/>')
                assert b'<dimension ref="A1"/>' in data
            target.writestr(item, data)
    result = rent_collection_import(
        layout="fen", file_name="代收.xlsx", content=out.getvalue(), actor=officer
    )
    assert result.line_count == 2 and result.posted_count == 1 and result.partial_count == 1
    second.refresh_from_db()
    assert second.paid_amount == Decimal("50.00")


def test_upload_page_imports_and_shows_the_lines_or_the_error_beside_the_field(
    three_receivables, officer, client
):
    first = three_receivables[0]
    client.force_login(officer)
    url = reverse("allocation:tenancy_collection_new")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("bad.csv", csv_bytes([HEADER, [first.number, "", "abc", "", ""]]))
    page = client.post(url, {"layout": "default", "file": bad}).content.decode()
    assert "第2行" in page and not RentReceipt.objects.exists()
    good = SimpleUploadedFile("good.csv", csv_bytes([HEADER, [first.number, "", f"{first.amount}", "", ""]]))
    response = client.post(url, {"layout": "default", "file": good})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "已入账" in detail and first.number in detail
    listing = client.get(reverse("allocation:tenancy_collections")).content.decode()
    assert "good.csv" in listing


def test_another_districts_import_is_a_404(three_receivables, officer, other_district_reviewer, client):
    from .conftest import TENANCY_PERMS, grant

    first = three_receivables[0]
    content = csv_bytes([HEADER, [first.number, "", "1.00", "", "部分"]])
    result = rent_collection_import(layout="default", file_name="a.csv", content=content, actor=officer)
    client.force_login(grant(other_district_reviewer, *TENANCY_PERMS))
    assert client.get(reverse("allocation:tenancy_collection_detail", args=[result.pk])).status_code == 404
