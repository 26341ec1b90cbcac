"""轮候 refusals and events in the admin: looked up only and scoped; every step goes through the services."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin

from .models import WaitlistEvent, WaitlistRefusal


class _ReadOnly(ScopedAdminMixin, admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WaitlistRefusal)
class WaitlistRefusalAdmin(_ReadOnly):
    list_display = ["entry", "sequence", "kind", "reason", "caused_removal", "recorded_at", "recorded_by"]
    list_filter = ["kind", "caused_removal"]
    list_select_related = ["entry", "recorded_by"]
    search_fields = ["=entry__waitlist_number", "source"]
    raw_id_fields = ["entry", "recorded_by"]


@admin.register(WaitlistEvent)
class WaitlistEventAdmin(_ReadOnly):
    list_display = ["entry", "kind", "reason", "occurred_at", "actor"]
    list_filter = ["kind"]
    list_select_related = ["entry", "actor"]
    search_fields = ["=entry__waitlist_number"]
    raw_id_fields = ["entry", "actor"]
