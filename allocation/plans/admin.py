"""Allocation plans in the admin: looked up only (scoped); every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import (
    AllocationPlan,
    AllocationPlanFamily,
    AllocationPlanResource,
    SupportAllocationPlan,
    SupportAllocationPlanObject,
)


@admin.register(AllocationPlan)
class AllocationPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "name", "project_code", "mode_code", "period", "method", "state", "region_code"]
    list_filter = ["state", "method", "period_kind"]
    search_fields = ["=number", "name"]


@admin.register(AllocationPlanFamily)
class AllocationPlanFamilyAdmin(ReadOnlyScopedAdmin):
    scope_field = "plan__region_code"
    list_display = ["plan", "sequence", "registry_entry", "status", "allocated_at"]
    list_filter = ["status"]
    list_select_related = ["plan", "registry_entry"]
    raw_id_fields = ["plan", "registry_entry"]
    search_fields = ["=plan__number"]


@admin.register(AllocationPlanResource)
class AllocationPlanResourceAdmin(ReadOnlyScopedAdmin):
    scope_field = "plan__region_code"
    list_display = ["plan", "resource_number", "category", "status", "area", "amount", "allocated_on"]
    list_filter = ["category", "status"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "unit"]
    search_fields = ["=plan__number", "=resource_number"]


@admin.register(SupportAllocationPlan)
class SupportAllocationPlanAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "name",
        "support_project_code",
        "period",
        "support_mode",
        "state",
        "region_code",
    ]
    list_filter = ["state", "support_mode"]
    search_fields = ["=number", "name"]


@admin.register(SupportAllocationPlanObject)
class SupportAllocationPlanObjectAdmin(ReadOnlyScopedAdmin):
    scope_field = "plan__region_code"
    list_display = ["plan", "object_number", "object_name", "land_area", "amount", "status"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "unit_approval", "person_approval"]
    search_fields = ["=plan__number", "=object_number"]
