"""Filters of the annual review list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnnualReview, AnnualReviewDecision, AnnualReviewState

SELECT = {"class": "form-select form-select-sm"}


class AnnualReviewFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label=_("年审年度"), widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"})
    )
    state = django_filters.ChoiceFilter(
        label=_("年审状态"), choices=AnnualReviewState.choices, empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    decision = django_filters.ChoiceFilter(
        label=_("年审结论"), choices=AnnualReviewDecision.choices, empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip

    class Meta:
        model = AnnualReview
        fields = ["year", "state", "decision"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
