"""The cards of 「我的」: each topic of the portal (轮候, 选房, 合同 …) adds one, in its own module.

A panel is a template and a function that gives its context for the signed-in applicant, or ``None``
when the applicant has nothing of that topic (the card is then left out). Keeping them in a registry lets
each topic own its card without the ``me`` view knowing about every subsystem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MePanel:
    code: str
    template: str
    context: Callable[[Any], dict[str, Any] | None]  # (request) -> context or None
    order: int = 100


_PANELS: dict[str, MePanel] = {}


def register(panel: MePanel) -> None:
    _PANELS[panel.code] = panel


def panels_for(request) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel that has something to show, in order."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.code)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown
