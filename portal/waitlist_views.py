"""Portal pages of allocation's waitlist part (login where personal): 我的轮候 and its 「我的」 card.

The family sees its waitlist number, its position, how many families wait, and why the position moved
since it registered — in counts only (已配租配售, 撤回申请, 因多次拒绝被移出, 新登记排在前面); no other
family's name or number is ever read for these pages.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from admission.registry.models import WaitlistStatus
from allocation.waitlist import selectors
from allocation.waitlist.services import refusal_limit, waiting_years

from .views import applicant_required


def _entry_card(entry) -> dict:
    waiting = entry.status == WaitlistStatus.WAITING
    card = {
        "entry": entry,
        "waiting": waiting,
        "summary": selectors.waitlist_position_summary(entry=entry),
        "refusals": selectors.entry_refusals(entry=entry),
        "deadline": selectors.waiting_deadline(entry.registered_at),
        "deadline_text": selectors.waiting_status_text(entry.registered_at) if waiting else "",
    }
    card["changes"] = selectors.waitlist_changes_ahead(entry=entry) if waiting else []
    return card


@applicant_required
def waitlist_mine(request):
    """我的轮候: the signed-in applicant's own waitlist entries (matched by ID number), nothing else."""
    entries = selectors.waitlist_entries_of_applicant(user=request.user)
    return render(
        request,
        "portal/waitlist/mine.html",
        {
            "title": _("我的轮候"),
            "cards": [_entry_card(entry) for entry in entries],
            "limit": refusal_limit(),
            "years": waiting_years(),
        },
    )


urlpatterns = [
    path("", waitlist_mine, name="waitlist_mine"),
]


def _panel_context(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_applicant", False):
        return None
    entries = selectors.waitlist_entries_of_applicant(user=user)[:3]
    if not entries:
        return None
    rows = [
        (
            entry,
            selectors.waitlist_position_summary(entry=entry)
            if entry.status == WaitlistStatus.WAITING
            else None,
        )
        for entry in entries
    ]
    return {"rows": rows, "limit": refusal_limit()}


def register_panel() -> None:
    """Adds this topic's card to 「我的」 (``portal.me_panels``); called from ``PortalConfig.ready()``."""
    from .me_panels import MePanel, register

    register(
        MePanel(code="waitlist", template="portal/waitlist/_me_panel.html", context=_panel_context, order=110)
    )
