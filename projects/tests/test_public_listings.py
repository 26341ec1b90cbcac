"""房源展示 (issue 6 part 7): the public project list, project page, 楼盘表 and photos — no login, no
occupant's data, bounded queries."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import DISTRICT_A, DISTRICT_B
from projects.admin import ProjectPhotoForm
from projects.demo import seed_demo_projects
from projects.models import Building, ProjectPhoto, UnitState
from projects.services.photos import THUMBNAIL_SIZE, project_photo_add

from .factories import make_building, make_project

pytestmark = pytest.mark.django_db


def _listed(
    *,
    region_code=DISTRICT_A,
    name=None,
    floors=2,
    per_floor=3,
    rooms=2,
    rent="12.50",
    price=None,
    state=UnitState.DELIVERED,
):
    """A project with one handed-over building whose units have ``rooms`` rooms and a rent standard."""
    project = make_project(
        region_code=region_code, **({"name": name} if name else {}), address="珠海市演示路1号"
    )
    building = make_building(project=project, floors=floors, per_floor=per_floor, state=state)
    Building.objects.filter(pk=building.pk).update(is_handed_over=True)
    building.units.update(
        rooms=rooms,
        rent_standard=Decimal(rent) if rent else None,
        price_standard=Decimal(price) if price else None,
    )
    return project, building


def _image(fmt: str = "PNG", size=(1200, 900), colour=(10, 120, 200)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


# --- the list -----------------------------------------------------------------------------------


def test_list_shows_only_projects_with_a_handed_over_building(client, regions):
    listed, _building = _listed(name="香洲安居苑")
    unfinished = make_project(region_code=DISTRICT_A, name="在建共有产权家园")
    make_building(project=unfinished, floors=2, per_floor=2)  # not handed over

    content = _main(client.get(reverse("listings:index")).content.decode())

    assert "香洲安居苑" in content and "在建共有产权家园" not in content
    assert reverse("listings:project", args=[listed.pk]) in content
    assert client.get(reverse("listings:project", args=[unfinished.pk])).status_code == 404


def test_card_summarises_unit_types_area_rent_and_availability(client, regions):
    project, building = _listed(name="香洲安居苑", floors=2, per_floor=3, rooms=2, rent="12.50")
    first = building.units.order_by("pk").first()
    building.units.filter(pk=first.pk).update(state=UnitState.ALLOCATED, rooms=1)

    content = _main(client.get(reverse("listings:index")).content.decode())

    assert "1 室 × 1、2 室 × 5" in content  # 户型: rooms × count
    assert "60.00 ㎡" in content  # every unit of the factory has 60 ㎡
    assert "12.50 元/㎡·月，月租金约 750.00 元" in content  # 12.50 × 60
    assert "<strong>5</strong> / 6" in content  # 可配给 / 总套数: one of six is allocated


def test_filter_by_district_and_by_rooms(client, regions):
    _listed(name="香洲两室苑", region_code=DISTRICT_A, rooms=2)
    _listed(name="香洲三室苑", region_code=DISTRICT_A, rooms=3)
    _listed(name="斗门两室苑", region_code=DISTRICT_B, rooms=2)
    url = reverse("listings:index")

    by_district = _main(client.get(url, {"district": DISTRICT_B}).content.decode())
    assert "斗门两室苑" in by_district and "香洲两室苑" not in by_district and "香洲三室苑" not in by_district

    by_rooms = _main(client.get(url, {"rooms": "3"}).content.decode())
    assert "香洲三室苑" in by_rooms and "两室苑" not in by_rooms

    both = _main(client.get(url, {"district": DISTRICT_A, "rooms": "2"}).content.decode())
    assert "香洲两室苑" in both and "斗门两室苑" not in both and "香洲三室苑" not in both

    # An unknown district is refused by the form: the whole list, and a word that the filter was ignored.
    bad = _main(client.get(url, {"district": "999999000000"}).content.decode())
    assert "筛选条件无效" in bad and "斗门两室苑" in bad and "香洲两室苑" in bad


def test_list_is_paginated(client, regions):
    for n in range(14):
        _listed(name=f"分页苑{n:02d}", floors=1, per_floor=1)
    first = _main(client.get(reverse("listings:index")).content.decode())
    second = _main(client.get(reverse("listings:index"), {"page": 2}).content.decode())
    cards = re.compile(r'<article class="card')
    assert len(cards.findall(first)) == 12 and len(cards.findall(second)) == 2
    assert "第 2 / 2 页" in second
    # The map and the address list cover the whole (filtered) list, not only the page.
    assert "分页苑13" in first and "地址一览（14 个项目）" in first


def test_page_is_readable_without_a_tile_server(client, regions, settings):
    settings.MAP_TILE_URL = ""
    project, _b = _listed(name="无底图苑")
    content = client.get(reverse("listings:index")).content.decode()
    assert 'data-tile-url=""' in content and "未配置底图" in content
    # The map is hidden until its script runs; the list and the text address list are complete without it.
    assert re.search(r'id="listing-map"[^>]* hidden', content)
    assert "地址一览" in content and "珠海市演示路1号" in content
    page = client.get(reverse("listings:project", args=[project.pk])).content.decode()
    assert 'data-tile-url=""' in page and "珠海市演示路1号" in page


def test_tile_url_comes_from_the_setting(client, regions, settings):
    settings.MAP_TILE_URL = "https://tiles.intranet.example/{z}/{x}/{y}.png"
    _listed()
    content = client.get(reverse("listings:index")).content.decode()
    assert 'data-tile-url="https://tiles.intranet.example/{z}/{x}/{y}.png"' in content
    assert "未配置底图" not in content


# --- the project page and the 楼盘表 ---------------------------------------------------------------


def test_project_page_shows_unit_types_prices_and_buildings(client, regions):
    project, building = _listed(name="共有产权家园", rooms=3, rent="", price="9800.00")
    make_building(project=project, floors=1, per_floor=1)  # not handed over: not shown

    content = _main(client.get(reverse("listings:project", args=[project.pk])).content.decode())

    assert "共有产权家园" in content and "香洲区" in content and "珠海市演示路1号" in content
    assert "3 室" in content and "9,800.00 元/㎡，总价约 58.80 万元" in content  # 9,800 × 60 ㎡
    assert reverse("listings:building", args=[building.pk]) in content
    assert content.count(reverse("listings:building", args=[0]).removesuffix("0/")) == 1


def test_no_public_page_shows_an_occupant_or_applicant(client, regions, citizen):
    from housing.accounts.demo import demo_id_number

    ID_NUMBER = demo_id_number("44040219850505432")  # the citizen persona's (conftest.py)
    project, building = _listed(name="入住苑", state=UnitState.OCCUPIED)
    building.units.update(occupant_name=citizen.real_name)
    # An occupant recorded with an ID number in the free-text field must not leak either.
    building.units.filter(pk=building.units.order_by("pk").first().pk).update(
        occupant_name=f"{citizen.real_name} {ID_NUMBER}"
    )
    pages = [
        reverse("listings:index"),
        reverse("listings:project", args=[project.pk]),
        reverse("listings:building", args=[building.pk]),
        reverse("listings:building", args=[building.pk]) + "?state=occupied",
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert citizen.real_name not in content, url
        assert ID_NUMBER not in content and citizen.id_number_masked not in content, url
        assert citizen.phone not in content, url
    grid = client.get(pages[2]).content.decode()
    assert "已入住" in grid and "/office/" not in _main(grid)
    fragment = client.get(pages[2], HTTP_HX_REQUEST="true").content.decode()
    assert "bt-grid" in fragment and citizen.real_name not in fragment


def test_building_not_handed_over_has_no_public_table(client, regions):
    project, _b = _listed()
    hidden = make_building(project=project, floors=1, per_floor=1)
    assert client.get(reverse("listings:building", args=[hidden.pk])).status_code == 404


# --- bounded queries ----------------------------------------------------------------------------


def test_each_page_runs_a_fixed_number_of_queries(client, regions, django_assert_max_num_queries):
    projects = []
    for n in range(15):
        project, building = _listed(name=f"查询苑{n}", floors=3, per_floor=4, rooms=1 + n % 3)
        make_building(project=project, floors=2, per_floor=2, state=UnitState.DELIVERED)
        Building.objects.filter(project=project).update(is_handed_over=True)
        project_photo_add(
            project=project, actor=None, upload=SimpleUploadedFile("a.png", _image(size=(40, 30)))
        )
        projects.append((project, building))
    project, building = projects[0]

    with django_assert_max_num_queries(6):
        assert client.get(reverse("listings:index")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("listings:index"), {"rooms": "2", "page": "1"}).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("listings:project", args=[project.pk])).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("listings:building", args=[building.pk])).status_code == 200
    photo = ProjectPhoto.objects.filter(project=project).get()
    with django_assert_max_num_queries(1):
        assert client.get(reverse("listings:photo", args=[photo.pk, "thumb"])).status_code == 200


# --- photos -------------------------------------------------------------------------------------


def test_photo_upload_makes_a_thumbnail_and_serves_it_publicly(client, regions, project_officer):
    from PIL import Image

    project, _b = _listed(name="照片苑")
    photo = project_photo_add(
        project=project,
        actor=project_officer,
        upload=SimpleUploadedFile("外景.jpg", _image("JPEG", size=(2400, 1800)), content_type="image/jpeg"),
        caption="外景",
    )
    assert photo.region_code == project.region_code and photo.uploaded_by == project_officer

    response = client.get(reverse("listings:photo", args=[photo.pk, "thumb"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    thumb = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert thumb.size[0] <= THUMBNAIL_SIZE[0] and thumb.size[1] <= THUMBNAIL_SIZE[1]
    full = Image.open(
        io.BytesIO(b"".join(client.get(reverse("listings:photo", args=[photo.pk, "full"])).streaming_content))
    )
    assert max(full.size) == 1600  # re-encoded to the gallery size, camera metadata dropped
    assert client.get(f"/listings/photos/{photo.pk}/original/").status_code == 404

    page = client.get(reverse("listings:project", args=[project.pk])).content.decode()
    assert reverse("listings:photo", args=[photo.pk, "thumb"]) in page and 'alt="外景"' in page
    listing = client.get(reverse("listings:index")).content.decode()
    assert reverse("listings:photo", args=[photo.pk, "thumb"]) in listing


def test_photo_of_a_project_not_handed_over_is_not_public(client, regions):
    project = make_project(region_code=DISTRICT_A)
    photo = project_photo_add(project=project, actor=None, upload=SimpleUploadedFile("a.png", _image()))
    assert client.get(reverse("listings:photo", args=[photo.pk, "thumb"])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("伪装.jpg", "这不是图片".encode(), "不是有效的图片"),
        ("动图.gif", None, "只接受 JPEG 或 PNG"),
    ],
)
def test_photo_upload_refuses_a_file_that_is_not_a_jpeg_or_png(
    regions, project_officer, name, content, message
):
    project, _b = _listed()
    data = content if content is not None else _image("GIF", size=(20, 20))
    with pytest.raises(ValidationError) as excinfo:
        project_photo_add(project=project, actor=project_officer, upload=SimpleUploadedFile(name, data))
    assert message in excinfo.value.message_dict["image"][0]
    assert not ProjectPhoto.objects.exists()

    # The admin's form says so beside the field (Django's own check plus ours).
    form = ProjectPhotoForm(
        data={"caption": "x", "order": 0}, files={"image": SimpleUploadedFile(name, data)}
    )
    assert not form.is_valid() and form.errors["image"]
    if content is None:  # a real image, but a GIF: Django accepts it, our check does not
        assert "只接受 JPEG 或 PNG" in form.errors["image"][0]


def test_admin_photo_form_accepts_a_png(regions):
    form = ProjectPhotoForm(
        data={"caption": "外景", "order": 0}, files={"image": SimpleUploadedFile("x.png", _image())}
    )
    assert form.is_valid(), form.errors


def test_only_a_project_officer_in_scope_may_add_photos(regions, other_project_officer, district_reviewer):
    from django.core.exceptions import PermissionDenied

    project, _b = _listed()
    for user in (other_project_officer, district_reviewer):
        with pytest.raises(PermissionDenied):
            project_photo_add(project=project, actor=user, upload=SimpleUploadedFile("a.png", _image()))


def test_demo_projects_get_photos_once(client, regions):
    seed_demo_projects()
    seed_demo_projects()
    per_project = {p: n for p, n in _photo_counts()}
    assert len(per_project) == 9 and set(per_project.values()) == {2}
    content = client.get(reverse("listings:index")).content.decode()
    assert "香洲安居苑" in content and "/listings/photos/" in content
    assert "香洲共有产权家园" not in _main(content)  # still under construction: nothing handed over


def _photo_counts():
    from django.db.models import Count

    return ProjectPhoto.objects.values("project").annotate(n=Count("pk")).values_list("project", "n")


# --- the admin's photo inline (the real upload path) ----------------------------------------------


def _admin_form_data(html: str) -> dict:
    """Every field of the admin change form with its current value, as a browser would post it."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.textarea = {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("file", "submit", "checkbox"):
                self.data[name] = a.get("value", "")
            elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
                self.data[name] = "on"
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea] += data

    parser = Parser()
    parser.feed(html.split('id="project_form"', 1)[1].split("</form>", 1)[0])
    return {k: v for k, v in parser.data.items() if "__prefix__" not in k}


def test_project_officer_uploads_a_photo_in_the_admin_and_a_text_file_is_refused(
    client, regions, project_officer
):
    project, _b = _listed(name="后台照片苑")
    client.force_login(project_officer)
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = _admin_form_data(client.get(url).content.decode())
    assert data["photos-TOTAL_FORMS"] == "1"

    refused = client.post(
        url,
        {**data, "photos-0-caption": "伪装", "photos-0-image": SimpleUploadedFile("x.jpg", b"not an image")},
    )
    assert refused.status_code == 200 and not ProjectPhoto.objects.exists()
    assert "请上传一张有效的图片" in refused.content.decode()  # beside the field, the other values kept
    assert 'value="伪装"' in refused.content.decode()

    accepted = client.post(
        url,
        {
            **data,
            "photos-0-caption": "外景",
            "photos-0-order": "0",
            "photos-0-image": SimpleUploadedFile("外景.png", _image(size=(2000, 1000))),
        },
    )
    assert accepted.status_code == 302, accepted.content.decode()[-2000:]
    photo = ProjectPhoto.objects.get()
    assert photo.caption == "外景" and photo.uploaded_by == project_officer and photo.thumbnail
    assert photo.image.name.endswith(".png") and photo.thumbnail.name.endswith("-thumb.jpg")


def test_uploaded_photo_loses_its_camera_metadata(client, regions):
    from PIL import Image

    project, _b = _listed()
    exif = Image.Exif()
    exif[0x010F] = "DemoCam"  # Make
    exif[0x0131] = "拍摄软件"  # Software
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 50, 50)).save(buffer, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()  # the upload carries EXIF

    photo = project_photo_add(
        project=project, actor=None, upload=SimpleUploadedFile("cam.jpg", buffer.getvalue())
    )
    for size in ("full", "thumb"):
        served = b"".join(client.get(reverse("listings:photo", args=[photo.pk, size])).streaming_content)
        assert not Image.open(io.BytesIO(served)).getexif() and b"DemoCam" not in served
