"""Filters of the refusal list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RefusalKind, WaitlistRefusal

SELECT = {"class": "form-select form-select-sm"}


class RefusalFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("拒绝类别"),
        choices=RefusalKind.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    caused_removal = django_filters.ChoiceFilter(
        label=_("是否导致移出轮候"),
        choices=[("1", _("是（已移出）")), ("0", _("否"))],
        empty_label=_("全部"),
        method="filter_removal",
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = WaitlistRefusal
        fields = ["kind", "caused_removal"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_removal(self, queryset, name, value):
        return queryset.filter(caused_removal=value == "1") if value in ("0", "1") else queryset
