"""Pages: 我的轮候 on the portal (own family only, readable reasons), the back office's lists and entry page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from admission.models import Application, ApplicationState
from admission.registry.models import RegistryEntry, WaitlistEntry
from allocation.waitlist.models import RefusalKind, WaitlistRefusal
from allocation.waitlist.services import waitlist_refusal_record
from housing.accounts.demo import demo_id_number
from housing.accounts.services import applicant_register

pytestmark = pytest.mark.django_db


def _bulk(like: WaitlistEntry, count: int, *, registered_at, region_code: str | None = None, tag: str = "B"):
    """Many more waiting families like ``like`` (rows only: the list pages must not care how many)."""
    base = like.registry_entry
    region_code = region_code or base.region_code
    apps = Application.objects.bulk_create(
        [
            Application(
                family=base.family,
                region_code=region_code,
                receipt_number=f"SQ-{tag}-{region_code[:9]}-{i:04d}",
                project_code=base.project_code,
                mode_code=base.mode_code,
                state=ApplicationState.REGISTERED,
                decided_at=registered_at,
            )
            for i in range(count)
        ]
    )
    entries = RegistryEntry.objects.bulk_create(
        [
            RegistryEntry(
                application=app,
                family=base.family,
                region_code=region_code,
                application_number=app.receipt_number,
                applicant_name=f"批量{tag}{i}",
                id_type=base.id_type,
                id_number=base.id_number,
                id_number_digest="x" * 64,  # not the family's: nobody's portal account
                id_number_masked=base.id_number_masked,
                project_code=base.project_code,
                project_name=base.project_name,
                mode_code=base.mode_code,
                mode_kind=base.mode_kind,
                registered_at=registered_at,
            )
            for i, app in enumerate(apps)
        ]
    )
    return WaitlistEntry.objects.bulk_create(
        [
            WaitlistEntry(
                registry_entry=e,
                region_code=region_code,
                waitlist_number=f"LH-{tag}-{region_code[:9]}-{i:04d}",
                project_code=e.project_code,
                mode_code=e.mode_code,
                waitlist_region_code=like.waitlist_region_code,
                sort_key=f"9{i:020d}",  # behind every registered family
                registered_at=registered_at,
            )
            for i, e in enumerate(entries)
        ]
    )


@pytest.fixture
def after_removal(four_families, city_admin, settings):
    """The second family refused twice with a limit of 2: it left; the citizen's family moved up to 3rd."""
    settings.ALLOCATION_REFUSAL_LIMIT = 2
    removed = four_families[1]
    waitlist_refusal_record(entry=removed, actor=city_admin, reason="嫌楼层太高", source="XF-2026-001")
    waitlist_refusal_record(entry=removed, actor=city_admin, reason="未按时到场", kind=RefusalKind.ABSENT)
    return four_families


# --- portal -------------------------------------------------------------------------------------------


def test_the_family_reads_its_number_position_and_why_it_moved_without_other_names(
    after_removal, citizen, client
):
    mine = after_removal[3]
    client.force_login(citizen)
    page = client.get(reverse("portal:waitlist_mine")).content.decode()
    assert mine.waitlist_number in page
    assert '第 <strong class="fs-5">3</strong> 位（共 3 户轮候）' in page
    assert "您登记时排第 4 位。" in page and "1 户因多次拒绝被移出" in page and "现排第 3 位" in page
    assert "前面 1 户因多次拒绝被移出，您前进 1 位" in page
    for other in after_removal[:3]:
        assert other.waitlist_number not in page
        assert other.registry_entry.applicant_name not in page
    me = client.get(reverse("portal:me")).content.decode()
    assert 'data-testid="my-waitlist"' in me and mine.waitlist_number in me and "<strong>3</strong>" in me


def test_a_removed_family_reads_its_refusals_and_the_reason(after_removal, client):
    removed = after_removal[1]
    user = applicant_register(
        phone="13900000009",
        id_number=removed.registry_entry.family.id_number,
        real_name="黄拒绝",
        password="Test@Pass1",
    )
    client.force_login(user)
    page = client.get(reverse("portal:waitlist_mine")).content.decode()
    assert "已退出轮候" in page and "累计2次拒绝选房或缺席" in page
    assert "嫌楼层太高" in page and "XF-2026-001" in page and "缺席或逾期未选" in page
    assert "当前位次" not in page


def test_another_applicant_sees_no_family_and_staff_or_strangers_are_sent_away(
    after_removal, client, city_admin
):
    stranger = applicant_register(
        phone="13900000008",
        id_number=demo_id_number("44040219900101123"),
        real_name="王路人",
        password="Test@Pass1",
    )
    url = reverse("portal:waitlist_mine")
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(stranger)
    page = client.get(url).content.decode()
    assert 'data-testid="waitlist-empty"' in page
    assert not any(e.waitlist_number in page for e in after_removal)
    assert 'data-testid="my-waitlist"' not in client.get(reverse("portal:me")).content.decode()
    client.force_login(city_admin)
    assert client.get(url).status_code == 302  # staff use the back office


def test_the_portal_page_costs_a_bounded_number_of_queries(
    after_removal, citizen, client, django_assert_max_num_queries
):
    _bulk(after_removal[0], 40, registered_at=timezone.now())
    client.force_login(citizen)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:waitlist_mine")).status_code == 200


# --- back office -------------------------------------------------------------------------------------


def test_entry_page_shows_refusals_and_events_and_is_404_outside_scope(
    after_removal, client, city_admin, district_reviewer, other_district_reviewer, street_caseworker
):
    removed = after_removal[1]
    url = reverse("allocation:waitlist_entry_detail", args=[removed.pk])
    client.force_login(district_reviewer)
    page = client.get(url).content.decode()
    assert removed.waitlist_number in page and "因多次拒绝被移出" in page and "嫌楼层太高" in page
    assert 'data-testid="refusal-count">2 次' in page and "记录拒绝选房" not in page  # reads only
    client.force_login(other_district_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(street_caseworker)
    assert client.get(url).status_code == 403
    client.force_login(city_admin)
    waiting = client.get(
        reverse("allocation:waitlist_entry_detail", args=[after_removal[3].pk])
    ).content.decode()
    assert "记录拒绝选房" in waiting and 'data-testid="position">3<' in waiting


def test_city_centre_records_a_refusal_and_bad_input_changes_nothing(
    four_families, client, city_admin, other_district_reviewer
):
    entry = four_families[0]
    url = reverse("allocation:waitlist_refusal_create", args=[entry.pk])
    client.force_login(city_admin)
    page = client.post(url, {"kind": "refused", "reason": "  "}).content.decode()
    assert "请填写拒绝或缺席的原因。" in page and not WaitlistRefusal.objects.exists()
    page = client.post(url, {"kind": "nope", "reason": "x"}).content.decode()
    assert "请选择拒绝类别。" in page and not WaitlistRefusal.objects.exists()
    response = client.post(url, {"kind": "absent", "reason": "未按时到场", "source": "XF-2026-009"})
    assert response.status_code == 302
    refusal = WaitlistRefusal.objects.get()
    assert (refusal.entry_id, refusal.kind, refusal.sequence, refusal.recorded_by) == (
        entry.pk,
        "absent",
        1,
        city_admin,
    )
    client.force_login(other_district_reviewer)
    assert client.get(url).status_code == 403


def test_waiting_period_list_shows_families_past_or_near_the_limit_in_scope(
    four_families,
    client,
    city_admin,
    district_reviewer,
    other_district_reviewer,
    django_assert_max_num_queries,
):
    now = timezone.now()
    overdue = _bulk(four_families[0], 30, registered_at=now - datetime.timedelta(days=365 * 6), tag="OLD")
    _bulk(four_families[0], 5, registered_at=now - datetime.timedelta(days=365 * 5 - 30), tag="SOON")
    _bulk(four_families[0], 5, registered_at=now - datetime.timedelta(days=365 * 3), tag="NEW")
    _bulk(
        four_families[0],
        5,
        registered_at=now - datetime.timedelta(days=365 * 6),
        region_code="440403001001",
        tag="B",
    )
    waitlist_refusal_record(entry=overdue[0], actor=city_admin, reason="拒绝")
    url = reverse("allocation:waitlist_waiting_period")
    client.force_login(city_admin)
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "LH-OLD-440402001-0000" in page and "已超过轮候期限" in page
    assert "LH-NEW" not in page and four_families[0].waitlist_number not in page
    assert reverse("allocation:waitlist_entry_detail", args=[overdue[0].pk]) in page
    page = client.get(url, {"page": 2}).content.decode()
    assert "LH-SOON" in page and "距轮候期限届满还有" in page
    client.force_login(district_reviewer)
    assert ">LH-B-440403001-0001<" not in client.get(url, {"q": "LH-B-440403001-0001"}).content.decode()
    client.force_login(other_district_reviewer)
    page = client.get(url).content.decode()
    assert "LH-B-440403001" in page and "LH-OLD" not in page


def test_refusal_list_is_filtered_scoped_and_bounded_in_queries(
    after_removal, client, city_admin, other_district_reviewer, django_assert_max_num_queries
):
    for entry in _bulk(after_removal[0], 25, registered_at=timezone.now(), tag="R"):
        waitlist_refusal_record(entry=entry, actor=city_admin, reason="拒绝选房")
    url = reverse("allocation:waitlist_refusal_list")
    client.force_login(city_admin)
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "拒绝选房记录" in page and "LH-R-" in page
    page = client.get(url, {"caused_removal": "1"}).content.decode()
    assert after_removal[1].waitlist_number in page and "LH-R-" not in page
    client.force_login(other_district_reviewer)
    assert after_removal[1].waitlist_number not in client.get(url).content.decode()
