"""Portal pages of 选房: the live board (大屏), the published results, and the 「我的选房」 card.

No login for the board and the results; names are masked (张*三), as on every public page (DESIGN §4
rule 8). The board polls its fragment every 5 seconds with htmx; without JavaScript, a meta refresh
reloads the whole page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from allocation.selection import selectors

REFRESH_SECONDS = 5


def _board_context(number: str) -> dict:
    session = selectors.selection_public_get(number=number)
    return {
        "session": session,
        "board": selectors.selection_board(session=session),
        "refresh": REFRESH_SECONDS,
    }


@never_cache
def selection_board(request, number: str):
    response = render(
        request, "portal/selection/board.html", {**_board_context(number), "title": _("选房大屏")}
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
def selection_board_live(request, number: str):
    """The board's changing part, swapped in by htmx every few seconds."""
    return render(request, "portal/selection/_board.html", _board_context(number))


def selection_results(request, number: str):
    session = selectors.selection_public_get(number=number)
    page = Paginator(selectors.selection_public_results(session=session), 50).get_page(
        request.GET.get("page")
    )
    picks = selectors.selection_live_picks(orders=list(page.object_list))
    rows = [(order, picks.get(order.pk)) for order in page]
    return render(
        request,
        "portal/selection/results.html",
        {"title": session.name, "session": session, "page_obj": page, "rows": rows},
    )


urlpatterns = [
    path("<str:number>/", selection_results, name="selection_results"),
    path("<str:number>/board/", selection_board, name="selection_board"),
    path("<str:number>/board/live/", selection_board_live, name="selection_board_live"),
]


def _panel_context(request) -> dict | None:
    from admission.registry.selectors import registry_entries_of_applicant

    user = request.user
    if not user.is_authenticated:
        return None
    orders = list(selectors.selection_orders_of_entries(entries=registry_entries_of_applicant(user=user))[:5])
    if not orders:
        return None
    picks = selectors.selection_live_picks(orders=orders)
    return {"rows": [(order, picks.get(order.pk)) for order in orders]}


def register_panel() -> None:
    """Adds this topic's card to 「我的」 (``portal.me_panels``); called from ``PortalConfig.ready()``."""
    from .me_panels import MePanel, register

    register(
        MePanel(
            code="selection", template="portal/selection/_me_panel.html", context=_panel_context, order=120
        )
    )
