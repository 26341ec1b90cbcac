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
    paid = django_filters.ChoiceFilter(
        label=_("缴费情况"),
        method="filter_paid",
        choices=(("owing", _("欠缴")), ("settled", _("已缴清"))),
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = RentReceivable
        fields = ["year", "month"]

    def filter_paid(self, queryset, name, value):
        if value == "owing":
            return queryset.filter(outstanding_amount__gt=0)
        return queryset.filter(outstanding_amount=0) if value == "settled" else queryset


class ArrearsFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(
        label=_("行政区划代码"), field_name="region_code", lookup_expr="startswith",
        widget=forms.TextInput(attrs={**INPUT, "placeholder": "440402"}),
    )  # fmt: skip

    class Meta:
        model = RentReceivable
        fields = []
