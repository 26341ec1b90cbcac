"""Filters of the family list: region (inside the user's scope), stage, year, 低收入/低保."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from housing.regions.codes import Level, scope_prefix

from .models import Family, Stage
from .selectors import family_scope_regions

SELECT = {"class": "form-select form-select-sm"}
BOOLEAN_CHOICES = [("true", _("是")), ("false", _("否"))]


class FamilyFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(
        label=_("区划"), method="filter_region", empty_label=_("全部"), widget=forms.Select(attrs=SELECT)
    )
    stage = django_filters.ChoiceFilter(
        label=_("办理阶段"), choices=Stage.choices, empty_label=_("全部"), widget=forms.Select(attrs=SELECT)
    )
    registration_year = django_filters.NumberFilter(
        label=_("准入登记年度"), widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"})
    )
    is_low_income = django_filters.BooleanFilter(
        label=_("是否低收入家庭"),
        widget=forms.Select(attrs=SELECT, choices=[("", _("全部")), *BOOLEAN_CHOICES]),
    )
    is_subsistence_allowance_family = django_filters.BooleanFilter(
        label=_("是否为最低生活保障家庭"),
        widget=forms.Select(attrs=SELECT, choices=[("", _("全部")), *BOOLEAN_CHOICES]),
    )

    class Meta:
        model = Family
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Streets only: a list of every community would be too long for a filter (communities
        # are reached through the street's prefix).
        streets = family_scope_regions(user=request.user).filter(level=Level.STREET) if request else []
        self.filters["region"].extra["choices"] = [(r.code, r.name) for r in streets]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_code__startswith=scope_prefix(value)) if value else queryset
