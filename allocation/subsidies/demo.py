"""Demo: this month's 补贴应发 of the demo rent-subsidy agreements, one batch sent and reconciled as paid.

Idempotent and fast: the run adds nothing a second time, and the batch is made only when the month has
none. Does nothing when the contracts demo signed no rent-subsidy agreement.
"""

from __future__ import annotations

from django.utils import timezone

from housing.accounts.models import User

from ..contracts.models import Contract, ContractKind, ContractState
from .models import PaymentBatch, SubsidyDue, SubsidyDueState
from .services import bank_result_import, payment_batch_create, payment_batch_export, subsidy_due_run

CITY = "440400000000"


def seed_demo_subsidies() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    agreements = Contract.objects.filter(kind=ContractKind.RENT_SUBSIDY, state=ContractState.SIGNED)
    if city is None or not agreements.exists():
        return []
    period = timezone.localdate().strftime("%Y-%m")
    projects = set(agreements.values_list("registry_entry__project_code", flat=True))
    for project_code in projects:
        subsidy_due_run(period=period, project_code=project_code, actor=city)
        if PaymentBatch.objects.filter(period=period, project_code=project_code).exists():
            continue
        if not SubsidyDue.objects.filter(
            period=period, project_code=project_code, state=SubsidyDueState.PAYABLE
        ).exists():
            continue
        batch = payment_batch_create(period=period, project_code=project_code, region_code=CITY, actor=city)
        payment_batch_export(batch=batch, actor=city, file_format="csv")
        lines = ["业务编号,金额,处理结果,失败原因"] + [
            f"{p.number},{p.amount:.2f},成功," for p in batch.payments.order_by("pk")
        ]
        bank_result_import(
            batch=batch, file_name="演示银行回执.csv", content="\n".join(lines).encode("utf-8"), actor=city
        )
    return []
