"""经适房退回与再上市 in the admin: requests and returns looked up only (every step goes through the
services); the price index is reference data an administrator keeps here.

Registered from ``hooks.ready()`` (the admin autodiscovers only ``allocation/admin.py``).
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin, ScopedAdminMixin

from .models import PriceIndex, Resale, SaleReturn


@admin.register(PriceIndex)
class PriceIndexAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["region_code", "year", "month", "value", "source", "updated_at"]
    list_filter = ["year"]
    search_fields = ["=region_code"]


@admin.register(Resale)
class ResaleAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "unit", "requested_on", "route", "state", "buy_back_price", "land_revenue"]
    list_filter = ["state", "route"]
    list_select_related = ["unit"]
    search_fields = ["=number", "=unit__number"]
    raw_id_fields = [
        "registry_entry",
        "unit",
        "contract",
        "sale_return",
        "created_by",
        "updated_by",
        "decided_by",
    ]
    show_full_result_count = False


@admin.register(SaleReturn)
class SaleReturnAdmin(ReadOnlyScopedAdmin):
    list_display = ["unit", "contract", "reason", "due_on", "returned_on", "state"]
    list_filter = ["state"]
    list_select_related = ["unit", "contract"]
    raw_id_fields = ["registry_entry", "unit", "contract", "created_by", "updated_by"]
