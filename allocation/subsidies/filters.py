"""Filters of the subsidy lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentBatch, PaymentBatchState, SubsidyDue, SubsidyDueState

SELECT = {"class": "form-select form-select-sm"}
TEXT = {"class": "form-control form-control-sm", "placeholder": "2026-03"}


class SubsidyDueFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(label=_("补贴期间"), widget=forms.TextInput(attrs=TEXT))
    state = django_filters.ChoiceFilter(
        label=_("发放状态"),
        choices=SubsidyDueState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = SubsidyDue
        fields = ["period", "state"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)


class PaymentBatchFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(label=_("补贴期间"), widget=forms.TextInput(attrs=TEXT))
    state = django_filters.ChoiceFilter(
        label=_("批次状态"),
        choices=PaymentBatchState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = PaymentBatch
        fields = ["period", "state"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
