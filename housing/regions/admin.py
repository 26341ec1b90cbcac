from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin

from .models import Region


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "code"
    list_display = ["code", "name", "level", "parent", "is_demo", "is_active"]
    list_filter = ["level", "is_demo", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
