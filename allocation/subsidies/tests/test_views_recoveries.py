"""Back-office pages of the run progress, recoveries, the reconciliation and objections; the portal's
我的补贴: own rows only, plain reasons, no internal opinion, objection with the reply shown."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allocation.subsidies.models import (
    SubsidyDue,
    SubsidyDueRun,
    SubsidyObjection,
    SubsidyPayment,
    SubsidyRecovery,
    SubsidyRecoveryState,
)
from allocation.subsidies.objections import subsidy_objection_answer, subsidy_objection_submit
from allocation.subsidies.services import bank_result_import, subsidy_due_cancel

from .conftest import grant
from .test_services import batch_for, result_csv, run

DISTRICT_B_STREET = "440403001000"


def _paid_with_excess(agreement, city_admin, **extra):
    contract = agreement("1000.00", **extra)
    run(city_admin)
    batch = batch_for(city_admin)
    payment = SubsidyPayment.objects.get(due__agreement=contract)
    bank_result_import(batch=batch, file_name="r.csv", actor=city_admin,
                       content=result_csv([(payment.number, "1100.00", "成功", "")]))  # fmt: skip
    return contract, SubsidyPayment.objects.get(pk=payment.pk)


def test_the_due_page_polls_the_run_progress_and_offers_resume_for_an_interrupted_run(client, city_admin):
    client.force_login(grant(city_admin))
    live = SubsidyDueRun.objects.create(period="2026-03", project_code="lianzu", total=10, processed=4,
                                        heartbeat_at=timezone.now())  # fmt: skip
    page = client.get(reverse("allocation:subsidies_due_list")).content.decode()
    assert 'hx-trigger="every 2s"' in page and "已处理 4 / 10" in page and "继续" not in page
    fragment = client.get(reverse("allocation:subsidies_due_runs"), HTTP_HX_REQUEST="true")
    assert "HX-Request" in fragment["Vary"] and "进行中" in fragment.content.decode()
    SubsidyDueRun.objects.filter(pk=live.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(reverse("allocation:subsidies_due_runs")).content.decode()
    assert "中断" in page and "继续" in page and "every 2s" not in page
    response = client.post(reverse("allocation:subsidies_due_run_resume", args=[live.pk]))
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.state == "running" and not live.is_interrupted


def test_a_recovery_is_registered_from_the_due_page_and_bad_input_changes_nothing(
    client, agreement, city_admin
):
    _contract, payment = _paid_with_excess(agreement, city_admin)
    client.force_login(grant(city_admin))
    detail = client.get(reverse("allocation:subsidies_due_detail", args=[payment.due_id])).content.decode()
    url = reverse("allocation:subsidies_recovery_new", args=[payment.pk])
    assert url in detail
    batch_page = client.get(reverse("allocation:subsidies_batch_detail", args=[payment.batch_id])).content.decode()
    assert url in batch_page  # the overpaid line offers 登记追回 where the bank's answer is read
    form = client.get(url).content.decode()
    assert 'value="100.00"' in form  # the bank's excess is offered
    response = client.post(url, {"amount": "1100.01", "reason_kind": "bank_overpaid", "reason": "多付",
                                 "due_date": "2026-12-31"})  # fmt: skip
    assert response.status_code == 200 and "不能超过" in response.content.decode()
    assert not SubsidyRecovery.objects.exists()
    response = client.post(url, {"amount": "100.00", "reason_kind": "bank_overpaid", "reason": "银行多付100元",
                                 "due_date": "2026-12-31"})  # fmt: skip
    recovery = SubsidyRecovery.objects.get()
    assert response.status_code == 302 and response["Location"] == recovery.get_absolute_url()
    batch_page = client.get(reverse("allocation:subsidies_batch_detail", args=[payment.batch_id])).content.decode()
    assert "追回：" in batch_page and recovery.number in batch_page and url not in batch_page
    response = client.post(recovery.get_absolute_url(), {"action": "receive", "received_on": "2026-12-01",
                                                         "method": "bank_transfer", "receipt_number": "HZ1"})  # fmt: skip
    recovery.refresh_from_db()
    assert response.status_code == 302 and recovery.state == SubsidyRecoveryState.RECOVERED


def test_recovery_pages_are_scoped(client, agreement, city_admin, district_reviewer):
    _contract, payment = _paid_with_excess(agreement, city_admin, region_code=DISTRICT_B_STREET)
    client.force_login(grant(district_reviewer))
    assert client.get(reverse("allocation:subsidies_recovery_new", args=[payment.pk])).status_code == 404


def test_the_reconciliation_page_shows_the_balance_and_exports_excel(client, agreement, city_admin):
    _paid_with_excess(agreement, city_admin)
    client.force_login(grant(city_admin))
    url = reverse("allocation:subsidies_reconciliation")
    page = client.get(url, {"period": "2026-03", "project_code": "lianzu"}).content.decode()
    assert "平衡" in page and "1100.00" in page and "list-group-item-danger" not in page
    SubsidyDue.objects.update(amount=Decimal("999.00"))
    page = client.get(url, {"period": "2026-03", "project_code": "lianzu"}).content.decode()
    assert "不平衡" in page and "list-group-item-danger" in page and "实发金额与应发金额不同" in page
    response = client.get(url, {"period": "2026-03", "project_code": "lianzu", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ("项目", "笔数/结果", "金额（元）") and ("银行实付合计", 1, 1100) in values
    bad = client.get(url, {"period": "三月", "project_code": "lianzu"}).content.decode()
    assert "补贴期间应为" in bad


def test_an_objection_is_answered_on_the_due_page(client, agreement, city_admin, citizen):
    contract = agreement()
    run(city_admin)
    due = SubsidyDue.objects.get(agreement=contract)
    objection = subsidy_objection_submit(due=due, applicant=citizen, content="本月补贴金额不对，请核实。")
    client.force_login(grant(city_admin))
    url = reverse("allocation:subsidies_due_detail", args=[due.pk])
    assert "本月补贴金额不对" in client.get(url).content.decode()
    response = client.post(url, {"action": "reply", "objection": objection.pk, f"o{objection.pk}-reply": ""})
    assert (
        response.status_code == 200
        and "请填写答复内容" in response.content.decode()
        or "必填" in response.content.decode()
    )
    response = client.post(
        url, {"action": "reply", "objection": objection.pk, f"o{objection.pk}-reply": "金额按天折算，无误。"}
    )
    objection.refresh_from_db()
    assert response.status_code == 302 and objection.reply == "金额按天折算，无误。"


# --- portal 我的补贴 ---------------------------------------------------------------------------------------


def _citizen_entry(family, citizen):
    """The citizen's own registry entry (matched by the ID number's digest, as the portal does)."""
    entry = family("lianzu", "rent_subsidy", name="李市民")
    type(entry).objects.filter(pk=entry.pk).update(id_number_digest=citizen.id_number_digest)
    return type(entry).objects.get(pk=entry.pk)  # protected FSM fields refuse refresh_from_db


def test_my_subsidies_lists_every_month_in_plain_words_without_internal_opinions(
    client, agreement, family, mirror, citizen, city_admin, django_assert_max_num_queries
):
    entry = _citizen_entry(family, citizen)
    mine = agreement("1000.00", entry=entry)
    for period in ("2026-01", "2026-02"):
        run(city_admin, period)
    batch = batch_for(city_admin, "2026-01")
    jan = batch.payments.get()
    bank_result_import(batch=batch, file_name="r.csv", actor=city_admin,
                       content=result_csv([(jan.number, "1000.00", "成功", "")]))  # fmt: skip
    subsidy_due_cancel(due=SubsidyDue.objects.get(agreement=mine, period="2026-02"), actor=city_admin,
                       opinion="内部意见：怀疑虚报，暂停")  # fmt: skip
    mirror(entry, "real_estate", certificate_number="粤2026第9号", address="香洲区秘密路9号", floor_area="90")
    run(city_admin, "2026-03")
    template = SubsidyDue.objects.get(agreement=mine, period="2026-01")
    SubsidyDue.objects.bulk_create(  # older history: the page's query count must not grow with it
        SubsidyDue(**{**{f.attname: getattr(template, f.attname) for f in SubsidyDue._meta.concrete_fields
                         if f.attname != "id"}, "number": f"YF-OLD-{n}", "period": f"{2020 + n // 12}-{n % 12 + 1:02d}"})
        for n in range(30)
    )  # fmt: skip
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:subsidy_list")).content.decode()
    assert page.count('data-testid="subsidy-month"') == 24 and "1 / 2" in page
    assert "我的补贴" in client.get(reverse("portal:me")).content.decode()
    assert "本市不动产登记中发现住房，待核实" in page and "待复核" in page
    assert "已发放" in page and "***************5678" in page and "不予发放" in page
    assert "内部意见" not in page and "秘密路" not in page and "6222020400012345678" not in page


def test_another_applicants_month_is_a_404(client, agreement, family, citizen, city_admin):
    other = agreement()
    run(city_admin)
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")
    number = SubsidyDue.objects.get(agreement=other).number
    assert client.get(reverse("portal:subsidy_objection", args=[number])).status_code == 404


def test_the_applicant_objects_with_evidence_and_reads_the_reply(
    client, agreement, family, citizen, city_admin, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    entry = _citizen_entry(family, citizen)
    agreement(entry=entry)
    run(city_admin)
    due = SubsidyDue.objects.get()
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")
    url = reverse("portal:subsidy_objection", args=[due.number])
    response = client.post(url, {"content": "短"})
    assert response.status_code == 200 and "至少 5 个字" in response.content.decode()
    evil = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {"content": "本月补贴一直没有到账。", "evidence": [evil]})
    assert response.status_code == 200 and not SubsidyObjection.objects.exists()
    response = client.post(url, {"content": "本月补贴一直没有到账。"})
    assert response.status_code == 302
    objection = SubsidyObjection.objects.get()
    subsidy_objection_answer(objection=objection, actor=city_admin, reply="已核实，将于下一批次发放。")
    page = client.get(url).content.decode()
    assert "已答复" in page and "已核实，将于下一批次发放。" in page


def test_the_applicant_reads_a_recovered_excess_and_a_month_recovered_in_full(
    client, agreement, family, citizen, city_admin
):
    from allocation.subsidies.recoveries import subsidy_recovery_create, subsidy_recovery_receive

    entry = _citizen_entry(family, citizen)
    _contract, over = _paid_with_excess(agreement, city_admin, entry=entry)  # 2026-03: bank paid 1100
    today = timezone.localdate()
    excess = subsidy_recovery_create(payment=over, actor=city_admin, amount=Decimal("100.00"),
                                     reason_kind="bank_overpaid", reason="多付", due_date=today)  # fmt: skip
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")
    page = client.get(reverse("portal:subsidy_list")).content.decode()
    assert "已发放" in page and "多发 100.00 元待退回" in page
    subsidy_recovery_receive(recovery=excess, actor=city_admin, received_on=today, method="cash")
    page = client.get(reverse("portal:subsidy_list")).content.decode()
    assert "已发放" in page and "多发的 100.00 元已退回" in page and "已追回" not in page
    whole = subsidy_recovery_create(payment=over, actor=city_admin, amount=Decimal("1000.00"),
                                    reason_kind="not_eligible", reason="当月已购房", due_date=today)  # fmt: skip
    subsidy_recovery_receive(recovery=whole, actor=city_admin, received_on=today, method="cash")
    page = client.get(reverse("portal:subsidy_list")).content.decode()
    assert "已追回" in page and "已退回 1100.00 元" in page and "当月已购房" not in page
