"""轮候 refusals and events in the admin: looked up only and scoped; every step goes through the services."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import WaitlistEvent, WaitlistRefusal


@admin.register(WaitlistRefusal)
class WaitlistRefusalAdmin(ReadOnlyScopedAdmin):
    list_display = ["entry", "sequence", "kind", "reason", "caused_removal", "recorded_at", "recorded_by"]
    list_filter = ["kind", "caused_removal"]
    list_select_related = ["entry", "recorded_by"]
    search_fields = ["=entry__waitlist_number", "source"]
    raw_id_fields = ["entry", "recorded_by"]


@admin.register(WaitlistEvent)
class WaitlistEventAdmin(ReadOnlyScopedAdmin):
    list_display = ["entry", "kind", "reason", "occurred_at", "actor"]
    list_filter = ["kind"]
    list_select_related = ["entry", "actor"]
    search_fields = ["=entry__waitlist_number"]
    raw_id_fields = ["entry", "actor"]
