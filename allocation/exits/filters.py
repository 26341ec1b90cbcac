"""Filters of the exit case list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExitCase, ExitState, ExitTrigger

SELECT = {"class": "form-select form-select-sm"}


class ExitCaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("退出状态"),
        choices=ExitState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    trigger = django_filters.ChoiceFilter(
        label=_("退出情形"),
        choices=ExitTrigger.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = ExitCase
        fields = ["state", "trigger"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
