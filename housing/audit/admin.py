"""Read-only admin for the audit trail: nobody, not even a superuser, adds, edits or deletes here."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin

from .models import AuditEvent
from .selectors import audit_event_list


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "actor_name",
        "action",
        "object_type",
        "object_repr",
        "ip_address",
        "region_code",
    ]
    list_filter = ["action", "occurred_at"]
    search_fields = ["object_repr", "description", "actor_name"]
    show_full_result_count = False
    date_hierarchy = None
    actions = None
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request):
        # The auditor pages' scope, which adds region-less events for city-wide scopes to the
        # mixin's plain region filter.
        return audit_event_list(user=request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm("audit.view_auditevent")
