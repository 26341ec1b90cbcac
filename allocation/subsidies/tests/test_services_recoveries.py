"""追回 of an overpayment, and the reconciliation summary that balances to the cent and names the rows that
do not; the applicant's objection answered by the back office."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from allocation.subsidies.models import (
    PaymentStatus,
    SubsidyDue,
    SubsidyObjectionState,
    SubsidyPayment,
    SubsidyRecoveryState,
)
from allocation.subsidies.objections import (
    objection_evidence,
    subsidy_objection_answer,
    subsidy_objection_submit,
)
from allocation.subsidies.reconciliation import subsidy_reconciliation
from allocation.subsidies.recoveries import (
    overpaid_amount,
    subsidy_recovery_create,
    subsidy_recovery_receive,
    subsidy_recovery_write_off,
)
from allocation.subsidies.services import bank_result_import, subsidy_payment_reissue

from .test_services import batch_for, result_csv, run

D = Decimal
TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _today():
    """The dates below are relative to TODAY in the city's time zone, whatever the clock says."""
    with time_machine.travel(datetime.datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def march(agreement, mirror, city_admin):
    a, b, c, d, e = (agreement(x) for x in ("1000.00", "900.00", "800.00", "700.00", "600.00"))
    mirror(d.registry_entry, "real_estate", certificate_number="X", address="某处", floor_area="50")
    run(city_admin)
    from allocation.subsidies.services import subsidy_due_cancel

    subsidy_due_cancel(due=SubsidyDue.objects.get(agreement=e), actor=city_admin, opinion="已迁出")
    batch = batch_for(city_admin)
    pay = {p.due.agreement_id: p for p in SubsidyPayment.objects.select_related("due")}
    bank_result_import(batch=batch, file_name="r1.csv", actor=city_admin, content=result_csv([
        (pay[a.pk].number, "1000.00", "成功", ""), (pay[b.pk].number, "900.00", "失败", "账号不存在"),
        (pay[c.pk].number, "850.00", "成功", ""),
    ]))  # fmt: skip
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "pay": pay, "batch": batch}


def test_an_overpayment_is_recovered_with_events_and_never_above_what_was_paid(march, city_admin):
    over = SubsidyPayment.objects.get(pk=march["pay"][march["c"].pk].pk)
    assert over.status == PaymentStatus.MISMATCH and overpaid_amount(over) == D("50.00")
    with pytest.raises(ValidationError) as error:
        subsidy_recovery_create(payment=over, actor=city_admin, amount=D("850.01"), reason_kind="bank_overpaid",
                                reason="多付", due_date=TODAY)  # fmt: skip
    assert "850.00" in error.value.message_dict["amount"][0]
    recovery = subsidy_recovery_create(payment=over, actor=city_admin, amount=D("50.00"),
                                       reason_kind="bank_overpaid", reason="银行多付50元", due_date=TODAY)  # fmt: skip
    assert recovery.state == SubsidyRecoveryState.PENDING and recovery.number.startswith("ZH")
    with pytest.raises(ValidationError) as error:  # 800 more would exceed the 850 paid
        subsidy_recovery_create(payment=over, actor=city_admin, amount=D("800.01"), reason_kind="other",
                                reason="再追", due_date=TODAY)  # fmt: skip
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        subsidy_recovery_receive(recovery=recovery, actor=city_admin, received_on=TODAY + datetime.timedelta(days=1),
                                 method="cash")  # fmt: skip
    assert "received_on" in error.value.message_dict
    recovery = subsidy_recovery_receive(recovery=recovery, actor=city_admin, received_on=TODAY, method="cash",
                                        receipt_number="SK-001")  # fmt: skip
    assert recovery.state == SubsidyRecoveryState.RECOVERED and recovery.received_on == TODAY
    assert [(e.from_state, e.to_state) for e in recovery.events.all()] == [
        ("", "pending"),
        ("pending", "recovered"),
    ]
    with pytest.raises(ValidationError):
        subsidy_recovery_write_off(recovery=recovery, actor=city_admin, opinion="核销")


def test_an_undue_month_is_recovered_in_full_or_written_off_with_an_opinion(march, city_admin):
    paid = SubsidyPayment.objects.get(pk=march["pay"][march["a"].pk].pk)
    failed = SubsidyPayment.objects.get(pk=march["pay"][march["b"].pk].pk)
    with pytest.raises(ValidationError):  # nothing was paid on a failed payment
        subsidy_recovery_create(payment=failed, actor=city_admin, amount=D("1.00"), reason_kind="other",
                                reason="x", due_date=TODAY)  # fmt: skip
    recovery = subsidy_recovery_create(payment=paid, actor=city_admin, amount=D("1000.00"),
                                       reason_kind="not_eligible", reason="当月已购房", due_date=TODAY)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        subsidy_recovery_write_off(recovery=recovery, actor=city_admin, opinion=" ")
    assert "opinion" in error.value.message_dict
    recovery = subsidy_recovery_write_off(
        recovery=recovery, actor=city_admin, opinion="家庭已无法联系，报批核销"
    )
    assert recovery.state == SubsidyRecoveryState.WRITTEN_OFF and recovery.approval_opinion.startswith("家庭")


def test_the_reconciliation_balances_to_the_cent_after_reissue_and_recovery(march, city_admin):
    failed = SubsidyPayment.objects.get(pk=march["pay"][march["b"].pk].pk)
    subsidy_payment_reissue(
        payment=failed, actor=city_admin, bank_name="建设银行", bank_account="6217000011112222"
    )
    second = batch_for(city_admin)
    again = second.payments.get()
    bank_result_import(batch=second, file_name="r2.csv", actor=city_admin,
                       content=result_csv([(again.number, "900.00", "成功", "")]))  # fmt: skip
    over = SubsidyPayment.objects.get(pk=march["pay"][march["c"].pk].pk)
    recovery = subsidy_recovery_create(payment=over, actor=city_admin, amount=D("50.00"),
                                       reason_kind="bank_overpaid", reason="多付", due_date=TODAY)  # fmt: skip
    subsidy_recovery_receive(recovery=recovery, actor=city_admin, received_on=TODAY, method="bank_transfer")
    summary = subsidy_reconciliation(user=city_admin, period="2026-03", project_code="lianzu")
    f = summary.figures
    assert f["due"] == D("4000.00") and f["held"] == D("700.00") and f["cancelled"] == D("600.00")
    assert f["paid"] == D("2700.00") and f["failed"] == D("0.00") and f["failed_payments"] == D("900.00")
    assert f["mismatch"] == D("50.00") and f["bank_paid"] == D("2750.00") and f["recovered"] == D("50.00")
    assert f["net_paid"] == D("2700.00")
    assert summary.balanced, summary.checks
    assert all(isinstance(v, Decimal) for v in f.values())


def test_an_imbalance_is_flagged_with_the_row_that_causes_it(march, city_admin):
    paid_due = SubsidyDue.objects.get(agreement=march["a"])
    SubsidyDue.objects.filter(pk=paid_due.pk).update(amount=D("999.99"))  # a manual edit behind the services
    summary = subsidy_reconciliation(user=city_admin, period="2026-03", project_code="lianzu")
    assert not summary.balanced
    failing = [c for c in summary.checks if not c["ok"]]
    assert failing and failing[0]["difference"] == D("-0.01")
    assert [(p["kind"], p["due"].pk) for p in summary.problems] == [("实发金额与应发金额不同", paid_due.pk)]


def test_the_reconciliation_is_scoped_to_the_users_region(march, other_district_reviewer):
    summary = subsidy_reconciliation(user=other_district_reviewer, period="2026-03", project_code="lianzu")
    assert summary.figures["due"] == D("0.00") and summary.balanced


def test_an_objection_with_evidence_is_answered_and_limited_per_day(
    march, citizen, city_admin, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    due = SubsidyDue.objects.get(agreement=march["b"])
    pdf = SimpleUploadedFile(
        "回执.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        subsidy_objection_submit(due=due, applicant=citizen, content="短")
    assert "content" in error.value.message_dict
    objection = subsidy_objection_submit(due=due, applicant=citizen, content="我的账号没有问题，请核实。",
                                         evidence=[pdf])  # fmt: skip
    assert objection.state == SubsidyObjectionState.PENDING
    assert [d.name for d in objection_evidence(objection)] == ["补贴异议证据：回执.pdf"]
    for _n in range(2):
        subsidy_objection_submit(due=due, applicant=citizen, content="再次反映账号问题。")
    with pytest.raises(ValidationError) as error:
        subsidy_objection_submit(due=due, applicant=citizen, content="第四次反映账号问题。")
    assert "24 小时内最多" in str(error.value)
    with pytest.raises(ValidationError):
        subsidy_objection_answer(objection=objection, actor=city_admin, reply=" ")
    objection = subsidy_objection_answer(
        objection=objection, actor=city_admin, reply="已更正账号，下批次补发。"
    )
    assert objection.state == SubsidyObjectionState.ANSWERED and objection.replied_by == city_admin
    assert [e.to_state for e in objection.events.all()] == ["pending", "answered"]
