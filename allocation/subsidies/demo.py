"""Demo: several months of 补贴发放 for the demo rent-subsidy agreements.

Three months ago: a batch sent and reconciled as paid. Two months ago: the bank paid one family 50 元 too
much (金额不符), recovered (追回 → 已追回). Last month: one line failed (账号不存在), the account corrected
and re-issued in a second batch. This month: due rows with one family held — its property appears in the
department mirror — who has a portal account (手机 13800000088) and an objection answered.

Idempotent: the runs add nothing a second time, a month's batches are made only when it has none, the
mirror record, the account, the recovery and the objection are made once. Does nothing when the contracts
demo signed no rent-subsidy agreement.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from housing.accounts.demo import DEMO_PASSWORD
from housing.accounts.models import User

from ..contracts.models import Contract, ContractKind, ContractState
from .models import PaymentBatch, PaymentStatus, SubsidyDue, SubsidyDueState, SubsidyObjection, SubsidyPayment
from .services import (
    bank_result_import,
    payment_batch_create,
    payment_batch_export,
    payment_cycle_of,
    subsidy_due_run,
    subsidy_payment_reissue,
)

CITY = "440400000000"
HELD_PHONE = "13800000088"


def _months_back(n: int) -> str:
    day = timezone.localdate().replace(day=1)
    for _i in range(n):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day.strftime("%Y-%m")


def _send(batch: PaymentBatch, city, *, overpay: bool = False, fail: bool = False) -> None:
    payment_batch_export(batch=batch, actor=city, file_format="csv")
    lines = ["业务编号,金额,处理结果,失败原因"]
    for seq, p in enumerate(batch.payments.order_by("pk")):
        if fail and seq == 0:
            lines.append(f"{p.number},{p.amount:.2f},失败,账号不存在")
        elif overpay and seq == 0:
            lines.append(f"{p.number},{p.amount + Decimal('50.00'):.2f},成功,")
        else:
            lines.append(f"{p.number},{p.amount:.2f},成功,")
    bank_result_import(
        batch=batch,
        file_name=f"演示银行回执-{batch.period}.csv",
        content="\n".join(lines).encode(),
        actor=city,
    )


def _dated(batch: PaymentBatch, day: int) -> None:
    """The demo makes past months' batches today; their dates are moved to that month so that the history
    reads as it happened (a batch on the 15th, a re-issue on the 25th)."""
    year, month = map(int, batch.period.split("-"))
    when = timezone.make_aware(datetime.datetime(year, month, day, 10, 0))
    PaymentBatch.objects.filter(pk=batch.pk).update(created_at=when, exported_at=when)
    batch.payments.update(created_at=when)
    batch.payments.exclude(paid_at=None).update(paid_at=when + datetime.timedelta(days=1))
    batch.result_imports.update(imported_at=when + datetime.timedelta(days=1))


def _month(period: str, project_code: str, city, **outcome) -> None:
    subsidy_due_run(period=period, project_code=project_code, actor=city)
    if PaymentBatch.objects.filter(period=period, project_code=project_code).exists():
        return
    if not SubsidyDue.objects.filter(
        period=period, project_code=project_code, state=SubsidyDueState.PAYABLE
    ).exists():
        return
    batch = payment_batch_create(period=period, project_code=project_code, region_code=CITY, actor=city)
    _send(batch, city, **outcome)
    _dated(batch, 15)
    if outcome.get("fail"):
        failed = batch.payments.filter(status=PaymentStatus.FAILED).first()
        if failed is not None:
            subsidy_payment_reissue(payment=failed, actor=city, bank_name="中国建设银行珠海分行",
                                    bank_account="6217000011112222333", opinion="申请人提供新账号")  # fmt: skip
            again = payment_batch_create(
                period=period, project_code=project_code, region_code=CITY, actor=city
            )
            _send(again, city)
            _dated(again, 25)
    if outcome.get("overpay"):
        from .recoveries import subsidy_recovery_create, subsidy_recovery_receive

        over = SubsidyPayment.objects.filter(batch=batch, status=PaymentStatus.MISMATCH).first()
        if over is not None and not over.recoveries.exists():
            recovery = subsidy_recovery_create(
                payment=over, actor=city, amount=over.paid_amount - over.amount, reason_kind="bank_overpaid",
                reason="银行多付50元（银行回执金额与代发文件不符）", due_date=timezone.localdate(),
            )  # fmt: skip
            subsidy_recovery_receive(recovery=recovery, actor=city, received_on=timezone.localdate(),
                                     method="bank_reversal", receipt_number="CZ-DEMO-1")  # fmt: skip


def _held_family(agreement: Contract):
    """The department mirror shows a flat of the family; the family gets a portal account to see why."""
    from housing.accounts.services import applicant_register
    from housing.exchange.models import Dataset, MirrorRecord
    from housing.exchange.services import datasets_sync

    entry = agreement.registry_entry
    datasets_sync()
    dataset = Dataset.objects.filter(code="real_estate").first()
    if dataset is not None and not MirrorRecord.objects.filter(dataset=dataset, source="演示",
                                                               id_number_digest=entry.id_number_digest).exists():  # fmt: skip
        MirrorRecord.objects.create(
            dataset=dataset, id_number_digest=entry.id_number_digest, id_number_masked=entry.id_number_masked,
            values={"certificate_number": "粤(2026)珠海市不动产权第0000001号", "address": "香洲区演示路1号",
                    "floor_area": "89.00"},
            source="演示", source_date=timezone.localdate(),
        )  # fmt: skip
    user = User.objects.filter(phone=HELD_PHONE).first()
    if user is None and entry.id_number:
        user = applicant_register(
            phone=HELD_PHONE,
            id_number=entry.id_number,
            real_name=entry.applicant_name,
            password=DEMO_PASSWORD,
        )
    return user


def seed_demo_subsidies() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    agreements = Contract.objects.filter(kind=ContractKind.RENT_SUBSIDY, state=ContractState.SIGNED)
    if city is None or not agreements.exists():
        return []
    printed = []
    projects = set(agreements.values_list("registry_entry__project_code", flat=True))
    for project_code in projects:
        if payment_cycle_of(project_code) == "quarterly":  # the demo's agreements are monthly (廉租)
            continue
        _month(_months_back(3), project_code, city)
        _month(_months_back(2), project_code, city, overpay=True)
        _month(_months_back(1), project_code, city, fail=True)
        held = agreements.filter(registry_entry__project_code=project_code).order_by("pk").last()
        user = _held_family(held)
        subsidy_due_run(period=_months_back(0), project_code=project_code, actor=city)
        due = SubsidyDue.objects.filter(agreement=held, period=_months_back(0)).first()
        if user is not None and due is not None and not SubsidyObjection.objects.filter(due=due).exists():
            from .objections import subsidy_objection_answer, subsidy_objection_submit

            objection = subsidy_objection_submit(
                due=due, applicant=user, content="该房产已于今年出售，不再属于我家，请核实后发放。"
            )
            subsidy_objection_answer(
                objection=objection,
                actor=city,
                reply="已收到，请于10个工作日内到街道窗口提交房屋买卖合同及过户证明。",
            )
        if user is not None:
            printed = [("申请人（门户：我的补贴，本月暂缓发放）", HELD_PHONE, DEMO_PASSWORD)]
    return printed
