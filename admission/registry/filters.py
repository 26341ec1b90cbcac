"""Filters of the registry, waitlist and appeal lists (region choices inside the user's scope)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from housing.regions.codes import Level, scope_prefix
from rules.models.reference import ModeKind

from ..selectors import family_scope_regions
from .models import (
    GuaranteeStatus,
    RegistryEntry,
    ReviewAppeal,
    ReviewAppealState,
    WaitlistEntry,
    WaitlistStatus,
)
from .selectors import waitlist_choices

SELECT = {"class": "form-select form-select-sm"}


class _RegionFilterMixin:
    def _set_region_choices(self, request) -> None:
        streets = family_scope_regions(user=request.user).filter(level=Level.STREET) if request else []
        self.filters["region"].extra["choices"] = [(r.code, r.name) for r in streets]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_code__startswith=scope_prefix(value)) if value else queryset


class RegistryFilter(_RegionFilterMixin, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("保障状态"),
        choices=GuaranteeStatus.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    mode_kind = django_filters.ChoiceFilter(
        label=_("保障方式"),
        choices=ModeKind.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    region = django_filters.ChoiceFilter(
        label=_("区划"), method="filter_region", empty_label=_("全部"), widget=forms.Select(attrs=SELECT)
    )

    class Meta:
        model = RegistryEntry
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self._set_region_choices(request)


class WaitlistFilter(_RegionFilterMixin, django_filters.FilterSet):
    """The waitlist (project · mode) is chosen by the view (always one list); shown here as a select."""

    waitlist = django_filters.ChoiceFilter(
        label=_("轮候名册"), method="filter_nothing", empty_label=None, widget=forms.Select(attrs=SELECT)
    )
    status = django_filters.ChoiceFilter(
        label=_("轮候状态"),
        choices=WaitlistStatus.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    region = django_filters.ChoiceFilter(
        label=_("区划"), method="filter_region", empty_label=_("全部"), widget=forms.Select(attrs=SELECT)
    )

    class Meta:
        model = WaitlistEntry
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, waitlists=None, **kwargs):
        # The page opens on the first waitlist's waiting families, with the selects saying so; “全部”
        # is an explicit empty status.
        data = data.copy() if data is not None else {}
        if "status" not in data:
            data["status"] = WaitlistStatus.WAITING
        if "waitlist" not in data and waitlists:
            data["waitlist"] = waitlists[0][0]
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["waitlist"].extra["choices"] = waitlists if waitlists is not None else waitlist_choices()
        self._set_region_choices(request)

    def filter_nothing(self, queryset, name, value):
        return queryset


class AppealFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("复核状态"),
        choices=ReviewAppealState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = ReviewAppeal
        fields: list[str] = []
