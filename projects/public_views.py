"""房源展示: the portal's public pages of the housing stock (no login; never an occupant's data).

Every page runs a fixed number of queries whatever the number of projects or units: the cards' unit
figures come from one GROUP BY over the page's projects, names and cover photos from subqueries.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from . import selectors
from .models import Building
from .views import _legend  # the 楼盘表 legend, shared with the back office

PER_PAGE = 12
# The map and its address list show every project of the filtered list, up to this many.
MAP_POINTS_LIMIT = 500


class ListingFilterForm(forms.Form):
    district = forms.ChoiceField(label=gettext_lazy("区县"), required=False)
    rooms = forms.ChoiceField(
        label=gettext_lazy("户型"),
        required=False,
        choices=[("", gettext_lazy("全部户型")), *selectors.PUBLIC_ROOM_CHOICES],
    )

    def __init__(self, *args, districts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区县")), *districts]


def _tile_url() -> str:
    return getattr(settings, "MAP_TILE_URL", "") or ""


@require_safe
def public_listings(request):
    """保障房源: project cards with a map above them, filtered by 区县 and 户型, paginated."""
    form = ListingFilterForm(request.GET or None, districts=selectors.public_districts())
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.public_project_list(
        district=filters.get("district", ""), rooms=filters.get("rooms", "")
    )
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    cards = list(page.object_list)
    summaries = selectors.public_unit_types(project_ids=[p.pk for p in cards])
    for project in cards:
        project.units = summaries[project.pk]
    points = selectors.public_map_points(projects[:MAP_POINTS_LIMIT])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/public_listings.html",
        {
            "title": _("保障房源"),
            "form": form,
            "page": page,
            "projects": cards,
            "points": points,
            "mapped": sum(1 for p in points if p["lat"] is not None),
            "tile_url": _tile_url(),
            "querystring": query.urlencode(),
            "is_filtered": bool(filters.get("district") or filters.get("rooms")),
        },
    )


@require_safe
def public_project(request, pk: int):
    """One project: photos, location, address, 户型 table and its buildings' public 楼盘表."""
    project = selectors.public_project_get(pk=pk)
    summary = selectors.public_unit_types(project_ids=[project.pk])[project.pk]
    point = None
    if project.latitude is not None and project.longitude is not None:
        point = {
            "id": project.pk,
            "name": project.name,
            "address": project.address,
            "district": project.district_name or "",
            "lat": float(project.latitude),
            "lng": float(project.longitude),
        }
    return render(
        request,
        "projects/public_project.html",
        {
            "title": project.name,
            "project": project,
            "photos": selectors.public_project_photos(project=project),
            "units": summary,
            "buildings": selectors.public_project_buildings(project=project),
            "points": [point] if point else [],
            "tile_url": _tile_url(),
        },
    )


@require_safe
def public_building(request, pk: int):
    """The public 楼盘表: each unit's state, never its occupant (``building_table(public=True)``)."""
    building = get_object_or_404(Building.objects.select_related("project"), pk=pk, is_handed_over=True)
    table = selectors.building_table(building=building, state=request.GET.get("state", ""), public=True)
    context = {"table": table, "public": True, "legend": _legend(table), "title": building.name}
    if request.htmx:
        response = render(request, "projects/_building_table.html", context)
    else:
        context["project_url"] = reverse("listings:project", args=[building.project.pk])
        response = render(request, "projects/public_building.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
def public_photo(request, pk: int, size: str):
    """A project photo or its thumbnail. Served by the application (not ``/media/``) so that only photos
    of public projects are reachable, on any deployment; files are immutable (new upload = new name)."""
    if size not in ("thumb", "full"):
        raise Http404
    photo = selectors.public_photo_get(pk=pk)
    image = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.image
    try:
        handle = image.storage.open(image.name, "rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = "image/png" if image.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
