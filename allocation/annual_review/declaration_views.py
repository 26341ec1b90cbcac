"""Back office of 年审申报: 窗口代为申报 (a caseworker with the decide permission files the family's
declaration, channel 窗口). The side-by-side panel on the review's page is the template tag
``annual_review_declaration_panel``. Thin: form → service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors

from . import declaration_selectors, selectors
from .declaration_forms import DeclarationForm
from .declaration_services import annual_review_declaration_submit
from .declarations import DeclarationChannel
from .models import DECIDE_PERMISSION


@staff_permission_required(DECIDE_PERMISSION)
def annual_review_declare_window(request, pk: int):
    review = selectors.annual_review_get_for_user(user=request.user, pk=pk)
    if not review.can_decide:
        raise Http404  # a decided review takes no declaration; there is no form to show
    members = declaration_selectors.registered_members(review)
    form = DeclarationForm(
        request.POST or None, request.FILES or None, members=members,
        initial=declaration_selectors.declaration_initial(review, members),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            declaration = annual_review_declaration_submit(
                review=review, actor=request.user, channel=DeclarationChannel.WINDOW,
                declared=form.declared(), evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已代为申报（第%(v)s版）。") % {"v": declaration.version})
            return redirect(review.get_absolute_url())
    return render(request, "allocation/annual_review/declare.html", {
        "review": review, "form": form, "title": _("窗口代为申报：%(r)s") % {"r": review},
        "breadcrumbs": [(_("保障对象年审"), reverse("allocation:annual_review_list")), (str(review), review.get_absolute_url()), (_("窗口代为申报"), None)],
    })  # fmt: skip
