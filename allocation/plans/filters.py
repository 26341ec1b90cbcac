"""Filters of the plan list: state, method, period kind, project and mode."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AllocationMethod, AllocationPlan, AllocationPlanState, PeriodKind

SELECT = {"class": "form-select form-select-sm"}


class PlanFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("方案状态"),
        choices=AllocationPlanState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    method = django_filters.ChoiceFilter(
        label=_("配置方式"),
        choices=AllocationMethod.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    period_kind = django_filters.ChoiceFilter(
        label=_("期别类型"),
        choices=PeriodKind.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    project_code = django_filters.CharFilter(
        label=_("保障项目编号"), widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )

    class Meta:
        model = AllocationPlan
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
