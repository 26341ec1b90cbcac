"""Test helpers: read the SMS codes from the notify outbox, as the phone would receive them."""

from __future__ import annotations

import re

from housing.notify.models import Message


def last_sms_code(phone: str) -> str:
    """The code in the newest SMS to ``phone`` in the notify outbox."""
    message = Message.objects.filter(address=phone, template_code="portal.sms_code").latest("pk")
    return re.search(r"\d{6}", message.body).group(0)


def sms_count(phone: str) -> int:
    return Message.objects.filter(address=phone, template_code="portal.sms_code").count()
