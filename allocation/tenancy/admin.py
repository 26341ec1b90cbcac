"""入住、腾退、租金 in the admin: looked up only, scoped; every write goes through the services.

Registered from ``hooks.ready()`` (the admin autodiscovers only ``allocation/admin.py``).
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import MoveIn, RentReceipt, RentReceivable, Vacating


@admin.register(MoveIn)
class MoveInAdmin(ReadOnlyScopedAdmin):
    list_display = ["contract", "unit", "moved_in_on", "monthly_rent", "rent_reduction", "vacated_on"]
    list_select_related = ["contract", "unit"]
    search_fields = ["=contract__number", "=unit__number"]
    raw_id_fields = ["contract", "unit", "registry_entry", "created_by", "updated_by"]
    show_full_result_count = False


@admin.register(Vacating)
class VacatingAdmin(ReadOnlyScopedAdmin):
    list_display = ["unit", "vacated_on", "inspection_result", "deposit_returned", "deposit_deducted"]
    list_select_related = ["unit"]
    raw_id_fields = ["move_in", "unit", "registry_entry", "created_by", "updated_by"]


@admin.register(RentReceivable)
class RentReceivableAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "unit",
        "year",
        "month",
        "amount",
        "paid_amount",
        "outstanding_amount",
        "due_on",
    ]
    list_filter = ["year", "month"]
    list_select_related = ["unit"]
    search_fields = ["=number"]
    raw_id_fields = ["move_in", "unit", "registry_entry", "created_by", "updated_by"]
    show_full_result_count = False


@admin.register(RentReceipt)
class RentReceiptAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "receivable", "amount", "is_full", "received_on", "method"]
    list_select_related = ["receivable"]
    search_fields = ["=number", "=receivable__number"]
    raw_id_fields = ["receivable", "unit", "registry_entry", "created_by", "updated_by"]
    show_full_result_count = False
