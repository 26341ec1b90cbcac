"""Contracts in the admin: looked up only, scoped; every step goes through the services (numbered, recorded).

Registered from ``hooks.ready()`` (the admin autodiscovers only ``allocation/admin.py``).
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import Contract, ContractArchive


@admin.register(Contract)
class ContractAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "kind",
        "signer_name",
        "signer_id_number_masked",
        "state",
        "effective_on",
        "expires_on",
    ]
    list_filter = ["kind", "state"]
    list_select_related = ["registry_entry"]
    search_fields = ["=number", "=registry_entry__application_number"]
    exclude = ["signer_id_number", "agent_id_number", "bank_account"]
    raw_id_fields = ["registry_entry", "unit", "previous", "issued_document", "created_by", "updated_by"]
    show_full_result_count = False


@admin.register(ContractArchive)
class ContractArchiveAdmin(ReadOnlyScopedAdmin):
    list_display = ["archive_number", "contract", "application_number", "name", "created_at"]
    list_select_related = ["contract"]
    search_fields = ["=archive_number", "=application_number"]
    raw_id_fields = ["contract", "document", "created_by", "updated_by"]
