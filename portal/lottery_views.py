"""Public lottery pages (摇号公告): list, one lottery with its hash, seed and results, downloads, verification.

No login. Names are masked (张*三); receipt numbers are public, as the result must be checkable by anyone.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allocation import lottery_algorithm as algorithm
from allocation.models import LotteryState
from allocation.selectors import lottery_entrants, lottery_public_get, lottery_public_list
from allocation.views import entrant_file_response, result_file_response

MAX_UPLOAD = 20 * 1024 * 1024  # 200,000 entrants take about 5 MB


def lottery_list(request):
    page = Paginator(lottery_public_list(), 20).get_page(request.GET.get("page"))
    return render(request, "portal/lottery/list.html", {"title": _("摇号公告"), "page_obj": page})


def lottery_detail(request, number: str):
    lottery = lottery_public_get(number=number)
    query = request.GET.get("q", "").strip()[:64]
    entrants = lottery_entrants(lottery=lottery, receipt_number=query)
    page = Paginator(entrants, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/lottery/detail.html",
        {
            "title": lottery.name,
            "lottery": lottery,
            "page_obj": page,
            "q": query,
            "is_drawn": lottery.state in (LotteryState.DRAWN, LotteryState.VOIDED),
        },
    )


def lottery_entrant_file(request, number: str):
    return entrant_file_response(lottery_public_get(number=number))


def lottery_result_file(request, number: str):
    lottery = lottery_public_get(number=number)
    if not lottery.drawn_at:
        from django.http import Http404

        raise Http404
    return result_file_response(lottery)


class VerifyForm(forms.Form):
    entrants = forms.FileField(label=gettext_lazy("参加人名单文件"))
    seed = forms.CharField(label=gettext_lazy("最终种子"), max_length=130)
    result = forms.FileField(label=gettext_lazy("结果文件"))

    def clean(self):
        cleaned = super().clean()
        for name in ("entrants", "result"):
            upload = cleaned.get(name)
            if upload is not None and upload.size > MAX_UPLOAD:
                self.add_error(name, _("文件超过 20 MB。"))
        return cleaned


def lottery_verify(request):
    """核验: anyone uploads the published files and seed; the server recomputes with the same algorithm."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    outcome, error = None, ""
    initial_number = request.GET.get("lottery", "")
    if request.method == "POST" and form.is_valid():
        try:
            outcome = algorithm.verify(
                entrant_bytes=form.cleaned_data["entrants"].read(),
                seed=form.cleaned_data["seed"].strip(),
                result_bytes=form.cleaned_data["result"].read(),
            )
        except algorithm.LotteryFileError as exc:
            error = str(exc)
    return render(
        request,
        "portal/lottery/verify.html",
        {
            "title": _("摇号结果核验"),
            "form": form,
            "outcome": outcome,
            "error": error,
            "initial_number": initial_number,
            "algorithm_version": algorithm.ALGORITHM_VERSION,
        },
    )
