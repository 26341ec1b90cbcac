"""The 「我的」 card of 我的办事: how many applications, how many need the applicant, unread messages.

Registered with ``portal.me_panels`` when this module is imported, which ``PortalConfig.ready()`` does
(one line), like the other topics' cards.
"""

from __future__ import annotations

from ..me_panels import MePanel, register
from .selectors import affairs_summary


def affairs_panel_context(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_applicant", False):
        return None
    # Shown even with no application: it is where the applicant follows a case and reads messages.
    return affairs_summary(user=user)


def register_panel() -> None:
    register(
        MePanel(
            code="affairs", template="portal/affairs/_me_panel.html", context=affairs_panel_context, order=10
        )
    )


register_panel()
