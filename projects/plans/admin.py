"""Admin of 规划计划: every table region-scoped like the back office (indicators through their plan)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from housing.accounts.admin import ScopedAdminMixin

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


class HouseholdTargetInline(admin.TabularInline):
    model = PlanHouseholdTarget
    extra = 0


@admin.register(HousingPlan)
class HousingPlanAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "name",
        "composition",
        "level",
        "start_year",
        "end_year",
        "region_code",
        "is_active",
    ]
    list_filter = ["composition", "level", "is_active"]
    search_fields = ["number", "name"]
    raw_id_fields = ["parent"]
    inlines = [HouseholdTargetInline]


@admin.register(PlanHouseholdTarget)
class PlanHouseholdTargetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "plan__region_code"
    list_display = ["plan", "guarantee_project", "guarantee_mode", "income_level", "households"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(PlanMacroIndicator)
class PlanMacroIndicatorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "plan__region_code"
    list_display = ["plan", "urban_disposable_income_per_capita", "urban_population"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


class ReserveInline(admin.TabularInline):
    model = AnnualProjectReserve
    extra = 0
    raw_id_fields = ["project", "plan"]
    fields = ["project", "project_number", "project_name", "new_start_units", "completed_units", "investment"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    # Transitions happen on the back-office page, which records them in the workflow: the admin
    # shows the state read-only (FSM-protected) and offers no transition buttons.
    list_display = ["number", "name", "year", "region_code", "state", "new_start_units", "completed_units"]
    list_filter = ["state", "year"]
    search_fields = ["number", "name"]
    readonly_fields = ["state", "submitted_at", "approved_at", "issued_at", "last_opinion"]
    raw_id_fields = ["plan", "created_by"]
    inlines = [ReserveInline]


@admin.register(AnnualProjectReserve)
class AnnualProjectReserveAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project_number", "project_name", "annual_plan", "region_code", "new_start_units"]
    list_select_related = ["annual_plan"]
    raw_id_fields = ["annual_plan", "plan", "project"]


@admin.register(SubsidyStandard)
class SubsidyStandardAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "name", "method", "value", "year", "region_code", "is_active"]
    list_filter = ["method", "is_active"]
    search_fields = ["number", "name"]


@admin.register(RewardFactor)
class RewardFactorAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "statistic", "formula", "year", "region_code"]
    search_fields = ["code", "name"]


@admin.register(SubsidyAllocation)
class SubsidyAllocationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "project_name",
        "tier",
        "purpose",
        "year",
        "amount",
        "received_on",
        "region_code",
    ]
    list_filter = ["tier", "purpose", "year"]
    search_fields = ["number", "project_name"]
