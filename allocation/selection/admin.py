"""选房 in the admin: looked up only and scoped; every step goes through the services."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import AllocationOrder, SelectionPick, SelectionSession


@admin.register(SelectionSession)
class SelectionSessionAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "name", "region_code", "state", "starts_at"]
    list_filter = ["state"]
    search_fields = ["=number", "name"]


@admin.register(AllocationOrder)
class AllocationOrderAdmin(ReadOnlyScopedAdmin):
    scope_field = "session__region_code"
    list_display = ["session", "order_number", "registry_entry", "slot", "status", "allowed_rooms"]
    list_filter = ["status"]
    list_select_related = ["session", "registry_entry", "slot"]
    raw_id_fields = ["session", "registry_entry", "slot"]


@admin.register(SelectionPick)
class SelectionPickAdmin(ReadOnlyScopedAdmin):
    scope_field = "session__region_code"
    list_display = ["session", "registry_entry", "unit", "state", "is_reviewed", "notice_number"]
    list_filter = ["state", "is_reviewed"]
    list_select_related = ["session", "registry_entry", "unit"]
    raw_id_fields = ["session", "order", "registry_entry", "unit", "notice_document", "archive_document"]
