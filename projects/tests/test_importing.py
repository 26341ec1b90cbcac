from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from projects.importing import import_file, template_headers
from projects.models import Building, Unit

pytestmark = pytest.mark.django_db


def _xlsx(kind: str, rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(template_headers(kind))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "楼盘.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _unit_row(building_number: str, room: str, floor: int, area="65.50", mode="公租房") -> list:
    return [building_number, "1", room, floor, area, "50.00", "两室一厅", "南", 2, "新建", mode, "12.50"]


def test_good_unit_file_imports(building, project_officer):
    upload = _xlsx("units", [_unit_row(building.number, "1001", 10), _unit_row(building.number, "1002", 10)])
    report = import_file(upload=upload, kind="units", user=project_officer)

    assert report.imported and not report.errors and report.created == 2
    unit = Unit.objects.get(building=building, unit_label="1", room_number="1001")
    assert unit.region_code == building.region_code and str(unit.floor_area) == "65.50"
    assert unit.guarantee_mode == "public_rental" and unit.state == "undelivered"


def test_same_file_twice_does_not_duplicate_units(building, project_officer):
    rows = [_unit_row(building.number, str(100 + i), 1) for i in range(1, 6)]
    import_file(upload=_xlsx("units", rows), kind="units", user=project_officer)
    before = Unit.objects.count()

    report = import_file(upload=_xlsx("units", rows), kind="units", user=project_officer)

    assert Unit.objects.count() == before
    assert report.imported and report.created == 0 and report.skipped == 5


def test_file_with_a_bad_row_is_reported_row_by_row_and_nothing_is_imported(building, project_officer):
    rows = [
        _unit_row(building.number, "2001", 20),
        _unit_row(building.number, "2002", 20, area="六十"),
        _unit_row("NO-SUCH", "2003", 20),
        _unit_row(building.number, "2004", 20, mode="豪宅"),
    ]
    before = Unit.objects.count()
    report = import_file(upload=_xlsx("units", rows), kind="units", user=project_officer)

    assert not report.imported
    assert Unit.objects.count() == before
    by_line = {e.line: "；".join(e.messages) for e in report.errors}
    assert set(by_line) == {3, 4, 5}  # Excel lines: the header is line 1
    assert "建筑面积“六十”不是数字" in by_line[3]
    assert "单体工程编号“NO-SUCH”不存在或不在您的数据范围内" in by_line[4]
    assert "保障方式“豪宅”无效" in by_line[5]


def test_valid_rows_are_imported_only_when_the_user_asks(building, project_officer):
    rows = [_unit_row(building.number, "3001", 30), _unit_row(building.number, "3002", 30, area="-5")]
    report = import_file(
        upload=_xlsx("units", rows), kind="units", user=project_officer, import_valid_rows=True
    )

    assert report.imported and report.created == 1 and [e.line for e in report.errors] == [3]
    assert Unit.objects.filter(room_number="3001").exists()
    assert not Unit.objects.filter(room_number="3002").exists()


def test_other_districts_building_cannot_be_imported_into(other_project, project_officer):
    from .factories import make_building

    foreign = make_building(project=other_project, floors=1, per_floor=1)
    report = import_file(
        upload=_xlsx("units", [_unit_row(foreign.number, "901", 9)]), kind="units", user=project_officer
    )
    assert not report.imported and "不在您的数据范围内" in report.errors[0].messages[0]


def test_buildings_import_creates_then_updates(project, project_officer):
    row = [project.number, "B-IMP-1", "7号楼", "7", 33, 33, 1, "25000.00", "框架剪力墙", 396, "在建"]
    import_file(upload=_xlsx("buildings", [row]), kind="buildings", user=project_officer)
    row[2] = "七号楼"
    report = import_file(upload=_xlsx("buildings", [row]), kind="buildings", user=project_officer)

    building = Building.objects.get(number="B-IMP-1")
    assert report.updated == 1 and building.name == "七号楼" and building.region_code == project.region_code
    assert building.construction_status == "under_construction"


def test_missing_columns_are_named(project_officer, regions):
    book = Workbook()
    book.active.append(["单体工程编号", "房号"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file(
        upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()), kind="units", user=project_officer
    )
    assert "所在起始层" in report.missing_columns and not report.imported


def test_import_page_shows_the_report(client, building, project_officer):
    client.force_login(project_officer)
    upload = _xlsx("units", [_unit_row(building.number, "4001", 40, area="abc")])
    response = client.post(reverse("projects:import"), {"kind": "units", "file": upload})
    content = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in content and "不是数字" in content and "整个文件未导入" in content
