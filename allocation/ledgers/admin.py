"""资源台账 in the admin: read-only and scoped; ledgers are computed, plans and land records go through the pages."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import (
    GuaranteeLedger,
    GuaranteeMovement,
    LandSupplyRecord,
    SupportLedger,
    SupportMovement,
    SupportPaymentPlan,
)


@admin.register(GuaranteeLedger)
class GuaranteeLedgerAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "ledger_class",
        "period_kind",
        "period",
        "region_code",
        "closing_units",
        "closing_households",
    ]
    list_filter = ["period_kind", "ledger_class"]
    search_fields = ["=number", "=period"]


@admin.register(SupportLedger)
class SupportLedgerAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "ledger_class",
        "period_kind",
        "period",
        "region_code",
        "closing_money",
        "closing_land",
    ]
    list_filter = ["period_kind", "ledger_class"]
    search_fields = ["=number", "=period"]


@admin.register(GuaranteeMovement)
class GuaranteeMovementAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "received_on",
        "ledger_class",
        "region_code",
        "direction",
        "units",
        "households",
    ]
    list_filter = ["ledger_class", "direction", "source_kind"]
    search_fields = ["=number", "=batch_number"]


@admin.register(SupportMovement)
class SupportMovementAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "received_on",
        "ledger_class",
        "region_code",
        "direction",
        "amount",
        "land_area",
    ]
    list_filter = ["ledger_class", "direction", "source_kind"]
    search_fields = ["=number", "=batch_number"]


@admin.register(SupportPaymentPlan)
class SupportPaymentPlanAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "supplier_number",
        "supplier_name",
        "total_amount",
        "period_kind",
        "cycles",
        "starts_on",
    ]
    search_fields = ["=number", "=supplier_number"]


@admin.register(LandSupplyRecord)
class LandSupplyRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "parcel_number", "parcel_name", "approved_on", "land_area", "region_code"]
    list_select_related = []
    search_fields = ["=number", "=parcel_number"]
