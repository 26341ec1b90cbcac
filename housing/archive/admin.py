"""Django admin for the archive: scoped like the back office, and read-only.

Uploads go through the back-office form (content checks, hashing, write-once storage); the admin
only looks. Nothing can be deleted: a document is withdrawn, never removed.
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin, object_grant_inline

from .models import ArchiveNumberSequence, Document, DocumentUserObjectPermission


@admin.register(Document)
class DocumentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "archive_number",
        "version",
        "name",
        "category",
        "stage",
        "region_code",
        "uploaded_by",
        "uploaded_at",
        "status",
    ]
    list_filter = ["category", "stage", "owner_kind", "status", "file_kind"]
    list_select_related = ["uploaded_by"]
    search_fields = ["archive_number", "name", "application_number"]
    date_hierarchy = "uploaded_at"
    inlines = [object_grant_inline(DocumentUserObjectPermission)]
    readonly_fields = [
        "archive_number",
        "version",
        "supersedes",
        "version_note",
        "owner_kind",
        "owner_content_type",
        "owner_object_id",
        "application_number",
        "category",
        "stage",
        "name",
        "region_code",
        "uploaded_by",
        "uploaded_at",
        "sha256",
        "size",
        "file_kind",
        "mime_type",
        "original_filename",
        "content_text",
        "extraction_status",
        "status",
        "withdrawn_reason",
        "withdrawn_at",
        "withdrawn_by",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content_text", "search_text", "search_vector")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ArchiveNumberSequence)
class ArchiveNumberSequenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "district_code"  # a district prefix; a street user's longer prefix sees none
    list_display = ["district_code", "year", "last_serial"]
    readonly_fields = ["district_code", "year", "last_serial"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
