"""每月固定发生款项 (A.8.7): a household's fixed monthly charges (物业费、公摊水电 …) beside its rent."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import RENT_COLLECT_PERMISSION, MonthlyFixedCharge, MoveIn
from .services import _require, money


@transaction.atomic
def fixed_charge_create(
    *, move_in: MoveIn, actor, description: str, year: int, month: int, amount: Decimal
) -> MonthlyFixedCharge:
    """One charge for one household and month; the family must hold the unit in that month."""
    from housing.documents.services import document_number_next

    _require(actor, RENT_COLLECT_PERMISSION, move_in.region_code)
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("请填写发生款项说明。")
    if not (2000 <= int(year or 0) <= 2100):
        errors["year"] = _("发生年度应为四位年份，例如 2026。")
    if not (1 <= int(month or 0) <= 12):
        errors["month"] = _("发生月份应在 1 至 12 之间。")
    amount = money(amount) if amount is not None else None
    if amount is None or amount <= 0:
        errors["amount"] = _("款项金额应大于 0。")
    if not errors:
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if move_in.moved_in_on > last or (move_in.vacated_on and move_in.vacated_on < first):
            errors["month"] = _("该户 %(y)s 年 %(m)s 月未入住（入住 %(i)s%(v)s）。") % {
                "y": year, "m": month, "i": move_in.moved_in_on,
                "v": _("，腾退 %(d)s") % {"d": move_in.vacated_on} if move_in.vacated_on else "",
            }  # fmt: skip
        elif MonthlyFixedCharge.objects.filter(move_in=move_in, year=year, month=month,
                                               description=description).exists():  # fmt: skip
            errors["description"] = _("该户 %(y)s 年 %(m)s 月已有“%(d)s”。") % {
                "y": year,
                "m": month,
                "d": description,
            }
    if errors:
        raise ValidationError(errors)
    charge = MonthlyFixedCharge(
        number=document_number_next(prefix="GD", year=year),
        description=description[:200],
        year=year,
        month=month,
        amount=amount,
        move_in=move_in,
        unit_id=move_in.unit_id,
        registry_entry_id=move_in.registry_entry_id,
        region_code=move_in.region_code,
        created_by=actor,
        updated_by=actor,
    )
    charge.full_clean()
    charge.save()
    return charge
