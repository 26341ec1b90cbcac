"""保障退出 and 信用记录 in the admin: looked up only, scoped; every step goes through the services."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import CreditEntry, ExitCase


@admin.register(ExitCase)
class ExitCaseAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "region_code", "trigger", "state", "move_out_deadline", "exited_on"]
    list_filter = ["state", "trigger"]
    search_fields = ["=number"]
    raw_id_fields = ["registry_entry", "annual_review", "move_in", "notice_document", "created_by"]
    show_full_result_count = False


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ["name_masked", "id_number_masked", "region_code", "recorded_on", "barred_until"]
    exclude = ["id_number_digest"]
    raw_id_fields = ["exit_case", "created_by"]
    show_full_result_count = False
