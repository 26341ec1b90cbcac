"""Filters of the application lists (申请查询, 待办, 超期): stage, region inside the scope, submission dates.

The filtering itself is the selector's (``application_list`` filters); this form only reads, checks and
shows the choices, so the list, its export and the report filter the same way.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import scope_queryset
from housing.regions.codes import Level
from housing.regions.models import Region

from ..models import Application, ApplicationState

SELECT = {"class": "form-select form-select-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def scope_region_choices(user) -> list[tuple[str, str]]:
    """Districts and streets a user may narrow a list to (communities are reached through their street)."""
    regions = scope_queryset(
        Region.objects.filter(level__in=[Level.DISTRICT, Level.STREET], is_active=True), user, field="code"
    ).order_by("code")
    return [(r.code, r.name if r.level == Level.DISTRICT else f"　{r.name}") for r in regions]


class ApplicationFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if since and until and until < since:
            self.add_error("submitted_to", _("结束日期不能早于开始日期。"))
        return cleaned


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("办理阶段"),
        choices=ApplicationState.choices,
        empty_label=_("全部"),
        method="filter_through_selector",
        widget=forms.Select(attrs=SELECT),
    )
    region = django_filters.ChoiceFilter(
        label=_("区划"),
        empty_label=_("全部"),
        method="filter_through_selector",
        widget=forms.Select(attrs=SELECT),
    )
    submitted_from = django_filters.DateFilter(
        label=_("提交日期起"), method="filter_through_selector", widget=forms.DateInput(attrs=DATE)
    )
    submitted_to = django_filters.DateFilter(
        label=_("提交日期止"), method="filter_through_selector", widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = Application
        fields: list[str] = []
        form = ApplicationFilterForm

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["region"].extra["choices"] = scope_region_choices(request.user) if request else []

    def filter_queryset(self, queryset):
        # Every value at once through the selector's one implementation.
        from ..application_selectors import application_filter

        return application_filter(queryset, filters=self.form.cleaned_data)

    def filter_through_selector(self, queryset, name, value):
        # Never called: ``filter_queryset`` applies every value through the selector at once.
        return queryset
