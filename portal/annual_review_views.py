"""Portal pages of 年审申报 (allocation.annual_review): the family updates its information for the
yearly review, and the 「我的」 card 「年度复核：请更新家庭信息」 while a review is 待审核 or 逾期未审.

Only the applicant's own reviews (matched by the ID digest through the registry) are read; another
family's review id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from allocation.annual_review import declaration_selectors as selectors
from allocation.annual_review.declaration_forms import DeclarationForm
from allocation.annual_review.declaration_services import annual_review_declaration_submit
from allocation.annual_review.declarations import DeclarationChannel
from housing.backoffice.forms import add_service_errors

from .views import applicant_required


@applicant_required
def annual_review_declare(request, pk: int):
    review = selectors.review_of_applicant_or_404(user=request.user, pk=pk)
    members = selectors.registered_members(review)
    form = DeclarationForm(
        request.POST or None, request.FILES or None, members=members,
        initial=selectors.declaration_initial(review, members),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            declaration = annual_review_declaration_submit(
                review=review, actor=request.user, channel=DeclarationChannel.PORTAL,
                declared=form.declared(), evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("年度复核信息已提交（第%(v)s版），请等待审核。审核前如有变化可再次更正。")
                             % {"v": declaration.version})  # fmt: skip
            return redirect("portal:me")
    return render(request, "portal/annual_review/declare.html", {
        "title": _("年度复核：更新家庭信息"), "review": review, "form": form,
        "latest": selectors.latest_declaration(review),
    })  # fmt: skip


urlpatterns = [
    path("<int:pk>/declare/", annual_review_declare, name="annual_review_declare"),
]


def _panel_context(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_applicant", False):
        return None
    reviews = selectors.open_reviews_of_applicant(user=user)
    if not reviews:
        return None
    return {"rows": [(review, selectors.latest_declaration(review)) for review in reviews]}


def register_panel() -> None:
    """Adds the 年度复核 card to 「我的」 (``portal.me_panels``); called from ``PortalConfig.ready()``."""
    from .me_panels import MePanel, register

    register(
        MePanel(code="annual_review", template="portal/annual_review/_me_panel.html", context=_panel_context,
                order=5)
    )  # fmt: skip
