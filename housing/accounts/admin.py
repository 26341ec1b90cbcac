"""Django admin for accounts, scoped exactly like the back office."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Role, RoleAssignment, User
from .scope import get_in_scope_or_404, scope_queryset  # noqa: F401  (re-exported for other admins)


class ScopedAdminMixin:
    """Admin changelists, change pages and deletes see only the user's region scope.

    ``scope_field`` names the region-code column (or path) of the model. An out-of-scope id in
    the URL finds nothing, so Django admin answers as for a missing object.
    """

    scope_field = "region_code"
    show_full_result_count = False

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, field=self.scope_field)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    scope_field = "organisation__region_code"
    list_display = ["username", "real_name", "kind", "organisation", "is_active", "last_login"]
    list_filter = ["kind", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    search_fields = ["username", "real_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (_("个人信息"), {"fields": ("real_name", "phone", "email", "organisation", "id_number_masked")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["id_number_masked", "last_login", "date_joined"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region"]
    list_filter = ["kind"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]
    raw_id_fields = ["region"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "description"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "region__code"
    list_display = ["user", "role", "region"]
    list_select_related = ["user", "role", "region"]
    raw_id_fields = ["user", "region"]
