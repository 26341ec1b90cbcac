"""Filters of the contract list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contract, ContractKind, ContractState

SELECT = {"class": "form-select form-select-sm"}


class ContractFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("合同类型"),
        choices=ContractKind.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    state = django_filters.ChoiceFilter(
        label=_("合同状态"),
        choices=ContractState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = Contract
        fields = ["kind", "state"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
