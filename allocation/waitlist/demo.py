"""Demo: a few refusals on the demo city's waiting families, and one family removed at the limit.

Idempotent: the demo refusals carry the source ``DEMO_SOURCE``; a second run finds them and adds nothing.
Runs after the registry demo (the waitlist exists by then); with fewer than three waiting families it
seeds only the message wordings.
"""

from __future__ import annotations

from django.db.models import Count

from admission.registry.models import WaitlistEntry, WaitlistStatus

from .models import WaitlistRefusal
from .services import refusal_limit, waitlist_message_templates_sync, waitlist_refusal_record

DEMO_SOURCE = "演示选房场次 XF-DEMO-2026-01"
REASONS = (
    ("refused", "认为所配住房楼层过高，老人上下楼不便"),
    ("absent", "选房当日未到场，也未委托他人"),
    ("refused", "所配住房离工作地点较远"),
)


def seed_demo_waitlist() -> list[tuple[str, str, str]]:
    from housing.accounts.models import User
    from housing.accounts.system import system_actor

    waitlist_message_templates_sync()
    if WaitlistRefusal.objects.filter(source=DEMO_SOURCE).exists():
        return []
    queue = WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING, registry_entry__status="waiting")
    longest = (
        queue.values("project_code", "mode_code", "waitlist_region_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "project_code", "mode_code", "waitlist_region_code")
        .first()
    )
    if longest is None:
        return []
    longest.pop("n")
    waiting = list(queue.filter(**longest).order_by("sort_key", "pk")[:6])
    if len(waiting) < 3:
        return []
    actor = User.objects.filter(username="city").first() or system_actor()
    # The 2nd family of the list refuses up to the limit and leaves; the 3rd refuses once, the 5th twice
    # (or the last ones on a short list) — so the families behind the 2nd read “1 户因多次拒绝被移出”.
    limit = refusal_limit()
    plan = [
        (waiting[1], limit),
        (waiting[2], min(1, limit - 1)),
        (waiting[min(4, len(waiting) - 1)], min(2, limit - 1)),
    ]
    for entry, times in plan:
        for i in range(times):
            kind, reason = REASONS[i % len(REASONS)]
            waitlist_refusal_record(entry=entry, actor=actor, reason=reason, kind=kind, source=DEMO_SOURCE)
    return []
