"""追回（退回）: money paid in excess on a payment — the bank paid more than due, or the month later found
undue (not eligible, paid twice by a manual error) — recorded, then 已追回 or 核销, each step an event row.

The sum of a payment's recoveries never exceeds what the bank paid on it (the payment row is locked while
a recovery is added, so two officers cannot together claim more).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope

from .models import (
    REVIEW_PERMISSION,
    RUN_PERMISSION,
    PaymentStatus,
    SubsidyPayment,
    SubsidyRecovery,
    SubsidyRecoveryEvent,
    SubsidyRecoveryMethod,
    SubsidyRecoveryReason,
    SubsidyRecoveryState,
)

CENT = Decimal("0.01")


def _require(actor, permission: str, region_code: str) -> None:
    if not actor.has_perm(permission) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有办理此业务的权限。"))


def recoverable_amount(payment: SubsidyPayment) -> Decimal:
    """What the bank paid on the payment less what is already claimed back (any state)."""
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.MISMATCH) or payment.paid_amount is None:
        return Decimal("0.00")
    claimed = payment.recoveries.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    return max(Decimal("0.00"), payment.paid_amount - claimed)


def overpaid_amount(payment: SubsidyPayment) -> Decimal:
    """银行多付: what the bank paid above the payment's amount (0 when it paid the amount or less)."""
    if payment.status != PaymentStatus.MISMATCH or payment.paid_amount is None:
        return Decimal("0.00")
    return max(Decimal("0.00"), payment.paid_amount - payment.amount)


@transaction.atomic
def subsidy_recovery_create(
    *, payment: SubsidyPayment, actor, amount: Decimal, reason_kind: str, reason: str,
    due_date: datetime.date,
) -> SubsidyRecovery:  # fmt: skip
    """登记追回: an amount (0.01 … what is still recoverable) with the reason and the date it is due back."""
    payment = SubsidyPayment.objects.select_for_update().select_related("due").get(pk=payment.pk)
    _require(actor, RUN_PERMISSION, payment.region_code)
    errors = {}
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.MISMATCH):
        raise ValidationError(_("只有银行已实付的补贴才能登记追回。"))
    limit = recoverable_amount(payment)
    if amount is None or amount <= 0:
        errors["amount"] = _("追回金额应大于0。")
    elif amount.quantize(CENT) != amount:
        errors["amount"] = _("追回金额最多两位小数。")
    elif amount > limit:
        errors["amount"] = _("追回金额不能超过银行实付金额减已登记追回后的 %(n)s 元。") % {"n": limit}
    if reason_kind not in SubsidyRecoveryReason.values:
        errors["reason_kind"] = _("请选择追回原因类型。")
    if not (reason or "").strip():
        errors["reason"] = _("请写明追回原因。")
    if due_date is None:
        errors["due_date"] = _("请填写应退回日期。")
    if errors:
        raise ValidationError(errors)
    recovery = SubsidyRecovery.objects.create(
        number=f"ZH-TMP-{timezone.now().timestamp()}", payment=payment, due=payment.due, amount=amount,
        reason_kind=reason_kind, reason=reason.strip(), due_date=due_date, region_code=payment.region_code,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    recovery.number = f"ZH{timezone.localdate():%Y%m}{recovery.pk:06d}"  # from the id: no counter race
    recovery.save(update_fields=["number"])
    SubsidyRecoveryEvent.objects.create(
        recovery=recovery, from_state="", to_state=SubsidyRecoveryState.PENDING, actor=actor,
        opinion=recovery.reason,
    )  # fmt: skip
    return recovery


def _move(recovery: SubsidyRecovery, *, actor, target: str, opinion: str, fields: dict) -> SubsidyRecovery:
    recovery = SubsidyRecovery.objects.select_for_update().get(pk=recovery.pk)
    if recovery.state != SubsidyRecoveryState.PENDING:
        raise ValidationError(_("该追回记录当前为“%(s)s”，不能办理。") % {"s": recovery.get_state_display()})
    previous = recovery.state
    for name, value in fields.items():
        setattr(recovery, name, value)
    recovery.state = target
    recovery.updated_by = actor
    recovery.save(update_fields=[*fields, "state", "updated_by", "updated_at"])
    SubsidyRecoveryEvent.objects.create(
        recovery=recovery, from_state=previous, to_state=target, actor=actor, opinion=opinion
    )
    return recovery


@transaction.atomic
def subsidy_recovery_receive(
    *, recovery: SubsidyRecovery, actor, received_on: datetime.date, method: str, receipt_number: str = ""
) -> SubsidyRecovery:
    """已追回: the money came back, on a date (not in the future) and by a method."""
    _require(actor, RUN_PERMISSION, recovery.region_code)
    errors = {}
    if received_on is None or received_on > timezone.localdate():
        errors["received_on"] = _("退回日期不能为空，也不能晚于今天。")
    if method not in SubsidyRecoveryMethod.values:
        errors["method"] = _("请选择退回方式。")
    if errors:
        raise ValidationError(errors)
    return _move(
        recovery, actor=actor, target=SubsidyRecoveryState.RECOVERED,
        opinion=_("%(m)s，凭证 %(r)s") % {"m": SubsidyRecoveryMethod(method).label, "r": receipt_number or "—"},
        fields={"received_on": received_on, "method": method, "receipt_number": (receipt_number or "").strip()},
    )  # fmt: skip


@transaction.atomic
def subsidy_recovery_write_off(*, recovery: SubsidyRecovery, actor, opinion: str) -> SubsidyRecovery:
    """核销: the money cannot be got back (e.g. the family is untraceable); needs the reviewer and an opinion."""
    _require(actor, REVIEW_PERMISSION, recovery.region_code)
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写核销审批意见。")})
    return _move(
        recovery, actor=actor, target=SubsidyRecoveryState.WRITTEN_OFF, opinion=opinion.strip(),
        fields={"approval_opinion": opinion.strip()},
    )  # fmt: skip
