"""资格评估 (no login): answer plain questions, see which modes the family may fit and what is missing.

POST, so incomes never sit in a URL or an access log; nothing is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.backoffice.forms import mark_invalid_fields

from .selfcheck.forms import SelfCheckForm
from .selfcheck.services import questions_for, rule_sets_in_force, selfcheck_evaluate


def selfcheck(request):
    today = timezone.localdate()
    city = settings.PORTAL_CITY_CODE
    steps = questions_for(rule_sets_in_force(region_code=city, on_date=today))
    form = SelfCheckForm(request.POST or None, steps=steps, city_code=city)
    verdicts = None
    if request.method == "POST":
        if form.is_valid():
            verdicts = selfcheck_evaluate(
                answers=form.answers(), region_code=form.cleaned_data["region_code"], on_date=today
            )
        else:
            mark_invalid_fields(form)
    return render(
        request,
        "portal/selfcheck/page.html",
        {"title": _("资格自测"), "form": form, "verdicts": verdicts, "today": today},
    )


urlpatterns = [path("", selfcheck, name="selfcheck")]
