"""Lotteries in the admin: looked up only; every step goes through the services (seeded, recorded)."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin

from .models import Lottery


@admin.register(Lottery)
class LotteryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "region_code", "state", "entrant_count", "drawn_at"]
    list_filter = ["state"]
    search_fields = ["=number", "name"]
    exclude = ["entrant_file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
