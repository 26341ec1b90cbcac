"""Portal pages of allocation's contract part: 我的合同 (login; an applicant sees only their own contracts)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path

from .views import applicant_required


@applicant_required
def my_contracts(request):
    from allocation.contracts.selectors import contracts_of_applicant

    contracts = list(contracts_of_applicant(user=request.user)[:50])
    return render(request, "portal/contracts/list.html", {"contracts": contracts})


@applicant_required
def my_contract_pdf(request, number: str):
    """The archived PDF of one of the applicant's own contracts; anybody else's number is a 404."""
    from allocation.contracts.selectors import contract_of_applicant_or_none
    from allocation.contracts.views import pdf_response

    contract = contract_of_applicant_or_none(user=request.user, number=number)
    if contract is None:
        raise Http404
    return pdf_response(actor=request.user, contract=contract)


urlpatterns: list = [
    path("", my_contracts, name="contract_list"),
    path("<str:number>/pdf/", my_contract_pdf, name="contract_pdf"),
]


def _panel_context(request):
    from allocation.contracts.selectors import contracts_of_applicant

    contracts = list(contracts_of_applicant(user=request.user)[:3])
    if not contracts:
        return None
    return {"contracts": contracts}


def register_panel() -> None:
    """Adds this topic's card to 「我的」 (``portal.me_panels``); called from ``PortalConfig.ready()``."""
    from .me_panels import MePanel, register

    register(
        MePanel(code="contracts", template="portal/contracts/_panel.html", context=_panel_context, order=130)
    )
