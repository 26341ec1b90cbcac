"""栏目 are kept by administrators in the admin; articles are looked up there and written in the back office
(where the HTML is cleaned and the attachments are checked)."""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ScopedAdminMixin

from .models import Article, ContentColumn


@admin.register(ContentColumn)
class ContentColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"code": ("name",)}


@admin.register(Article)
class ArticleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "column", "state", "publish_at", "region_code"]
    list_filter = ["state", "column"]
    search_fields = ["title", "document_number"]
    exclude = ["search_vector"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
