"""Filters of the tenancy lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RentReceivable

INPUT = {"class": "form-control form-control-sm"}


class ReceivableFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("租金年度"), widget=forms.NumberInput(attrs=INPUT))
    month = django_filters.NumberFilter(label=_("租金月份"), widget=forms.NumberInput(attrs=INPUT))
    unpaid = django_filters.BooleanFilter(
        label=_("仅看欠缴"),
        method="filter_unpaid",
        widget=forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = RentReceivable
        fields = ["year", "month"]

    def filter_unpaid(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(outstanding_amount__gt=0) if value else queryset.filter(outstanding_amount=0)


class ArrearsFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(
        label=_("行政区划代码"), field_name="region_code", lookup_expr="startswith",
        widget=forms.TextInput(attrs={**INPUT, "placeholder": "440402"}),
    )  # fmt: skip

    class Meta:
        model = RentReceivable
        fields = []
