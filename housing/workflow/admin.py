"""Admin of the workflow: templates (versioned), calendar days, and region-scoped instances."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.accounts.admin import ScopedAdminMixin, object_grant_inline

from .calendar import library_knows_year
from .models import (
    CalendarDay,
    CalendarSource,
    NodeInstance,
    NodeLink,
    NodeParticipant,
    NodeTemplate,
    ProcessInstance,
    ProcessInstanceUserObjectPermission,
    ProcessTemplate,
)
from .services import process_template_activate, process_template_new_version


class _FrozenWhenActive:
    """An active template version is used by running cases: it is read-only; copy it to change it."""

    def _parent_active(self, obj) -> bool:
        template = obj if isinstance(obj, ProcessTemplate) else getattr(obj, "process", None)
        return bool(template and template.is_active)

    def has_add_permission(self, request, obj=None):
        return not self._parent_active(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._parent_active(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._parent_active(obj) and super().has_delete_permission(request, obj)


class NodeTemplateInline(_FrozenWhenActive, admin.TabularInline):
    model = NodeTemplate
    extra = 0
    show_change_link = True
    fields = ["order", "code", "name", "kind", "time_limit_days", "publicity_days", "description"]


class NodeLinkInline(_FrozenWhenActive, admin.TabularInline):
    model = NodeLink
    fk_name = "process"
    extra = 0
    fields = ["from_node", "to_node", "priority", "name", "condition"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the nodes of this template version may be linked.
        if db_field.name in ("from_node", "to_node"):
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = NodeTemplate.objects.filter(process_id=object_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "version", "is_active", "category", "defined_at"]
    list_filter = ["is_active", "category"]
    search_fields = ["code", "name"]
    inlines = [NodeTemplateInline, NodeLinkInline]
    actions = ["copy_as_new_version", "activate_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_active:
            return [f.name for f in ProcessTemplate._meta.fields]
        if obj is not None:
            return ["code", "version", "is_active"]
        return ["is_active"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_active:
            self.message_user(
                request,
                _("这是正在使用的版本，不能修改。请勾选后执行“复制为新版本”，修改草稿后再激活。"),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("复制为新版本（草稿）"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        for template in queryset:
            draft = process_template_new_version(template=template, actor=request.user)
            self.message_user(request, _("已生成草稿：%(t)s") % {"t": draft}, messages.SUCCESS)

    @admin.action(description=_("激活所选版本"), permissions=["change"])
    def activate_version(self, request, queryset):
        for template in queryset:
            try:
                process_template_activate(template=template, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("已激活：%(t)s") % {"t": template}, messages.SUCCESS)


class NodeParticipantInline(_FrozenWhenActive, admin.TabularInline):
    model = NodeParticipant
    extra = 0

    def _parent_active(self, obj) -> bool:
        return bool(obj is not None and obj.process.is_active)


@admin.register(NodeTemplate)
class NodeTemplateAdmin(admin.ModelAdmin):
    """Nodes with their participant roles (A.3.4), one node per page; frozen in an active version."""

    list_display = ["name", "code", "process", "kind", "time_limit_days", "publicity_days", "order"]
    list_filter = ["kind", "process__code"]
    list_select_related = ["process"]
    search_fields = ["name", "code", "process__name"]
    inlines = [NodeParticipantInline]

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.process.is_active) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.process.is_active) and super().has_delete_permission(request, obj)


class NodeInstanceInline(admin.TabularInline):
    model = NodeInstance
    fk_name = "process"
    extra = 0
    can_delete = False
    fields = [
        "name",
        "state",
        "assigned_role_code",
        "actor",
        "created_at",
        "finished_at",
        "due_date",
        "opinion",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Cases are written only by transitions; the admin shows them (scoped) and never edits."""

    list_display = ["title", "process_code", "state", "current_node", "region_code", "started_at"]
    list_filter = ["state", "process_code", "is_demo"]
    list_select_related = ["current_node"]
    search_fields = ["title"]
    inlines = [NodeInstanceInline, object_grant_inline(ProcessInstanceUserObjectPermission)]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ProcessInstance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NodeInstance)
class NodeInstanceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "process", "state", "assigned_role_code", "actor", "due_date", "finished_at"]
    list_filter = ["state", "kind", "assigned_role_code"]
    list_select_related = ["process", "actor"]
    search_fields = ["process__title", "name"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in NodeInstance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Holidays and make-up working days; a row here overrides the chinese_calendar library."""

    list_display = ["date", "is_working_day", "name", "source"]
    list_filter = ["is_working_day", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        for year in (this_year, this_year + 1):
            if not library_knows_year(year) and not CalendarDay.objects.filter(date__year=year).exists():
                self.message_user(
                    request,
                    _(
                        "节假日库还没有 %(year)s 年的数据，系统暂按周一至周五计算工作日。"
                        "请按国务院办公厅的放假通知录入该年的法定节假日和调休上班日。"
                    )
                    % {"year": year},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        # An administrator's edit is authoritative: calendar_seed never overwrites it.
        obj.source = CalendarSource.MANUAL
        super().save_model(request, obj, form, change)
