"""The back-office pages: scoped to the user's region, bounded queries, the run button, review, upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allocation.subsidies.models import (
    BankResultLine,
    PaymentStatus,
    SubsidyDue,
    SubsidyDueState,
    SubsidyPayment,
)
from allocation.subsidies.services import payment_batch_create, subsidy_due_run

from .conftest import grant

DISTRICT_B_STREET = "440403001000"
PASSWORD_FIELD = "password"


def login(client, user):
    client.force_login(user)
    return client


def test_run_button_creates_the_months_rows_and_a_second_press_adds_nothing(
    client, agreement, city_admin, django_capture_on_commit_callbacks
):
    agreement()
    login(client, grant(city_admin))
    url = reverse("allocation:subsidies_due_run")
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued after commit
        response = client.post(url, {"period": "2026-03", "project_code": "lianzu"})
    assert response.status_code == 302 and SubsidyDue.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"period": "2026-03", "project_code": "lianzu"})
    assert SubsidyDue.objects.count() == 1
    response = client.post(url, {"period": "2026年3月", "project_code": "lianzu"})
    assert response.status_code == 200 and "补贴期间应为“年-月”" in response.content.decode()
    assert "2026年3月" in response.content.decode()  # what the user typed is kept


def test_district_user_sees_only_own_district_rows_and_404_outside(
    client, agreement, city_admin, district_reviewer, other_district_reviewer
):
    own = agreement()
    agreement(region_code=DISTRICT_B_STREET)
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=None)
    due_a = SubsidyDue.objects.get(agreement=own)
    due_b = SubsidyDue.objects.exclude(pk=due_a.pk).get()
    login(client, grant(district_reviewer))
    page = client.get(reverse("allocation:subsidies_due_list")).content.decode()
    assert due_a.number in page and due_b.number not in page
    assert client.get(reverse("allocation:subsidies_due_detail", args=[due_b.pk])).status_code == 404
    assert client.get(reverse("allocation:subsidies_due_detail", args=[due_a.pk])).status_code == 200
    login(client, grant(other_district_reviewer))
    assert client.get(reverse("allocation:subsidies_due_detail", args=[due_a.pk])).status_code == 404


def test_user_without_permission_gets_403(client, street_caseworker):
    login(client, street_caseworker)
    assert client.get(reverse("allocation:subsidies_due_list")).status_code == 403


def test_lists_query_count_is_bounded(client, agreement, city_admin, django_assert_max_num_queries):
    first = agreement()
    for _ in range(25):
        agreement(entry=first.registry_entry)
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=None)
    batch = payment_batch_create(
        period="2026-03", project_code="lianzu", region_code="440400000000", actor=None
    )
    login(client, grant(city_admin))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("allocation:subsidies_due_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("allocation:subsidies_batch_list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("allocation:subsidies_batch_detail", args=[batch.pk])).status_code == 200


def test_held_row_is_released_on_its_page_with_an_opinion(client, agreement, mirror, city_admin):
    contract = agreement()
    mirror(
        contract.registry_entry, "real_estate", certificate_number="X", address="香洲区某路", floor_area="60"
    )
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=None)
    due = SubsidyDue.objects.get()
    login(client, grant(city_admin))
    url = reverse("allocation:subsidies_due_detail", args=[due.pk])
    page = client.get(url).content.decode()
    assert "待复核" in page and "香洲区某路" in page
    response = client.post(url, {"decision": "release", "opinion": ""})
    assert response.status_code == 200 and SubsidyDue.objects.get().state == SubsidyDueState.HELD
    client.post(url, {"decision": "release", "opinion": "房产已于上月转让。"})
    assert SubsidyDue.objects.get().state == SubsidyDueState.PAYABLE


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_batch_page_exports_and_a_bad_result_file_shows_a_message(client, agreement, city_admin, file_format):
    agreement()
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=None)
    login(client, grant(city_admin))
    form = client.get(reverse("allocation:subsidies_batch_new")).content.decode()
    assert '<option value="lianzu"' in form and "廉租住房" in form  # picked by name, not typed as a code
    assert '<option value="440400000000"' in form
    response = client.post(reverse("allocation:subsidies_batch_new"),
                           {"period": "2026-03", "project_code": "lianzu", "region_code": "440400000000", "layout": "default"})  # fmt: skip
    batch_url = response["Location"]
    batch_pk = int(batch_url.rstrip("/").split("/")[-1])
    export = client.get(reverse("allocation:subsidies_batch_export", args=[batch_pk, file_format]))
    assert export.status_code == 200 and export["Content-Disposition"].endswith(f'.{file_format}"')
    bad = SimpleUploadedFile("r.csv", "编号,金额\nX,1\n".encode())
    page = client.post(batch_url, {"file": bad}).content.decode()
    assert "文件缺少列" in page
    assert not BankResultLine.objects.exists()
    assert SubsidyPayment.objects.get().status == PaymentStatus.PENDING


def test_batch_list_shows_the_banks_outcome_so_a_failed_line_stands_out(client, agreement, city_admin):
    from allocation.subsidies.services import bank_result_import
    from rules.models import GuaranteeProject

    from .test_services import batch_for, result_csv, run

    agreement("1000.00"), agreement("900.00")
    run(city_admin)
    batch = batch_for(city_admin)
    paid, failed = SubsidyPayment.objects.order_by("-amount")
    login(client, grant(city_admin))
    url = reverse("allocation:subsidies_batch_list")
    page = client.get(url).content.decode()
    assert batch.number in page and "发放失败" not in page
    content = result_csv([(paid.number, "1000.00", "成功", ""), (failed.number, "900.00", "失败", "账户已销户")])
    bank_result_import(batch=batch, file_name="回执.csv", content=content, actor=city_admin)
    page = client.get(url).content.decode()
    assert "已发放 1，发放失败 1" in page
    assert GuaranteeProject.objects.filter(code="lianzu").first().name in page


def test_batch_page_leads_from_a_failed_line_to_its_reissue_and_closes_the_upload_once_reconciled(
    client, agreement, city_admin
):
    from allocation.subsidies.services import bank_result_import, subsidy_payment_reissue
    from rules.models import GuaranteeProject

    from .test_services import batch_for, result_csv, run

    agreement("1000.00"), agreement("900.00")
    run(city_admin)
    batch = batch_for(city_admin)
    paid, failed = SubsidyPayment.objects.order_by("-amount")
    login(client, grant(city_admin))
    url = reverse("allocation:subsidies_batch_detail", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "导入并对账" in page and GuaranteeProject.objects.filter(code="lianzu").first().name in page
    content = result_csv([(paid.number, "1000.00", "成功", ""), (failed.number, "900.00", "失败", "账户已销户")])
    bank_result_import(batch=batch, file_name="回执.csv", content=content, actor=city_admin)
    page = client.get(url).content.decode()
    assert "导入并对账" not in page and "更正账号重发" in page
    subsidy_payment_reissue(payment=failed, actor=city_admin, bank_name="中国建设银行",
                            bank_account="6217000011112222333", opinion="申请人提供新账号")  # fmt: skip
    again = payment_batch_create(period="2026-03", project_code="lianzu", region_code="440400000000",
                                 actor=city_admin)  # fmt: skip
    page = client.get(url).content.decode()
    assert "已重发：" in page and again.number in page and "更正账号重发" not in page
