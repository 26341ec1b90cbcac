"""Filters of the resale and return lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Resale, ResaleRoute, ResaleState, SaleReturn, SaleReturnState

SELECT = {"class": "form-select form-select-sm"}


class ResaleFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("办理状态"),
        choices=ResaleState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    route = django_filters.ChoiceFilter(
        label=_("申请处置方式"), choices=ResaleRoute.choices, empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip

    class Meta:
        model = Resale
        fields = ["state", "route"]


class SaleReturnFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("退回状态"), choices=SaleReturnState.choices, empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip

    class Meta:
        model = SaleReturn
        fields = ["state"]
