"""Django admin of the rules subsystem, scoped like the back office.

Active and retired versions (and the rows inside them) are read-only here as everywhere:
"修改" copies a version into a new draft. Lifecycle changes go through the services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from housing.accounts.admin import ScopedAdminMixin

from .models import (
    ConditionCategory,
    ConditionGroup,
    GuaranteeMode,
    GuaranteeProject,
    OrderingCriterion,
    QualitativeCondition,
    QuantitativeCondition,
    RuleExchangeRecord,
    RuleSet,
    Standard,
    SupportCondition,
    SupportMode,
    SupportProject,
    SupportStandard,
)
from .services import ruleset_copy_to_draft, ruleset_item_delete, ruleset_item_save


@admin.register(GuaranteeProject)
class GuaranteeProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "region_code",
        "income_class",
        "special_group",
        "is_enabled",
        "enabled_on",
    )
    list_filter = ("income_class", "special_group", "is_enabled")
    search_fields = ("code", "name")


@admin.register(GuaranteeMode)
class GuaranteeModeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "project__region_code"
    list_display = ("code", "kind", "name", "project", "is_enabled", "enabled_on")
    list_filter = ("kind", "is_enabled")
    list_select_related = ("project",)


@admin.register(ConditionCategory)
class ConditionCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "order")
    list_select_related = ("parent",)
    search_fields = ("code", "name")


@admin.register(RuleSet)
class RuleSetAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("project", "version", "name", "region_code", "state", "effective_from", "effective_to")
    list_filter = ("state", "project")
    list_select_related = ("project",)
    search_fields = ("name", "policy_title", "policy_number")
    readonly_fields = (
        "version",
        "state",
        "effective_to",
        "copied_from",
        "created_by",
        "created_at",
        "updated_at",
    )
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

            latest = RuleSet.objects.filter(project=obj.project, region_code=obj.region_code).aggregate(
                v=Max("version")
            )["v"]
            obj.version = (latest or 0) + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("修改（复制为新的草稿版本）"), permissions=["add"])
    def copy_to_draft(self, request, queryset):
        for ruleset in queryset:
            draft = ruleset_copy_to_draft(ruleset=ruleset, actor=request.user)
            self.message_user(request, _("已生成 %(r)s") % {"r": draft}, messages.SUCCESS)


class VersionedItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows of a version: editable only while their version is a draft; saved through the service."""

    scope_field = "rule_set__region_code"
    list_select_related = ("rule_set", "mode")
    list_filter = ("rule_set__state",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.rule_set.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.rule_set.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            ruleset_item_save(item=obj, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)

    def delete_model(self, request, obj):
        ruleset_item_delete(item=obj, actor=request.user)


@admin.register(ConditionGroup)
class ConditionGroupAdmin(VersionedItemAdmin):
    list_display = ("code", "name", "logic", "parent", "mode", "rule_set")


@admin.register(QuantitativeCondition)
class QuantitativeConditionAdmin(VersionedItemAdmin):
    list_display = (
        "code",
        "name",
        "factor",
        "lower_operator",
        "lower",
        "upper_operator",
        "upper",
        "mode",
        "rule_set",
    )
    search_fields = ("code", "name", "factor")


@admin.register(QualitativeCondition)
class QualitativeConditionAdmin(VersionedItemAdmin):
    list_display = ("code", "name", "factor", "values", "mode", "rule_set")
    search_fields = ("code", "name", "factor")


@admin.register(Standard)
class StandardAdmin(VersionedItemAdmin):
    list_display = ("code", "name", "household_size", "value", "formula", "mode", "rule_set")
    search_fields = ("code", "name")


@admin.register(OrderingCriterion)
class OrderingCriterionAdmin(VersionedItemAdmin):
    list_display = ("position", "label", "kind", "direction", "rule_set")
    list_select_related = ("rule_set",)


@admin.register(SupportProject)
class SupportProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "region_code", "supplier_type", "is_enabled", "enabled_on")
    list_filter = ("supplier_type", "is_enabled")
    search_fields = ("code", "name")


@admin.register(SupportMode)
class SupportModeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "project__region_code"
    list_display = ("code", "kind", "project", "is_enabled", "enabled_on")
    list_select_related = ("project",)


@admin.register(SupportCondition)
class SupportConditionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "mode__project__region_code"
    list_display = ("code", "condition", "mode", "is_enabled", "enabled_on")
    list_select_related = ("mode__project",)


@admin.register(SupportStandard)
class SupportStandardAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "mode__project__region_code"
    list_display = ("code", "current_standard", "applied_standard", "mode", "is_enabled", "enabled_on")
    list_select_related = ("mode__project",)


@admin.register(RuleExchangeRecord)
class RuleExchangeRecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "direction", "project_name", "year", "region_code", "sha256", "actor")
    list_filter = ("direction",)
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
