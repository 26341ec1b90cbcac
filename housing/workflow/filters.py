"""Filters of the workflow lists: overdue only, process, case state."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NodeInstance, NodeState, ProcessInstance, ProcessState
from .selectors import process_template_codes

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class TaskFilter(django_filters.FilterSet):
    overdue = django_filters.ChoiceFilter(
        label=_("期限"),
        choices=[("1", _("只看已超期"))],
        empty_label=_("全部"),
        method="filter_overdue",
        widget=SELECT,
    )
    process = django_filters.ChoiceFilter(
        label=_("业务流程"),
        field_name="process__process_code",
        choices=process_template_codes,
        empty_label=_("全部"),
        widget=SELECT,
    )

    class Meta:
        model = NodeInstance
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        if value == "1":
            return queryset.filter(state=NodeState.OPEN, due_date__lt=timezone.localdate())
        return queryset


class ProcessInstanceFilter(django_filters.FilterSet):
    process = django_filters.ChoiceFilter(
        label=_("业务流程"),
        field_name="process_code",
        choices=process_template_codes,
        empty_label=_("全部"),
        widget=SELECT,
    )
    state = django_filters.ChoiceFilter(
        label=_("当前状态"), choices=ProcessState.choices, empty_label=_("全部"), widget=SELECT
    )

    class Meta:
        model = ProcessInstance
        fields: list[str] = []
