"""Forms of 规划计划: plain model forms bound to services (the services validate and save)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region

from .models import (
    AnnualPlan,
    AnnualProjectReserve,
    HousingPlan,
    PlanHouseholdTarget,
    PlanMacroIndicator,
    RewardFactor,
    SubsidyAllocation,
    SubsidyStandard,
)
from .selectors import plan_parent_choices


def region_choices(user, *, levels: tuple[int, ...]) -> list[tuple[str, str]]:
    """Regions of the given levels inside the user's scope, for a 行政区划 select."""
    queryset = Region.objects.filter(level__in=levels, is_active=True).order_by("code")
    prefixes = user.scope_prefixes
    if prefixes is not None:
        from django.db.models import Q

        condition = Q(pk__in=[])
        for prefix in prefixes:
            condition |= Q(code__startswith=prefix)
        queryset = queryset.filter(condition)
    return [(r.code, f"{r.name}（{r.code}）") for r in queryset]


class _RegionFormMixin(BootstrapFormMixin):
    """A ``region_code`` select limited to the user's scope (the service checks it again)."""

    region_levels: tuple[int, ...] = (Level.PROVINCE, Level.CITY, Level.DISTRICT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "region_code" in self.fields:
            choices = region_choices(user, levels=self.region_levels)
            self.fields["region_code"] = forms.ChoiceField(
                label=_("行政区划代码"), choices=choices, initial=choices[0][0] if len(choices) == 1 else None
            )
            self.fields["region_code"].widget.attrs["class"] = "form-select"


class HousingPlanForm(_RegionFormMixin, forms.ModelForm):
    class Meta:
        model = HousingPlan
        fields = [
            "number",
            "name",
            "period_kind",
            "level",
            "composition",
            "region_code",
            "parent",
            "start_year",
            "end_year",
            "plan_year",
            "is_active",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        parents = plan_parent_choices(user=user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("-start_year", "number")


class HouseholdTargetForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PlanHouseholdTarget
        fields = ["guarantee_project", "guarantee_mode", "income_level", "households"]


class MacroIndicatorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PlanMacroIndicator
        fields = [f.name for f in PlanMacroIndicator.indicator_fields()]


ANNUAL_PLAN_FIGURES = [
    "new_start_units",
    "new_start_area",
    "completed_units",
    "completed_area",
    "rent_subsidy_households",
    "allocation_households",
    "land_supply_area",
    "planned_investment",
]


class AnnualPlanCreateForm(_RegionFormMixin, forms.ModelForm):
    region_levels = (Level.DISTRICT,)

    class Meta:
        model = AnnualPlan
        fields = ["region_code", "year", "name", "plan", *ANNUAL_PLAN_FIGURES, "remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["plan"].queryset = plan_parent_choices(user=user).order_by("-start_year", "number")


class AnnualPlanEditForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = ["name", "plan", *ANNUAL_PLAN_FIGURES, "remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plan_parent_choices(user=user).order_by("-start_year", "number")


class ReserveFilterForm(BootstrapFormMixin, forms.Form):
    """筛选条件 of the annual project reserve (§12.2.2-1)."""

    project_type = forms.ChoiceField(label=_("项目类别"), required=False)
    construction_mode = forms.ChoiceField(label=_("建设方式"), required=False)
    region_code = forms.ChoiceField(label=_("所在区划"), required=False)
    start_year = forms.IntegerField(label=_("计划开工年度"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, user, annual_plan: AnnualPlan, **kwargs):
        super().__init__(*args, **kwargs)
        from projects.models import ConstructionMode, ProjectType

        self.fields["project_type"].choices = [("", _("全部")), *ProjectType.choices]
        self.fields["construction_mode"].choices = [("", _("全部")), *ConstructionMode.choices]
        district = annual_plan.region_code[:6]
        choices = [
            (code, name)
            for code, name in region_choices(user, levels=(Level.DISTRICT, Level.STREET))
            if code.startswith(district)
        ]
        self.fields["region_code"].choices = [("", _("全部")), *choices]


class ReserveItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualProjectReserve
        fields = [
            "construction_floor_area",
            "construction_residential_area",
            "construction_units",
            "new_start_floor_area",
            "new_start_residential_area",
            "new_start_units",
            "completed_floor_area",
            "completed_residential_area",
            "completed_units",
            "land_supply_area",
            "investment",
        ]


class SubsidyStandardForm(_RegionFormMixin, forms.ModelForm):
    class Meta:
        model = SubsidyStandard
        fields = ["number", "name", "method", "value", "year", "region_code", "is_active"]


class RewardFactorForm(_RegionFormMixin, forms.ModelForm):
    class Meta:
        model = RewardFactor
        fields = ["code", "name", "statistic", "formula", "year", "region_code"]


class SubsidyAllocationForm(_RegionFormMixin, forms.ModelForm):
    class Meta:
        model = SubsidyAllocation
        fields = [
            "number",
            "project_name",
            "purpose",
            "tier",
            "year",
            "standard_value",
            "units",
            "area",
            "households",
            "amount",
            "received_on",
            "region_code",
        ]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
