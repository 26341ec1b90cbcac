"""Admin look-up of the admission parts' records: scoped, read-only, sensitive columns left out.

Every change goes through the parts' services (transitions with opinions, notices, grants); the admin is
for finding a record by its number.
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin

from .casework.models import HomeInspection
from .publicity.models import Objection, PublicityBatch
from .registry.models import DecisionNotice, RegistryEntry, ReviewAppeal, WaitlistEntry


class ReadOnlyScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicityBatch)
class PublicityBatchAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "region_code", "state"]
    list_filter = ["state"]
    search_fields = ["=number"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "region_code", "state"]
    list_filter = ["state"]
    search_fields = ["=number"]
    exclude = ["reporter_phone"]


@admin.register(HomeInspection)
class HomeInspectionAdmin(ReadOnlyScopedAdmin):
    list_display = ["pk", "application", "inspector", "state", "region_code"]
    list_filter = ["state"]
    list_select_related = ["application", "inspector"]


@admin.register(RegistryEntry)
class RegistryEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ["application_number", "applicant_name", "id_number_masked", "mode_code", "status"]
    list_filter = ["status", "mode_code"]
    search_fields = ["=application_number", "applicant_name"]
    exclude = ["id_number", "id_number_digest", "phone"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ["waitlist_number", "project_code", "mode_code", "status", "registered_at"]
    list_filter = ["status", "project_code", "mode_code"]
    search_fields = ["=waitlist_number"]


@admin.register(DecisionNotice)
class DecisionNoticeAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "kind", "application", "issue_status", "issued_at"]
    list_filter = ["kind", "issue_status"]
    search_fields = ["=number"]
    list_select_related = ["application"]


@admin.register(ReviewAppeal)
class ReviewAppealAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "application", "state", "region_code"]
    list_filter = ["state"]
    search_fields = ["=number"]
    list_select_related = ["application"]
