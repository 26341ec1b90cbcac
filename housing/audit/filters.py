"""Filters of the auditor's event list: action, date range, actor name, object type."""

from __future__ import annotations

import django_filters
from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditEvent
from .signals import is_tracked


def object_type_choices() -> list[tuple[str, str]]:
    """Every audited model, by its Chinese name, plus the trail itself (purges)."""
    models = [m for m in apps.get_models() if is_tracked(m)] + [AuditEvent]
    return sorted(
        ((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda choice: choice[0]
    )


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label=_("操作类型"),
        choices=AuditAction.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    date_from = django_filters.DateFilter(
        label=_("开始日期"),
        field_name="occurred_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    date_to = django_filters.DateFilter(
        label=_("结束日期"),
        field_name="occurred_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    actor = django_filters.CharFilter(
        label=_("操作人"),
        field_name="actor_name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    object_type = django_filters.ChoiceFilter(
        label=_("对象类型"),
        choices=object_type_choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []
