"""选房 pages: back office (scope, lists, the operator desk, review → 入住通知书) and the public board."""

from __future__ import annotations

import pytest
from django.urls import reverse

from admission.tests.registry.conftest import pdf_text
from allocation.selection.models import OrderStatus, SelectionPick
from allocation.selection.notices import entry_notice_pdf
from allocation.selection.services import selection_call_next, selection_pick
from housing.accounts.demo import demo_id_number
from projects.models import UnitState

from .conftest import make_entry, make_session, make_units

pytestmark = pytest.mark.django_db


def test_the_board_shows_masked_names_only_and_refreshes_itself(client, families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=3))
    first = selection_call_next(session=session, actor=city_admin)
    selection_pick(order=first, unit=session.offered.first().unit, actor=city_admin)
    selection_call_next(session=session, actor=city_admin)  # 黄志明 choosing now
    html = client.get(reverse("portal:selection_board", args=[session.number])).content.decode()
    assert "黄*明" in html and "陈*香" in html
    for family in families:
        assert family.applicant_name not in html
    assert 'hx-trigger="every 5s"' in html and "剩余房源" in html
    live = client.get(reverse("portal:selection_board_live", args=[session.number])).content.decode()
    assert "黄*明" in live and "黄志明" not in live and "<html" not in live


def test_the_published_results_are_masked(client, families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=3))
    selection_pick(
        order=selection_call_next(session=session, actor=city_admin),
        unit=session.offered.first().unit,
        actor=city_admin,
    )
    html = client.get(reverse("portal:selection_results", args=[session.number])).content.decode()
    assert "陈*香" in html and "陈翠香" not in html and "已选" in html


def test_a_session_in_preparation_has_no_public_board(client, families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=1), start=False)
    assert client.get(reverse("portal:selection_board", args=[session.number])).status_code == 404


def test_a_session_of_another_district_is_not_found(
    client, families, city_admin, district_reviewer, other_district_reviewer
):
    session = make_session(city_admin, families=families, units=make_units(count=1))
    url = reverse("allocation:selection_session_detail", args=[session.pk])
    client.force_login(other_district_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(district_reviewer)
    page = client.get(url)
    assert page.status_code == 200 and "陈翠香" in page.content.decode()


def test_the_session_list_takes_a_bounded_number_of_queries(
    client, families, city_admin, django_assert_max_num_queries
):
    units = make_units(count=12)
    for i in range(6):
        make_session(
            city_admin, families=families, units=units[i * 2 : i * 2 + 2], start=False, name=f"选房{i}"
        )
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("allocation:selection_session_list"))
    assert page.status_code == 200 and "选房5" in page.content.decode()


def test_the_detail_page_takes_a_bounded_number_of_queries(
    client, families, city_admin, django_assert_max_num_queries
):
    session = make_session(city_admin, families=families, units=make_units(count=4))
    for _ in range(3):
        order = selection_call_next(session=session, actor=city_admin)
        unit = session.offered.filter(unit__state=UnitState.DELIVERED).first().unit
        selection_pick(order=order, unit=unit, actor=city_admin)
    client.force_login(city_admin)
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("allocation:selection_session_detail", args=[session.pk])).status_code == 200
        )


def test_the_desk_shows_only_fitting_units_and_picks_one(client, families, city_admin):
    small = make_units(count=2, rooms=1)
    large = make_units(count=2, rooms=3)
    session = make_session(city_admin, families=families, units=small + large)
    client.force_login(city_admin)
    client.post(reverse("allocation:selection_call_next", args=[session.pk]))
    html = client.get(reverse("allocation:selection_desk", args=[session.pk])).content.decode()
    assert f'value="{small[0].pk}"' in html and f'value="{large[0].pk}"' not in html
    order = session.orders.get(order_number=1)
    # A forged POST of a unit too large is refused with the reason, and nothing changes.
    page = client.post(
        reverse("allocation:selection_order_pick", args=[order.pk]), {"unit": large[0].pk}, follow=True
    )
    assert "超出该家庭可选户型" in page.content.decode()
    assert not SelectionPick.objects.exists()
    page = client.post(
        reverse("allocation:selection_order_pick", args=[order.pk]), {"unit": small[0].pk}, follow=True
    )
    assert "已选定" in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED


def test_the_desk_marks_a_family_absent(client, families, city_admin):
    session = make_session(city_admin, families=families, units=make_units(count=1))
    client.force_login(city_admin)
    client.post(reverse("allocation:selection_call_next", args=[session.pk]))
    order = session.orders.get(order_number=1)
    page = client.post(
        reverse("allocation:selection_order_pass", args=[order.pk]),
        {"kind": "absent", "reason": "未到场"},
        follow=True,
    )
    assert "已登记为缺席" in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING and order.pass_count == 1


def test_a_district_reviewer_cannot_run_the_desk(client, families, city_admin, district_reviewer):
    session = make_session(city_admin, families=families, units=make_units(count=1))
    client.force_login(district_reviewer)
    assert client.post(reverse("allocation:selection_call_next", args=[session.pk])).status_code == 403


def test_review_issues_an_entry_notice_pdf_with_chinese_text(
    client, families, city_admin, django_capture_on_commit_callbacks
):
    units = make_units(count=1)
    session = make_session(city_admin, families=families, units=units)
    pick = selection_pick(
        order=selection_call_next(session=session, actor=city_admin), unit=units[0], actor=city_admin
    )
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("allocation:selection_pick_review", args=[pick.pk]))
    pick.refresh_from_db()
    assert pick.is_reviewed and pick.reviewed_by == city_admin
    assert pick.notice_number, pick.notice_error
    text = pdf_text(entry_notice_pdf(pick=pick, actor=city_admin))
    assert "入住通知书" in text and "陈翠香" in text and units[0].number in text
    download = client.get(reverse("allocation:selection_pick_notice", args=[pick.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_my_selection_card_shows_the_applicants_order_and_unit(client, superuser, city_admin, citizen):
    mine = make_entry(superuser, name="李市民", id_number=demo_id_number("44040219850505432"))
    other = make_entry(superuser, name="陈翠香")
    units = make_units(count=2)
    session = make_session(city_admin, families=[other, mine], units=units)
    selection_call_next(session=session, actor=city_admin)
    selection_pick(
        order=selection_call_next(session=session, actor=city_admin), unit=units[1], actor=city_admin
    )
    client.force_login(citizen)
    html = client.get(reverse("portal:me")).content.decode()
    assert "我的选房" in html and "配给顺序第2号" in html and units[1].room_number in html


def test_the_city_centre_creates_and_starts_a_session_from_the_waitlist(client, families, city_admin):
    units = make_units(count=3)
    client.force_login(city_admin)
    url = reverse("allocation:selection_session_create")
    form = client.get(url).content.decode()
    assert "轮候顺序" in form and units[0].building.name in form
    data = {
        "name": "公租房第二批选房",
        "region_code": "440400000000",
        "project_code": "gongzu",
        "mode_code": "rental_in_kind",
        "source": "waitlist",
        "buildings": [units[0].building_id],
        "family_limit": "",
        "starts_at": "2026-12-01T09:00",
        "slot_minutes": 30,
        "families_per_slot": 2,
        "place": "选房大厅",
    }
    from allocation.selection.models import SelectionSession, SelectionState

    bad = client.post(url, {**data, "families_per_slot": 0})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    assert not SelectionSession.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302

    session = SelectionSession.objects.get(name="公租房第二批选房")
    # 5 units in the building are delivered; the limit defaults to the number of units.
    assert session.offered.count() == 5 and session.orders.count() == 4 and session.slots.count() == 2
    client.post(reverse("allocation:selection_session_start", args=[session.pk]), {"opinion": ""})
    session.refresh_from_db()
    assert session.state == SelectionState.RUNNING
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "选房操作台" in detail and "大屏" in detail
