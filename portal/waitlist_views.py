"""Portal pages of allocation's waitlist part (login where personal)."""

from __future__ import annotations

urlpatterns: list = []


def register_panel() -> None:
    """Adds this topic's card to 「我的」 (``portal.me_panels``); called from ``PortalConfig.ready()``."""
