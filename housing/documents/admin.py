from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from housing.accounts.admin import ScopedAdminMixin

from .models import DocumentTemplate, IssuedDocument
from .services import document_template_copy


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Drafts are edited here or in the back office; active and retired versions are read-only."""

    list_display = ("code", "name", "version", "state", "region_code", "updated_at")
    list_filter = ("state",)
    search_fields = ("code", "name")
    readonly_fields = ("version", "state", "created_by", "created_at", "updated_at")
    actions = ["copy_to_draft"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            from django.db.models import Max

            obj.version = (
                DocumentTemplate.objects.filter(code=obj.code).aggregate(v=Max("version"))["v"] or 0
            ) + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("修改（复制为新的草稿版本）"), permissions=["add"])
    def copy_to_draft(self, request, queryset):
        for template in queryset:
            draft = document_template_copy(template=template, actor=request.user)
            self.message_user(request, _("已生成 %(t)s") % {"t": draft}, messages.SUCCESS)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "title", "issued_at", "region_code", "issued_by")
    search_fields = ("number", "title")
    list_select_related = ("issued_by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
