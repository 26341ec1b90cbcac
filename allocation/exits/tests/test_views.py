"""The back-office pages: the scan button, the manual case form, region scope with 404 outside, bounded
list queries, action forms with Chinese errors beside the field and nothing changed on bad input."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from allocation.exits.models import ExitCase, ExitState, ExitTrigger
from allocation.tenancy.models import MoveIn
from projects.models import Unit, UnitState

from .conftest import bill


def test_scan_button_proposes_the_arrears_case_once(client, tenant, city_admin):
    tenant()
    today = timezone.localdate()
    months = [(today.replace(day=1) - datetime.timedelta(days=31 * n)).strftime("%Y-%m") for n in range(7)]
    bill(*months)
    client.force_login(city_admin)
    page = client.get(reverse("allocation:exit_list")).content.decode()
    assert 'data-testid="exit-scan"' in page
    assert client.post(reverse("allocation:exit_scan")).status_code == 302
    client.post(reverse("allocation:exit_scan"))
    case = ExitCase.objects.get()
    assert case.trigger == ExitTrigger.ARREARS and case.state == ExitState.PROPOSED
    assert case.number in client.get(reverse("allocation:exit_list")).content.decode()


def test_district_and_supervisor_only_look_and_other_district_gets_404(
    client, tenant, city_admin, district_reviewer, other_district_reviewer, make_staff
):
    move_in = tenant()
    client.force_login(city_admin)
    client.post(reverse("allocation:exit_create"), {"application_number": move_in.registry_entry.application_number,
                                                    "trigger": "sublet", "reason": "转租他人"})  # fmt: skip
    case = ExitCase.objects.get()
    url = reverse("allocation:exit_detail", args=[case.pk])
    supervisor = make_staff("supervisor1", [("supervisor", "440400000000")], is_staff=True)
    for user in (district_reviewer, supervisor):
        client.force_login(user)
        page = client.get(reverse("allocation:exit_list")).content.decode()
        assert case.number in page and 'data-testid="exit-scan"' not in page
        detail = client.get(url)
        assert detail.status_code == 200 and 'data-testid="exit-notify"' not in detail.content.decode()
    client.force_login(other_district_reviewer)
    assert client.get(url).status_code == 404
    assert case.number not in client.get(reverse("allocation:exit_list")).content.decode()


def test_street_caseworker_gets_403(client, street_caseworker):
    client.force_login(street_caseworker)
    assert client.get(reverse("allocation:exit_list")).status_code == 403


def test_list_query_count_does_not_grow_with_rows(client, tenant, city_admin, django_assert_max_num_queries):
    move_in = tenant()
    ExitCase.objects.bulk_create(
        ExitCase(number=f"TC-X-{n}", region_code=move_in.region_code, registry_entry_id=move_in.registry_entry_id,
                 trigger=ExitTrigger.VACANT, reason="空置", state=ExitState.CANCELLED)
        for n in range(60)
    )  # fmt: skip
    client.force_login(city_admin)
    url = reverse("allocation:exit_list")
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200 and "TC-X-59" in response.content.decode()
    assert "TC-X-0<" not in response.content.decode()  # paginated


def test_manual_case_notice_and_completion_through_the_pages(client, tenant, city_admin):
    move_in = tenant()
    client.force_login(city_admin)
    create = reverse("allocation:exit_create")
    response = client.post(create, {"application_number": "SQ-NONE", "trigger": "sublet", "reason": "转租"})
    assert "没有申请编号为“SQ-NONE”" in response.content.decode() and not ExitCase.objects.exists()
    number = move_in.registry_entry.application_number
    response = client.post(create, {"application_number": number, "trigger": "vacant", "reason": "空置",
                                    "evidence_on": timezone.localdate().isoformat()})  # fmt: skip
    assert "不能按空置退出" in response.content.decode() and not ExitCase.objects.exists()
    response = client.post(create, {"application_number": number, "trigger": "fraud", "reason": "隐瞒收入"})
    case = ExitCase.objects.get()
    url = reverse("allocation:exit_detail", args=[case.pk])
    assert response.status_code == 302 and response["Location"] == url
    today = timezone.localdate().isoformat()
    response = client.post(url, {"action": "complete", "complete-exited_on": today})
    assert "须先发出退出通知" in response.content.decode()
    response = client.post(
        url, {"action": "notify", "notify-notice_on": today, "notify-market_monthly_rent": "-5"}
    )
    assert response.status_code == 200 and "市场月租金不能为负数。" in response.content.decode()
    assert ExitCase.objects.get().state == ExitState.PROPOSED
    assert client.post(url, {"action": "notify", "notify-notice_on": today}).status_code == 302
    assert ExitCase.objects.get().state == ExitState.NOTIFIED
    response = client.post(url, {"action": "complete", "complete-exited_on": today})
    assert "承租家庭退出须填写验房结果" in response.content.decode()
    assert ExitCase.objects.get().state == ExitState.NOTIFIED
    response = client.post(url, {"action": "complete", "complete-exited_on": today,
                                 "complete-inspection_result": "intact"})  # fmt: skip
    assert response.status_code == 302 and ExitCase.objects.get().state == ExitState.EXITED
    assert MoveIn.objects.get(pk=move_in.pk).vacated_on is not None
    assert Unit.objects.get(pk=move_in.unit_id).state == UnitState.DELIVERED
    page = client.get(url).content.decode()
    assert 'data-testid="credit"' in page and "不得再次申请住房保障" in page
