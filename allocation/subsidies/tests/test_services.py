"""补贴应发 and 补贴实发: amounts to the cent, idempotent runs, held rows with their reason, bank files,
result reconciliation, re-issue, and never paying a row twice."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from allocation.subsidies.models import (
    BankResultLine,
    BankResultOutcome,
    PaymentBatchState,
    PaymentStatus,
    SubsidyDue,
    SubsidyDueState,
    SubsidyPayment,
)
from allocation.subsidies.services import (
    bank_result_import,
    payment_batch_create,
    payment_batch_export,
    subsidy_due_cancel,
    subsidy_due_release,
    subsidy_due_run,
    subsidy_payment_reissue,
)

CITY = "440400000000"
S = SubsidyDueState


def run(actor, period="2026-03"):
    return subsidy_due_run(period=period, project_code="lianzu", actor=actor)


def batch_for(actor, period="2026-03", layout="default"):
    return payment_batch_create(
        period=period, project_code="lianzu", region_code=CITY, actor=actor, layout=layout
    )


def result_csv(rows, header=("业务编号", "金额", "处理结果", "失败原因")) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def test_full_month_pays_the_agreements_monthly_amount(agreement, city_admin):
    contract = agreement("1234.56")
    assert run(city_admin) == {"created": 1, "held": 0}
    due = SubsidyDue.objects.get()
    assert due.agreement == contract and due.amount == Decimal("1234.56") and isinstance(due.amount, Decimal)
    assert due.state == S.PAYABLE and due.days_covered == 31 and due.year == 2026 and due.month == 3


def test_partial_month_is_prorated_by_days_half_up(agreement, city_admin):
    agreement("1000.00", start=datetime.date(2026, 3, 11))  # 21 of 31 days: 677.419… → 677.42
    agreement("1000.00", start=datetime.date(2025, 1, 1), end=datetime.date(2026, 3, 10))  # 10 of 31: 322.58
    agreement("1000.00", start=datetime.date(2025, 1, 1), end=datetime.date(2026, 2, 28))  # ended: nothing
    run(city_admin)
    amounts = sorted(SubsidyDue.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("322.58"), Decimal("677.42")]
    assert sum(amounts) == Decimal("1000.00")


def test_running_the_same_month_twice_creates_nothing_new(agreement, city_admin):
    agreement()
    agreement("800.00")
    assert run(city_admin)["created"] == 2
    assert run(city_admin) == {"created": 0, "held": 0}
    assert SubsidyDue.objects.count() == 2


def test_a_property_in_the_mirror_holds_the_row_with_its_reason(agreement, mirror, city_admin):
    owner = agreement()
    other = agreement()
    mirror(owner.registry_entry, "real_estate", certificate_number="粤2026珠海不动产权第1号",
           address="香洲区人民东路1号", floor_area="88.00")  # fmt: skip
    assert run(city_admin) == {"created": 2, "held": 1}
    held = SubsidyDue.objects.get(agreement=owner)
    assert held.state == S.HELD
    assert (
        "不动产登记显示家庭在本市已有住房" in held.hold_reason_text and "人民东路1号" in held.hold_reason_text
    )
    assert SubsidyDue.objects.get(agreement=other).state == S.PAYABLE
    with pytest.raises(ValidationError):  # a held row is in no batch
        batch_for(city_admin, period="2026-04")
    assert batch_for(city_admin).payment_count == 1


def test_social_insurance_stopped_and_another_benefit_hold_the_row(agreement, mirror, city_admin):
    stopped = agreement()
    mirror(stopped.registry_entry, "social_insurance", employer="某公司", monthly_base="5000", months_paid=12,
           is_active=False)  # fmt: skip
    double = agreement()
    agreement(entry=double.registry_entry, kind="public_rental", number="GZ-1")  # a 公租房 contract as well
    run(city_admin)
    assert "已停止在本市参保" in SubsidyDue.objects.get(agreement=stopped).hold_reason_text
    assert "同时享受其他住房保障：公租房租赁合同" in SubsidyDue.objects.get(agreement=double).hold_reason_text


def test_cumulative_months_over_the_rules_limit_hold_the_row(agreement, city_admin):
    contract = agreement(amount_basis=[{"name": "累计发放月数上限", "value": "2", "measure": "月"}])
    run(city_admin, "2026-01")
    run(city_admin, "2026-02")
    run(city_admin, "2026-03")
    due = SubsidyDue.objects.get(agreement=contract, period="2026-03")
    assert due.state == S.HELD and "已达规则规定的上限2个月" in due.hold_reason_text
    assert SubsidyDue.objects.get(agreement=contract, period="2026-02").state == S.PAYABLE


def test_a_caseworker_releases_or_cancels_a_held_row_with_an_opinion(agreement, mirror, city_admin):
    first, second = agreement(), agreement()
    for contract in (first, second):
        mirror(
            contract.registry_entry, "real_estate", certificate_number="X", address="某处", floor_area="50"
        )
    run(city_admin)
    due_a, due_b = SubsidyDue.objects.order_by("pk")
    with pytest.raises(ValidationError) as error:
        subsidy_due_release(due=due_a, actor=city_admin, opinion=" ")
    assert "复核意见" in str(error.value)
    due_a = subsidy_due_release(due=due_a, actor=city_admin, opinion="已出售该房产，提供交易证明。")
    due_b = subsidy_due_cancel(due=due_b, actor=city_admin, opinion="已购房，停发。")
    assert (due_a.state, due_b.state) == (S.PAYABLE, S.CANCELLED)
    event = due_a.events.get()
    assert (event.from_state, event.to_state, event.actor) == (S.HELD, S.PAYABLE, city_admin)
    with pytest.raises(ValidationError):
        subsidy_due_release(due=due_b, actor=city_admin, opinion="再发")


def test_batch_export_follows_the_banks_column_layout(agreement, city_admin, settings):
    agreement("1234.50")
    run(city_admin)
    batch = batch_for(city_admin)
    name, content = payment_batch_export(batch=batch, actor=city_admin, file_format="csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "业务编号", "户名", "账号", "开户行", "金额", "用途"]
    assert rows[1][1] == SubsidyPayment.objects.get().number and rows[1][3] == "6222020400012345678"
    assert rows[1][5] == "1234.50" and name.endswith(".csv")
    batch.refresh_from_db()
    assert batch.state == PaymentBatchState.EXPORTED

    settings.SUBSIDY_BANK_LAYOUTS = {"boc": {"name": "中国银行", "columns": [("account", "账号"), ("amount", "金额（分）")],
                                             "amount_format": "fen", "result_columns": {}}}  # fmt: skip
    batch.layout = "boc"
    name, content = payment_batch_export(batch=batch, actor=city_admin, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["账号", "金额（分）"],
        ["6222020400012345678", "123450"],
    ]


def test_result_import_reconciles_paid_failed_mismatch_and_keeps_unknown_lines(agreement, city_admin):
    for amount in ("1000.00", "900.00", "800.00"):
        agreement(amount)
    run(city_admin)
    batch = batch_for(city_admin)
    paid, failed, short = SubsidyPayment.objects.order_by("amount").reverse()
    content = result_csv([
        (paid.number, "1000.00", "成功", ""),
        (failed.number, "900.00", "失败", "账户已销户"),
        (short.number, "700.00", "成功", ""),
        ("SF999999999999", "50.00", "成功", ""),
    ])  # fmt: skip
    result = bank_result_import(batch=batch, file_name="回执.csv", content=content, actor=city_admin)
    outcomes = dict(BankResultLine.objects.filter(result_import=result).values_list("line_number", "outcome"))
    assert outcomes == {2: BankResultOutcome.PAID, 3: BankResultOutcome.FAILED, 4: BankResultOutcome.MISMATCH,
                        5: BankResultOutcome.UNMATCHED}  # fmt: skip
    paid.refresh_from_db(), failed.refresh_from_db(), short.refresh_from_db()
    assert paid.status == PaymentStatus.PAID and paid.due.state == S.PAID
    assert (
        failed.status == PaymentStatus.FAILED
        and failed.bank_reason == "账户已销户"
        and failed.due.state == S.FAILED
    )
    assert short.status == PaymentStatus.MISMATCH and short.shortfall_amount == Decimal("100.00")
    batch.refresh_from_db()
    assert batch.state == PaymentBatchState.RECONCILED
    with pytest.raises(ValidationError) as error:  # the same file twice
        bank_result_import(batch=batch, file_name="回执.csv", content=content, actor=city_admin)
    assert "已导入过" in str(error.value)
    with pytest.raises(ValidationError) as error:  # another file once every line has its answer
        bank_result_import(batch=batch, file_name="回执2.csv", content=result_csv([(paid.number, "1.00", "失败", "")]),
                           actor=city_admin)  # fmt: skip
    assert "已对账" in str(error.value)
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.PAID and batch.result_imports.count() == 1


def test_result_import_records_the_banks_words_and_explains_a_short_payment(agreement, city_admin):
    for amount in ("1000.00", "900.00", "800.00", "700.00"):
        agreement(amount)
    run(city_admin)
    batch = batch_for(city_admin)
    first, second, short, other = SubsidyPayment.objects.order_by("-amount")
    content = result_csv([
        (first.number, "1000.00", "成功", ""),
        (second.number, "900.00", "成功", "交易流水 0042"),
        (short.number, "750.50", "成功", ""),
        (other.number, "700.00", "失败", "账户冻结"),
    ])  # fmt: skip
    before = first.updated_at
    result = bank_result_import(batch=batch, file_name="回执.csv", content=content, actor=city_admin)
    for payment in (first, second, short, other):
        payment.refresh_from_db()
    # No reason from the bank: its processing result is kept instead.
    assert (first.bank_reason, first.paid_amount, first.updated_by) == (
        "成功",
        Decimal("1000.00"),
        city_admin,
    )
    assert first.updated_at > before and first.paid_at is not None
    assert second.bank_reason == "交易流水 0042" and second.status == PaymentStatus.PAID
    assert (short.status, short.paid_amount, short.shortfall_amount) == (
        PaymentStatus.MISMATCH, Decimal("750.50"), Decimal("49.50"),
    )  # fmt: skip
    assert short.shortfall_reason == "银行实付 750.50 元，应付 800.00 元"
    line = BankResultLine.objects.get(result_import=result, payment=short)
    assert line.note == short.shortfall_reason
    assert other.status == PaymentStatus.FAILED and other.bank_reason == "账户冻结" and other.paid_at is None
    assert other.due.state == S.FAILED and short.due.state == S.PAID


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (result_csv([("X", "1.00", "成功")], header=("编号", "金额", "处理结果")), "文件缺少列：业务编号"),
        (result_csv([("SF1", "一百", "成功", "")]), "第3行：金额“一百”不是有效数字"),
        (b"\xff\xfe\x00garbage\xff", "文件无法识别"),
        (b"", "文件为空"),
    ],
)
def test_a_malformed_result_file_changes_nothing(agreement, city_admin, content, message):
    agreement()
    run(city_admin)
    batch = batch_for(city_admin)
    payment = SubsidyPayment.objects.get()
    good_first_line = (
        result_csv([(payment.number, "1000.00", "成功", "")]).decode("utf-8-sig").splitlines()[1]
    )
    if b"\xe4\xb8\x80" in content:  # put a valid line before the bad one: it must not be applied either
        content = content.replace(b"\r\nSF1", ("\r\n" + good_first_line + "\r\nSF1").encode())
    with pytest.raises(ValidationError) as error:
        bank_result_import(batch=batch, file_name="bad.csv", content=content, actor=city_admin)
    assert message in str(error.value)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and not BankResultLine.objects.exists()


def test_failed_payment_is_reissued_into_a_new_batch_after_correcting_the_account(agreement, city_admin):
    contract = agreement()
    run(city_admin)
    first = batch_for(city_admin)
    payment = SubsidyPayment.objects.get()
    bank_result_import(batch=first, file_name="r.csv", content=result_csv([(payment.number, "1000.00", "失败", "户名不符")]),
                       actor=city_admin)  # fmt: skip
    payment.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        subsidy_payment_reissue(payment=payment, actor=city_admin, bank_name="建设银行", bank_account="abc")
    assert "bank_account" in error.value.message_dict
    due = subsidy_payment_reissue(payment=payment, actor=city_admin, bank_name="建设银行",
                                  bank_account="6217 0000 1111 2222 333")  # fmt: skip
    assert due.state == S.PAYABLE
    contract = type(contract).objects.get(pk=contract.pk)  # protected FSM fields refuse refresh_from_db
    assert contract.bank_account == "6217000011112222333" and contract.bank_name == "建设银行"
    second = batch_for(city_admin)
    new = second.payments.get()
    assert new.bank_account == "6217000011112222333" and new.due_id == payment.due_id
    assert SubsidyPayment.objects.filter(due=due).count() == 2  # the failed one is kept as history
    _name, content = payment_batch_export(batch=second, actor=city_admin)
    assert "6217000011112222333" in content.decode("utf-8-sig")


def test_no_row_is_paid_twice(agreement, city_admin):
    agreement()
    run(city_admin)
    batch = batch_for(city_admin)
    payment = SubsidyPayment.objects.get()
    bank_result_import(batch=batch, file_name="r.csv", content=result_csv([(payment.number, "1000.00", "成功", "")]),
                       actor=city_admin)  # fmt: skip
    with pytest.raises(ValidationError):
        batch_for(city_admin)  # nothing payable left
    # Even forced back to 待发放, the database refuses a second live payment of the paid row.
    SubsidyDue.objects.update(state=S.PAYABLE)
    with pytest.raises(ValidationError) as error:
        batch_for(city_admin)
    assert "其他批次" in str(error.value)
    assert SubsidyPayment.objects.count() == 1


def test_a_run_killed_half_way_then_rerun_gives_exactly_the_uninterrupted_rows(
    agreement, city_admin, monkeypatch
):
    from allocation.subsidies import services

    for amount in ("100.00", "200.00", "300.00"):
        agreement(amount)
    monkeypatch.setattr(services, "CHUNK", 1)
    calls = {"n": 0}
    real_bulk_create = SubsidyDue.objects.bulk_create

    def crash_on_second_chunk(rows, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_bulk_create(rows, **kwargs)

    monkeypatch.setattr(SubsidyDue.objects, "bulk_create", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        run(city_admin)
    assert SubsidyDue.objects.count() == 1  # the first chunk was committed
    assert run(city_admin)["created"] == 2
    assert sorted(SubsidyDue.objects.values_list("amount", flat=True)) == [
        Decimal("100.00"), Decimal("200.00"), Decimal("300.00"),
    ]  # fmt: skip


def test_a_family_overdue_for_its_annual_review_is_not_paid_that_month_and_reads_why(agreement, city_admin):
    from allocation.annual_review.models import AnnualReview

    contract = agreement()
    entry = contract.registry_entry
    AnnualReview.objects.create(
        number="NS-TEST-1", year=2025, deadline=datetime.date(2025, 12, 31), registry_entry=entry,
        project_code="lianzu", mode_code="rent_subsidy", region_code=entry.region_code,
        suspended_from=datetime.date(2026, 1, 1),
    )  # fmt: skip
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=city_admin)
    due = SubsidyDue.objects.get(agreement=contract)
    assert due.state == SubsidyDueState.CANCELLED and "逾期未参加年审" in due.hold_reason_text
    assert "不补发" in due.hold_reason_text
