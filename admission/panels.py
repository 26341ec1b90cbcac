"""Tabs and action buttons that the parts of admission add to the application detail page.

The detail page (``application_views.application_detail``) knows only its own tabs; publicity, department
checks, notices and casework each register a panel from their ``hooks.ready()``, so no part edits another's
template or view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class PanelAction:
    """A button in the page header: a link (GET) to the part's own page or form."""

    label: Any
    url: str
    style: str = "outline-primary"


@dataclass(frozen=True)
class ApplicationPanel:
    """One tab: ``template`` rendered with the page context plus what ``context`` returns.

    ``context(request, application)`` and ``actions(request, application)`` run only when ``permission``
    (if any) is held; they must keep their queries bounded (one or two, whatever the data).
    """

    key: str
    title: Any
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any]] = field(default=lambda request, application: {})
    actions: Callable[[HttpRequest, Any], list[PanelAction]] = field(default=lambda request, application: [])
    permission: str | None = None
    order: int = 100


_PANELS: dict[str, ApplicationPanel] = {}


def panel_register(panel: ApplicationPanel) -> None:
    """Register (or replace, on a second ``ready()``) one panel by its key."""
    _PANELS[panel.key] = panel


def application_panels(*, request: HttpRequest, application) -> tuple[list, dict[str, Any], list]:
    """(tabs, extra context, header actions) of the registered panels the user may see."""
    tabs: list[tuple[str, Any, str]] = []
    context: dict[str, Any] = {}
    actions: list[PanelAction] = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        tabs.append((panel.key, panel.title, panel.template))
        context.update(panel.context(request, application))
        actions.extend(panel.actions(request, application))
    return tabs, context, actions
