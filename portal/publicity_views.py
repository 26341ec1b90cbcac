"""公示公告: the public page of publicity batches (no login). Names, ID numbers and addresses come only from
the masked snapshot each batch posted (张*三, 4404**********1234, address to the street; DESIGN §4 rule 8)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from admission.models import ReviewLevel
from admission.publicity.selectors import (
    public_batch_get,
    public_batches,
    public_districts,
    public_entries,
    public_entry_search,
)

PER_PAGE = 20
ENTRIES_PER_PAGE = 50


def publicity_list(request):
    """Current (公示中) and past batches by level and district; search by 申请编号."""
    level = request.GET.get("level", "")
    district = request.GET.get("district", "")
    period = request.GET.get("period", "")
    current = {"current": True, "past": False}.get(period)
    q = request.GET.get("q", "").strip()[:32]
    batches = public_batches(level=level, district=district, current=current)
    page = Paginator(batches, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "portal/publicity/list.html",
        {
            "title": _("公示公告"),
            "page": page,
            "levels": ReviewLevel.choices,
            "districts": public_districts(),
            "level": level,
            "district": district,
            "period": period,
            "q": q,
            "matches": list(public_entry_search(receipt_number=q)[:20]) if q else None,
            "querystring": query.urlencode(),
        },
    )
    return response


def publicity_detail(request, number: str):
    batch = public_batch_get(number=number)
    page = Paginator(public_entries(batch=batch), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request, "portal/publicity/detail.html", {"title": batch.title, "batch": batch, "page": page}
    )
    return response


# Included from ``portal/urls.py`` (names ``portal:publicity_list`` and ``portal:publicity_detail``).
urlpatterns = [
    path("", publicity_list, name="publicity_list"),
    path("<str:number>/", publicity_detail, name="publicity_detail"),
]
