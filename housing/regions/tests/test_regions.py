import pytest
from django.core.exceptions import ValidationError

from housing.regions.codes import Level, level_of, minimal_prefixes, parent_code, scope_prefix, validate_code
from housing.regions.models import Region
from housing.regions.services import regions_import


def test_levels_and_prefixes_follow_the_code():
    assert level_of("440000000000") == Level.PROVINCE
    assert level_of("440400000000") == Level.CITY
    assert level_of("440402000000") == Level.DISTRICT
    assert scope_prefix("440402001000") == "440402001"
    assert scope_prefix("440402001002") == "440402001002"
    assert parent_code("440402001002") == "440402001000"
    assert parent_code("440000000000") is None


def test_bad_code_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="12位数字"):
        validate_code("4404")


def test_covered_prefixes_are_dropped():
    assert minimal_prefixes({"4404", "440402", "440403001", "4405"}) == ["4404", "4405"]


def test_demo_tree_has_three_districts_each_with_three_streets(regions):
    districts = Region.objects.filter(level=Level.DISTRICT, code__startswith="4404")
    assert districts.count() == 3
    for district in districts:
        assert district.children.count() == 3
        assert all(street.children.exists() for street in district.children.all())
    assert Region.objects.filter(is_demo=False).count() == 0


def test_import_with_a_bad_row_imports_nothing(db):
    content = "code,name\n440000000000,广东省\n4404,坏代码\n440500000000,汕头市\n".encode()
    result = regions_import(content=content, filename="r.csv")
    assert result.errors == ["第3行：区划代码“4404”应为12位数字。"]
    assert not Region.objects.exists()


def test_import_needs_the_parent(db):
    result = regions_import(content="440402001000,翠香街道\n".encode(), filename="r.csv")
    assert "上级区划440402000000不存在" in result.errors[0]


def test_import_from_excel_and_again_updates(db):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    for row in [("区划代码", "名称"), ("440000000000", "广东省"), ("440100000000", "广州市")]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    first = regions_import(content=buffer.getvalue(), filename="regions.xlsx")
    second = regions_import(content=buffer.getvalue(), filename="regions.xlsx")
    assert (first.created, second.created, second.updated) == (2, 0, 2)
    assert Region.objects.get(code="440100000000").parent.code == "440000000000"


def test_admin_import_page_reports_errors_and_imports(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("r.csv", b"440000000000,\n")
    page = admin_client.post("/admin/regions/region/import/", {"file": bad}).content.decode()
    assert "区划名称不能为空" in page and not Region.objects.exists()
    good = SimpleUploadedFile("r.csv", "440000000000,广东省\n".encode())
    response = admin_client.post("/admin/regions/region/import/", {"file": good})
    assert response.status_code == 302 and Region.objects.filter(code="440000000000").exists()
