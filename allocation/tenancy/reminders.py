"""催缴短信: a daily, idempotent job texting each family whose rent is still owed some days after 应收时间.

``RENT_REMINDER_DAYS`` after 应收时间 the first reminder goes; then one more every
``RENT_REMINDER_REPEAT_DAYS`` while the receivable is still owed (0: only once). Each reminder is one row,
unique per receivable and round, written in the same transaction as its outbox message: a re-run, or two
workers at once, never text a family twice for the same round.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from housing.accounts.identity import mask_phone

from .models import RentReceivable, RentReminder

TEMPLATE_CODE = "allocation.rent_reminder"
MESSAGE_TEMPLATES = (
    (
        TEMPLATE_CODE,
        "sms",
        "租金催缴（短信）",
        "",
        "【住房保障】您好，您家{{ year }}年{{ month }}月的公租房租金尚有{{ amount }}元未缴（应收编号{{ number }}），"
        "请及时缴纳；如已缴纳请忽略。",
    ),
)
CHUNK = 1000


def reminder_templates_sync() -> list:
    """The reminder's SMS wording; idempotent (an administrator's edits are kept)."""
    from housing.notify.models import MessageTemplate

    for code, channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )
    return []


def reminder_round(*, due_on: datetime.date, today: datetime.date, days: int, repeat: int) -> int:
    """0 when not yet due for a reminder; else 1 for the first, 2 after ``repeat`` more days, …"""
    late = (today - due_on).days - days
    if late < 0:
        return 0
    return 1 + (late // repeat if repeat > 0 else 0)


def rent_reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Send the reminders due today; returns how many were sent and how many had been sent already."""
    from django.utils import timezone

    from housing.notify.services import notify_send

    today = today or timezone.localdate()
    days = int(getattr(settings, "RENT_REMINDER_DAYS", 15))
    repeat = int(getattr(settings, "RENT_REMINDER_REPEAT_DAYS", 30))
    reminder_templates_sync()
    owed = RentReceivable.objects.filter(
        outstanding_amount__gt=0, due_on__lte=today - datetime.timedelta(days=days)
    ).order_by("pk")
    fields = ("pk", "number", "region_code", "registry_entry_id", "registry_entry__phone", "year", "month",
              "due_on", "outstanding_amount")  # fmt: skip
    sent = already = 0
    last_id = 0
    while True:
        rows = list(owed.filter(pk__gt=last_id).values_list(*fields)[:CHUNK])
        if not rows:
            break
        last_id = rows[-1][0]
        # one query per chunk for the rounds already sent
        done = set(
            RentReminder.objects.filter(receivable_id__in=[r[0] for r in rows]).values_list(
                "receivable_id", "round"
            )
        )
        for pk, number, region_code, entry_id, phone, year, month, due_on, outstanding in rows:
            round_ = reminder_round(due_on=due_on, today=today, days=days, repeat=repeat)
            if (pk, round_) in done:
                already += 1
                continue
            try:
                with transaction.atomic():
                    reminder = RentReminder.objects.create(
                        receivable_id=pk, registry_entry_id=entry_id, region_code=region_code, round=round_,
                        sent_on=today, outstanding_amount=outstanding, phone_masked=mask_phone(phone or ""),
                    )  # fmt: skip
                    messages = notify_send(
                        template_code=TEMPLATE_CODE, address=phone or "", channels=("sms",),
                        context={"year": year, "month": month, "amount": f"{outstanding:.2f}", "number": number},
                    )  # fmt: skip
                    if messages:
                        RentReminder.objects.filter(pk=reminder.pk).update(message=messages[0])
            except IntegrityError:  # another worker sent this round a moment ago
                already += 1
                continue
            sent += 1
    return {"sent": sent, "already": already}
