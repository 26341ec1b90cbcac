"""补贴发放 in the admin: looked up only, scoped; every step goes through the services.

Registered from ``hooks.ready()`` (the admin autodiscovers only ``allocation/admin.py``).
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import PaymentBatch, SubsidyDue, SubsidyObjection, SubsidyPayment, SubsidyRecovery


@admin.register(SubsidyDue)
class SubsidyDueAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "period", "project_code", "amount", "state"]
    list_filter = ["state"]
    search_fields = ["=number", "=period"]
    raw_id_fields = ["registry_entry", "agreement", "created_by", "updated_by", "reviewed_by"]
    show_full_result_count = False


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "period", "project_code", "payment_count", "total_amount", "state"]
    search_fields = ["=number"]
    raw_id_fields = ["created_by"]


@admin.register(SubsidyPayment)
class SubsidyPaymentAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "batch", "amount", "status", "bank_account_masked"]
    list_filter = ["status"]
    list_select_related = ["batch"]
    search_fields = ["=number"]
    exclude = ["bank_account"]
    raw_id_fields = ["due", "batch", "created_by", "updated_by"]
    show_full_result_count = False


@admin.register(SubsidyRecovery)
class SubsidyRecoveryAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "payment", "amount", "reason_kind", "state", "due_date"]
    list_filter = ["state", "reason_kind"]
    list_select_related = ["payment"]
    search_fields = ["=number"]
    raw_id_fields = ["payment", "due", "created_by", "updated_by"]


@admin.register(SubsidyObjection)
class SubsidyObjectionAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "due", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["due"]
    search_fields = ["=number"]
    raw_id_fields = ["due", "applicant", "replied_by"]
