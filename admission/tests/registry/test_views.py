"""Pages: 登记簿 list and detail, 轮候名册, 复核申请 list — scoped, filtered, exported, bounded in queries."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from admission.models import Application, ApplicationState
from admission.registry.appeals import appeal_create
from admission.registry.models import RegistryEntry, ReviewAppeal, WaitlistEntry
from housing.backoffice.navigation import menu_for

from .conftest import COMMUNITY_A2, COMMUNITY_B, new_case, refuse_at_district, register

pytestmark = pytest.mark.django_db


def _bulk(entry: RegistryEntry, count: int, *, region_code: str | None = None) -> None:
    """Many more registered cases like ``entry`` (rows only: the list pages must not care how many)."""
    region_code = region_code or entry.region_code
    now = timezone.now()
    apps = Application.objects.bulk_create(
        [
            Application(
                family=entry.family,
                region_code=region_code,
                receipt_number=f"SQ-BULK-{region_code[:9]}-{i:04d}",
                project_code=entry.project_code,
                mode_code=entry.mode_code,
                state=ApplicationState.REGISTERED,
                decided_at=now,
            )
            for i in range(count)
        ]
    )
    entries = RegistryEntry.objects.bulk_create(
        [
            RegistryEntry(
                application=app,
                family=entry.family,
                region_code=region_code,
                application_number=app.receipt_number,
                applicant_name=f"批量{i}",
                id_type=entry.id_type,
                id_number=entry.id_number,
                id_number_digest=entry.id_number_digest,
                id_number_masked=entry.id_number_masked,
                project_code=entry.project_code,
                project_name=entry.project_name,
                mode_code=entry.mode_code,
                mode_kind=entry.mode_kind,
                registered_at=now,
            )
            for i, app in enumerate(apps)
        ]
    )
    WaitlistEntry.objects.bulk_create(
        [
            WaitlistEntry(
                registry_entry=e,
                region_code=region_code,
                waitlist_number=f"LH-BULK-{region_code[:9]}-{i:04d}",
                project_code=e.project_code,
                mode_code=e.mode_code,
                waitlist_region_code="440400000000",
                sort_key=f"1{i:020d}",  # after the registered case (its key starts with 0)
                registered_at=now,
            )
            for i, e in enumerate(entries)
        ]
    )


@pytest.fixture
def registered(filer, reviewers):
    return RegistryEntry.objects.get(application=register(new_case(filer, name="陈翠香"), reviewers))


def test_registry_list_is_scoped_filtered_and_bounded_in_queries(
    registered, client, reviewers, other_street_caseworker, django_assert_max_num_queries
):
    _bulk(registered, 30)
    _bulk(registered, 5, region_code=COMMUNITY_B)
    url = reverse("admission:registry_list")
    client.force_login(reviewers["city"])
    with django_assert_max_num_queries(9):
        page = client.get(url).content.decode()
    assert "保障对象登记簿" in page and "轮候中" in page and "SQ-BULK-440403001" in page
    client.force_login(reviewers["district"])  # 香洲区: not the 斗门区 rows
    page = client.get(url, {"status": "waiting", "mode_kind": "rental_in_kind"}).content.decode()
    assert "SQ-BULK-440403001" not in page and "SQ-BULK-440402001" in page
    page = client.get(url, {"q": registered.application_number}).content.decode()
    assert registered.application_number in page and "SQ-BULK" not in page
    assert ">SQ-BULK-440403001-0001<" not in client.get(url, {"q": "SQ-BULK-440403001-0001"}).content.decode()
    client.force_login(reviewers["city"])
    assert ">SQ-BULK-440403001-0001<" in client.get(url, {"q": "SQ-BULK-440403001-0001"}).content.decode()
    assert registered.application_number not in client.get(url, {"status": "exited"}).content.decode()
    client.force_login(other_street_caseworker)  # 梅华街道 sees none of 翠香's rows
    assert registered.application_number not in client.get(url).content.decode()
    assert "SQ-BULK-440402001" not in client.get(url, {"region": "440402001000"}).content.decode()


def test_registry_export_is_the_filtered_list_with_masked_numbers(registered, client, reviewers):
    client.force_login(reviewers["district"])
    response = client.get(reverse("admission:registry_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "申请编号" and rows[1][0] == registered.application_number
    assert registered.id_number_masked in rows[1] and registered.id_number not in str(rows)


def test_registry_detail_shows_the_standard_fields_and_is_404_outside_scope(
    registered, client, reviewers, other_street_caseworker, other_district_reviewer
):
    url = registered.get_absolute_url()
    client.force_login(reviewers["street"])
    page = client.get(url).content.decode()
    for label in (
        "申请编号",
        "户籍所在地-路（街、里、巷、小区）",
        "家庭人均资产",
        "保障状态",
        "最后年审年度",
    ):
        assert label in page
    assert registered.id_number_masked in page and registered.id_number not in page
    assert 'data-testid="waitlist-position">1<' in page
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_waitlist_is_in_waitlist_order_with_positions_and_bounded_in_queries(
    registered, filer, reviewers, other_street_caseworker, client, django_assert_max_num_queries
):
    dibao = RegistryEntry.objects.get(
        application=register(
            new_case(
                filer,
                name="林低保",
                region_code=COMMUNITY_A2,
                is_subsistence_allowance_family=True,
                subsistence_certificate_number="DB-009",
            ),
            {**reviewers, "street": other_street_caseworker},
        )
    )
    _bulk(registered, 25)
    url = reverse("admission:registry_waitlist")
    client.force_login(reviewers["city"])
    with django_assert_max_num_queries(11):
        page = client.get(url, {"waitlist": "gongzu:rental_in_kind"}).content.decode()
    assert page.index("林低保") < page.index("陈翠香") < page.index("批量0")
    assert "优先群体：低保家庭" in page
    # A street sees only its families, but each keeps its place in the whole list.
    client.force_login(reviewers["street"])
    page = client.get(url).content.decode()  # the first housing waitlist (公共租赁住房 · 实物配租) by default
    assert "林低保" not in page and "陈翠香" in page
    row = page[page.index(registered.waitlist_entry.waitlist_number) - 400 : page.index("陈翠香")]
    assert ">2<" in row.replace(" ", "")
    assert dibao.waitlist_entry.status == "waiting"


def test_waitlist_export_lists_every_row_with_its_position(registered, client, reviewers):
    _bulk(registered, 3)
    client.force_login(reviewers["city"])
    response = client.get(reverse("admission:registry_waitlist"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "轮候位次" and [r[0] for r in rows[1:]] == [1, 2, 3, 4]


def test_appeal_list_is_scoped_and_bounded_in_queries(
    filer, reviewers, client, other_district_reviewer, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    for i in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            app = refuse_at_district(new_case(filer, name=f"复核{i}"), reviewers)
        appeal_create(application=app, actor=reviewers["street"], reason="请求复核。")
    url = reverse("admission:registry_appeal_list")
    client.force_login(reviewers["district"])
    with django_assert_max_num_queries(8):
        page = client.get(url, {"state": "pending"}).content.decode()
    assert all(a.number in page for a in ReviewAppeal.objects.all()) and "复核2" in page
    client.force_login(other_district_reviewer)
    assert "FH-440402" not in client.get(url).content.decode()


def test_navigation_shows_the_registry_pages_to_the_review_roles(reviewers, finance_officer):
    titles = {item["title"] for section in menu_for(reviewers["street"]) for item in section["items"]}
    assert {"登记簿", "轮候名册", "复核申请"} <= {str(t) for t in titles}
    titles = {str(item["title"]) for section in menu_for(finance_officer) for item in section["items"]}
    assert "登记簿" not in titles


def test_registry_pages_are_forbidden_without_the_permission(finance_officer, client):
    client.force_login(finance_officer)
    for name in ("registry_list", "registry_waitlist", "registry_appeal_list"):
        assert client.get(reverse(f"admission:{name}")).status_code == 403
