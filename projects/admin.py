"""Admin of the construction subsystem: every region-owned model scoped (ScopedAdminMixin)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from housing.accounts.admin import ScopedAdminMixin

from .models import (
    ApprovalCertificate,
    Building,
    CertificateScan,
    ConstructionContract,
    HandoverBatch,
    LandReserve,
    ParticipatingCompany,
    ParticipatingPerson,
    ProgressLog,
    Project,
    ProjectParticipation,
    ProjectPhoto,
    RelocationContract,
    Unit,
    UnitChange,
    UnitTransfer,
)


@admin.register(LandReserve)
class LandReserveAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "land_area", "planned_use", "reserved_on", "region_code")
    search_fields = ("number", "name")


class ParticipationInline(admin.TabularInline):
    model = ProjectParticipation
    extra = 0
    autocomplete_fields = ("company",)


class ProjectPhotoForm(forms.ModelForm):
    class Meta:
        model = ProjectPhoto
        fields = ("image", "caption", "order")
        help_texts = {"image": "JPEG 或 PNG，不超过 10 MB；上传后自动生成缩略图并去除拍摄信息（EXIF）。"}

    def clean_image(self):
        from .services.photos import photo_image_check

        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            try:
                photo_image_check(image)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["image"]) from None
            image.seek(0)
        return image


class ProjectPhotoInline(admin.TabularInline):
    """项目照片 for the portal's 房源展示. A photo is part of its project: whoever may change the project
    manages its photos (no separate permission to grant)."""

    model = ProjectPhoto
    form = ProjectPhotoForm
    extra = 1
    fields = ("thumbnail_preview", "image", "caption", "order")
    readonly_fields = ("thumbnail_preview",)

    @admin.display(description="缩略图")
    def thumbnail_preview(self, obj):
        if not obj or not obj.pk or not obj.thumbnail:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="height:60px">',
            reverse("listings:photo", args=[obj.pk, "thumb"]),
            obj.caption or obj.project.name,
        )

    def _may_change_project(self, request, obj=None) -> bool:
        return request.user.has_perm("projects.change_project")

    has_add_permission = _may_change_project
    has_change_permission = _may_change_project
    has_delete_permission = _may_change_project

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("projects.view_project")


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "number",
        "name",
        "project_type",
        "construction_mode",
        "planned_start_date",
        "region_code",
    )
    list_filter = ("project_type", "construction_mode", "is_handed_over")
    search_fields = ("number", "name", "address")
    inlines = [ParticipationInline, ProjectPhotoInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProjectPhoto:
            return super().save_formset(request, form, formset, change)
        from .services.photos import project_photo_delete, project_photo_save

        photos = formset.save(commit=False)
        for photo in formset.deleted_objects:
            project_photo_delete(photo=photo, actor=request.user)
        changed = {f.instance.pk or id(f.instance): f for f in formset.forms if f.has_changed()}
        for photo in photos:
            photo_form = changed.get(photo.pk or id(photo))
            new_image = photo_form is not None and "image" in photo_form.changed_data
            project_photo_save(
                photo=photo,
                actor=request.user,
                upload=photo_form.cleaned_data["image"] if new_image else None,
            )


@admin.register(Building)
class BuildingAdmin(ScopedAdminMixin, ImportExportMixin, SimpleHistoryAdmin):
    list_display = ("number", "name", "project", "total_floors", "construction_status", "is_handed_over")
    list_filter = ("construction_status", "is_handed_over")
    list_select_related = ("project",)
    search_fields = ("number", "name")
    raw_id_fields = ("project",)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def get_resource_classes(self, request):
        from .importing import BuildingResource

        return [BuildingResource]


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """State is read-only here: it changes only through the lifecycle (DESIGN §4 rule 3)."""

    list_display = (
        "number",
        "building",
        "unit_label",
        "room_number",
        "state",
        "guarantee_mode",
        "region_code",
    )
    list_filter = ("state", "guarantee_mode", "source")
    list_select_related = ("building",)
    search_fields = ("number", "room_number")
    raw_id_fields = ("building", "handover_batch")
    readonly_fields = ("state",)


@admin.register(HandoverBatch)
class HandoverBatchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "project", "handed_over_by", "handed_over_on", "unit_count")
    list_select_related = ("project",)
    search_fields = ("number",)
    raw_id_fields = ("project",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitTransfer, UnitChange)
class UnitRecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "region_code", "actor", "created_at")
    list_select_related = ("unit", "actor")
    raw_id_fields = ("unit",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ParticipatingCompany)
class ParticipatingCompanyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "role", "qualification_grade", "region_code")
    list_filter = ("role",)
    search_fields = ("number", "name")


@admin.register(ParticipatingPerson)
class ParticipatingPersonAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "company", "position", "title")
    list_select_related = ("company",)
    search_fields = ("number", "name")
    raw_id_fields = ("company",)
    filter_horizontal = ("projects",)


@admin.register(ProgressLog)
class ProgressLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("project", "building", "recorded_on", "building_status", "completed_investment")
    list_select_related = ("project", "building")
    raw_id_fields = ("project", "building")


class CertificateScanInline(admin.TabularInline):
    model = CertificateScan
    extra = 0
    raw_id_fields = ("document",)


@admin.register(ApprovalCertificate)
class ApprovalCertificateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "kind", "project", "issued_on")
    list_filter = ("kind",)
    list_select_related = ("project",)
    search_fields = ("number", "name")
    raw_id_fields = ("project",)
    inlines = [CertificateScanInline]


@admin.register(CertificateScan)
class CertificateScanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "certificate", "image_name")
    list_select_related = ("certificate",)
    raw_id_fields = ("certificate", "document")


@admin.register(ConstructionContract)
class ConstructionContractAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("contract_number", "name", "project", "amount", "signed_on", "is_valid")
    list_select_related = ("project",)
    search_fields = ("contract_number", "name")
    raw_id_fields = ("project", "building", "party_a", "party_b")


@admin.register(RelocationContract)
class RelocationContractAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("contract_number", "project", "compensation_mode", "cash_compensation", "signed_on")
    list_select_related = ("project",)
    search_fields = ("contract_number",)
    raw_id_fields = ("project",)
