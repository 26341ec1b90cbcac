"""Django admin for accounts, scoped exactly like the back office."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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

    def _check_history_scope(self, request, object_id) -> None:
        # simple-history falls back to the last historical copy when get_queryset() finds no row,
        # which would show an out-of-scope record's history. Only an unrestricted user (superuser)
        # may read the history of a row that is not (or no longer) in the scoped queryset.
        if request.user.scope_prefixes is None:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_history_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_history_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ReadOnlyScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A record that only its services write (numbered, recorded, audited): looked up in the admin,
    never added, changed or deleted there."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
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
    # The back-office staff page only serves staff; an applicant's row has no "view on site".
    view_on_site = False


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "region"]
    list_filter = ["kind"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]
    raw_id_fields = ["region"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "description"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_field = "region__code"
    list_display = ["user", "role", "region"]
    list_select_related = ["user", "role", "region"]
    raw_id_fields = ["user", "region"]


def object_grant_inline(permission_model):
    """An admin inline listing the users a row is granted to (核查指派), view permission only."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    target = permission_model._meta.get_field("content_object").remote_field.model

    class ObjectGrantInline(admin.TabularInline):
        model = permission_model
        extra = 0
        fields = ["user", "permission"]
        raw_id_fields = ["user"]
        verbose_name = _("指派查看人员")
        verbose_name_plural = _("指派查看人员（区划范围以外可见）")

        def formfield_for_foreignkey(self, db_field, request, **kwargs):
            if db_field.name == "permission":
                kwargs["queryset"] = Permission.objects.filter(
                    content_type=ContentType.objects.get_for_model(target),
                    codename=f"view_{target._meta.model_name}",
                )
            return super().formfield_for_foreignkey(db_field, request, **kwargs)

    return ObjectGrantInline
