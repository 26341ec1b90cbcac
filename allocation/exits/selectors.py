"""Reads of 保障退出: scoped back-office reads, the overstay rents for the rent run, and 信用记录 by person."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import CreditEntry, ExitCase, ExitState


def exit_case_list(*, user) -> QuerySet[ExitCase]:
    return (
        scope_queryset(ExitCase.objects.all(), user)
        .select_related("registry_entry")
        .only(
            "pk", "number", "trigger", "state", "reason", "region_code", "move_out_deadline", "created_at",
            "registry_entry__application_number", "registry_entry__applicant_name",
        )
    )  # fmt: skip


def exit_case_get_for_user(*, user, pk) -> ExitCase:
    return get_in_scope_or_404(
        ExitCase.objects.select_related("registry_entry", "move_in__unit", "notice_document"), user, pk=pk
    )


def exit_overstay_rents(move_in_ids, period: str) -> dict[int, Decimal]:
    """Move-in id → the monthly overstay rent (market rent × EXIT_OVERSTAY_RENT_FACTOR, fixed on the notice)
    for ``period`` ("YYYY-MM"), for move-ins whose case is 已通知 (or 已退出 later in the month) and whose
    腾退期限 ended before the month began. The deadline's own month is charged at the normal rent."""
    from ..tenancy.services import period_parse

    first_day = period_parse(period).first_day
    rows = ExitCase.objects.filter(
        move_in_id__in=list(move_in_ids), state__in=(ExitState.NOTIFIED, ExitState.EXITED),
        move_out_deadline__lt=first_day, market_monthly_rent__isnull=False,
    ).values_list("move_in_id", "market_monthly_rent")  # fmt: skip
    return dict(rows)


def credit_barred_digests(digests, on_date: datetime.date) -> set[str]:
    """The ID-number digests with a 信用记录 whose bar covers ``on_date``."""
    return set(
        CreditEntry.objects.filter(
            id_number_digest__in=[d for d in digests if d], recorded_on__lte=on_date, barred_until__gt=on_date
        ).values_list("id_number_digest", flat=True)
    )


class CreditFactsProvider:
    """``on_credit_blacklist`` for a Family or an Application: True when the applicant or an active member
    has a 信用记录 within its bar. Registered from ``hooks.ready()``."""

    code = "allocation.exits.credit"

    def accepts(self, subject) -> bool:
        from admission.models import Application, Family

        return isinstance(subject, Family | Application)

    def facts(self, subject, *, on_date: datetime.date) -> dict:
        from admission.models import Application, MemberStatus

        family = subject.family if isinstance(subject, Application) else subject
        digests = {family.id_number_digest}
        if family.pk:
            digests |= set(
                family.members.filter(status=MemberStatus.ACTIVE).values_list("id_number_digest", flat=True)
            )
        return {"on_credit_blacklist": bool(credit_barred_digests(digests, on_date))}
