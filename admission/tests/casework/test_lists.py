"""Lists and reports: search and filters, overdue cases, counts by stage × region; scoped, exported, bounded."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from admission.casework.selectors import application_stage_counts
from conftest import DISTRICT_A, STREET_A1, STREET_A2
from housing.audit.models import AuditEvent
from housing.workflow.calendar import WorkingCalendar

from ..factories import id_number
from .conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B, S

TZ = ZoneInfo("Asia/Shanghai")
LIST = reverse("admission:application_list")
OVERDUE = reverse("admission:casework_overdue_list")
REPORT = reverse("admission:casework_stage_report")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def fresh_login(client, user) -> None:
    """A new session: the idle timeout would count the travelled time against the old one."""
    client.logout()
    client.force_login(user)


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


# --- search and filters ----------------------------------------------------------------------------


def test_search_by_exact_id_number_finds_the_case_and_a_partial_one_finds_nothing(
    client, make_application, street_caseworker
):
    number = id_number()
    mine = make_application(COMMUNITY_A1, S.SUBMITTED, name="陈翠香", id_number=number)
    other = make_application(COMMUNITY_A1, S.SUBMITTED, name="林翠湖")
    client.force_login(street_caseworker)
    found = client.get(LIST, {"q": number}).content.decode()
    assert mine.receipt_number in found and other.receipt_number not in found
    for partial in (number[:14], number[-6:], number[1:]):
        page = client.get(LIST, {"q": partial}).content.decode()
        assert mine.receipt_number not in page and other.receipt_number not in page
    by_receipt = client.get(LIST, {"q": other.receipt_number}).content.decode()
    assert other.receipt_number in by_receipt and mine.receipt_number not in by_receipt
    by_name = client.get(LIST, {"q": "翠湖"}).content.decode()
    assert other.receipt_number in by_name and mine.receipt_number not in by_name


def test_filters_by_stage_region_and_submission_date(client, make_application, district_reviewer):
    with time_machine.travel(at("2026-03-04"), tick=False):
        march = make_application(COMMUNITY_A1, S.SUBMITTED, name="三月户")
    with time_machine.travel(at("2026-05-06"), tick=False):
        may = make_application(COMMUNITY_A2, S.SUBMITTED, name="五月户")
    draft = make_application(COMMUNITY_A1, S.DRAFT, name="草稿户")
    client.force_login(district_reviewer)

    def shown(**query) -> set[str]:
        page = client.get(LIST, query).content.decode()
        return {a.receipt_number for a in (march, may, draft) if a.receipt_number in page}

    assert shown() == {march.receipt_number, may.receipt_number, draft.receipt_number}
    assert shown(region=STREET_A1) == {march.receipt_number, draft.receipt_number}
    assert shown(state=S.SUBMITTED) == {march.receipt_number, may.receipt_number}
    assert shown(submitted_from="2026-04-01") == {may.receipt_number}
    assert shown(submitted_from="2026-03-01", submitted_to="2026-03-31") == {march.receipt_number}
    page = client.get(LIST, {"submitted_from": "2026-04-01", "submitted_to": "2026-03-01"}).content.decode()
    assert "结束日期不能早于开始日期" in page


def test_a_region_outside_the_scope_is_not_a_filter_choice(client, make_application, street_caseworker):
    other = make_application(COMMUNITY_A2, S.SUBMITTED, name="黄梅华")
    client.force_login(street_caseworker)
    page = client.get(LIST, {"region": STREET_A2}).content.decode()
    assert "选择一个有效的选项" in page and other.receipt_number not in page


# --- scope -------------------------------------------------------------------------------------------


def test_a_street_caseworker_never_sees_another_streets_case(client, make_application, street_caseworker):
    other = make_application(COMMUNITY_A2, S.STREET_REVIEW, name="黄梅华")
    client.force_login(street_caseworker)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("admission:casework_housing_add", args=[other.pk])).status_code == 404
    assert client.get(reverse("admission:casework_inspection_assign", args=[other.pk])).status_code == 404
    for url in (LIST, OVERDUE, reverse("admission:application_queue")):
        assert other.receipt_number not in client.get(url).content.decode()
    assert application_stage_counts(user=street_caseworker).total == 0


def test_a_district_reviewer_sees_only_their_district(client, make_application, district_reviewer):
    mine = make_application(COMMUNITY_A2, S.SUBMITTED, name="黄梅华")
    theirs = make_application(COMMUNITY_B, S.SUBMITTED, name="梁白藤")
    client.force_login(district_reviewer)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    page = client.get(LIST).content.decode()
    assert mine.receipt_number in page and theirs.receipt_number not in page
    report = client.get(REPORT).content.decode()
    assert "香洲区" in report and "斗门区" not in report


# --- overdue -----------------------------------------------------------------------------------------


@pytest.fixture
def overdue_and_fresh(make_application):
    """One case accepted on 2 March (街道审核, 20 working days), one on 5 May; seen on 6 May."""
    with time_machine.travel(at("2026-03-02"), tick=False):
        old = make_application(COMMUNITY_A1, S.STREET_REVIEW, name="超期户")
    with time_machine.travel(at("2026-05-05"), tick=False):
        fresh = make_application(COMMUNITY_A1, S.STREET_REVIEW, name="新受理户")
    return old, fresh


def test_the_overdue_list_shows_cases_past_their_nodes_due_date_in_working_days(
    client, overdue_and_fresh, street_caseworker, other_street_caseworker
):
    old, fresh = overdue_and_fresh
    due = WorkingCalendar().add_working_days(datetime.date(2026, 3, 2), 20)
    late = WorkingCalendar().working_days_between(due, datetime.date(2026, 5, 6))
    with time_machine.travel(at("2026-05-06"), tick=False):
        client.force_login(street_caseworker)
        page = client.get(OVERDUE).content.decode()
        assert old.receipt_number in page and fresh.receipt_number not in page
        assert f"{due:%Y}年{due.month}月{due.day}日" in page or due.isoformat() in page
        assert f"<td>{late}</td>" in page and "街道审核" in page
        response = client.get(OVERDUE, {"export": "xlsx"})
        rows = xlsx_rows(response)
        client.force_login(other_street_caseworker)
        assert old.receipt_number not in client.get(OVERDUE).content.decode()
    assert rows[0][:2] == ("申请编号", "申请人姓名") and rows[1][0] == old.receipt_number and len(rows) == 2
    assert rows[1][-1] == late
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert "超期案件" in event.description and event.actor == street_caseworker


def test_a_case_on_its_due_date_is_not_yet_overdue(client, overdue_and_fresh, street_caseworker):
    old, _fresh = overdue_and_fresh
    due = WorkingCalendar().add_working_days(datetime.date(2026, 3, 2), 20)
    with time_machine.travel(at(due.isoformat()), tick=False):
        fresh_login(client, street_caseworker)
        assert old.receipt_number not in client.get(OVERDUE).content.decode()
    with time_machine.travel(at((due + datetime.timedelta(days=1)).isoformat()), tick=False):
        fresh_login(client, street_caseworker)
        assert old.receipt_number in client.get(OVERDUE).content.decode()


# --- the report --------------------------------------------------------------------------------------


@pytest.fixture
def spread(make_application):
    """香洲区: 翠香 2 drafts + 1 submitted, 梅华 1 in street review; 斗门区: 1 submitted, 1 draft."""
    for name, region, state in [
        ("翠一", COMMUNITY_A1, S.DRAFT),
        ("翠二", COMMUNITY_A1, S.DRAFT),
        ("翠三", COMMUNITY_A1, S.SUBMITTED),
        ("梅一", COMMUNITY_A2, S.STREET_REVIEW),
        ("斗一", COMMUNITY_B, S.SUBMITTED),
        ("斗二", COMMUNITY_B, S.DRAFT),
    ]:
        make_application(region, state, name=name)


def test_the_counts_report_matches_the_data(spread, city_admin, district_reviewer, street_caseworker):
    report = application_stage_counts(user=city_admin)
    index = {state: i for i, state in enumerate(report.states)}
    rows = {row["name"]: row for row in report.rows}
    assert set(rows) == {"香洲区", "斗门区"} and report.total == 6
    xz, dm = rows["香洲区"], rows["斗门区"]
    assert (xz["counts"][index[S.DRAFT]], xz["counts"][index[S.SUBMITTED]]) == (2, 1)
    assert xz["counts"][index[S.STREET_REVIEW]] == 1 and xz["total"] == 4
    assert (dm["counts"][index[S.DRAFT]], dm["counts"][index[S.SUBMITTED]], dm["total"]) == (1, 1, 2)
    assert report.totals[S.DRAFT] == 3 and report.totals[S.SUBMITTED] == 2
    assert [r["total"] for r in application_stage_counts(user=district_reviewer).rows] == [4]
    assert [r["total"] for r in application_stage_counts(user=street_caseworker).rows] == [3]
    streets = application_stage_counts(user=city_admin, district=DISTRICT_A)
    assert {r["name"]: r["total"] for r in streets.rows} == {"翠香街道": 3, "梅华街道": 1}


def test_the_report_page_and_its_export_are_scoped_and_audited(client, spread, district_reviewer):
    client.force_login(district_reviewer)
    page = client.get(REPORT).content.decode()
    assert 'data-testid="report-total">4<' in page and "斗门区" not in page
    drill = client.get(REPORT, {"district": DISTRICT_A}).content.decode()
    assert "翠香街道" in drill and "梅华街道" in drill
    response = client.get(REPORT, {"export": "xlsx"})
    rows = xlsx_rows(response)
    assert rows[0][:3] == ("区划代码", "区划", "草稿") and rows[0][-1] == "合计"
    assert rows[1][1] == "香洲区" and rows[1][-1] == 4 and rows[-1][-1] == 4
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert "申请统计" in event.description and event.actor == district_reviewer
    # A district outside the scope is no choice: the report stays the user's own.
    other = client.get(REPORT, {"district": "440403000000"}).content.decode()
    assert "选择一个有效的选项" in other and "斗门区" not in other.split("<table")[1]


# --- bounded queries with many rows ------------------------------------------------------------------


def test_list_overdue_and_report_queries_are_bounded_with_many_cases(
    client, make_application, street_caseworker, django_assert_max_num_queries
):
    with time_machine.travel(at("2026-03-02"), tick=False):
        for i in range(25):
            make_application(COMMUNITY_A1, S.STREET_REVIEW, name=f"申请人{i}")
    with time_machine.travel(at("2026-05-06"), tick=False):
        client.force_login(street_caseworker)
        client.get(LIST)  # warm the per-process caches (content types)
        with django_assert_max_num_queries(12):
            listing = client.get(LIST, {"state": S.STREET_REVIEW, "region": STREET_A1})
        with django_assert_max_num_queries(14):
            overdue = client.get(OVERDUE)
        with django_assert_max_num_queries(10):
            report = client.get(REPORT)
    assert listing.content.decode().count("SQ-440402-") == 20  # one page
    assert overdue.content.decode().count("SQ-440402-") == 20
    assert 'data-testid="report-total">25<' in report.content.decode()
