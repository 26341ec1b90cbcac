"""Django admin for the family register: scoped like the back office; ID numbers masked and read-only.

Families are filed and changed through the back-office forms (their services derive the figures and
check duplicates); the admin is for looking up and correcting plain facts, never for deleting.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from housing.accounts.admin import ScopedAdminMixin

from .models import Application, ApplicationAsset, ApplicationHousing, Family, FamilyMember, ProposedPlan

SENSITIVE_EXCLUDED = ("id_number", "agent_id_number", "phone", "agent_phone")


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 0
    can_delete = False
    fields = (
        "member_number",
        "relation",
        "name",
        "id_number_masked",
        "sex",
        "birth_date",
        "annual_income",
        "status",
    )
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Family)
class FamilyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "applicant_name",
        "id_number_masked",
        "household_size",
        "per_capita_income",
        "region_code",
        "stage",
        "registration_year",
    ]
    list_filter = ["stage", "registration_year", "is_low_income", "is_subsistence_allowance_family"]
    search_fields = ["applicant_name", "=region_code"]
    exclude = SENSITIVE_EXCLUDED
    readonly_fields = [
        "id_number_masked",
        "masked_phone",
        "agent_id_number_masked",
        "masked_agent_phone",
        "household_size",
        "total_income",
        "per_capita_income",
        "per_capita_floor_area",
        "application_number",
        "stage",
        "reviewer",
        "reviewed_at",
        "review_status",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [FamilyMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*SENSITIVE_EXCLUDED)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description=_("代理人联系电话"))
    def masked_agent_phone(self, obj):
        return obj.masked_agent_phone


@admin.register(FamilyMember)
class FamilyMemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_field = "family__region_code"
    list_display = ["name", "relation", "id_number_masked", "family", "status"]
    list_filter = ["status", "relation"]
    search_fields = ["name", "member_number"]
    list_select_related = ["family"]
    exclude = ("id_number", "phone", "family")
    readonly_fields = [
        "family",
        "member_number",
        "id_number_masked",
        "masked_phone",
        "status",
        "removed_at",
        "removed_by",
        "removal_reason",
        "application_number",
        "stage",
        "reviewer",
        "reviewed_at",
        "review_status",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return obj.masked_phone


# --- applications: looked up here, changed only through the back office's lifecycle services -----------


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApplicationHousingInline(_ReadOnlyInline):
    model = ApplicationHousing
    fields = ("housing_number", "address_road", "nature", "floor_area", "rent", "value")


class ApplicationAssetInline(_ReadOnlyInline):
    model = ApplicationAsset
    fields = ("asset_number", "owner_name", "category", "quantity", "total_value")


class ProposedPlanInline(_ReadOnlyInline):
    model = ProposedPlan
    fields = ("plan_number", "mode_code", "eligible", "subsidy_amount", "allotted_area", "reviewed_at")


@admin.register(Application)
class ApplicationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """申请: read-only. Every step needs an opinion and the business checks of ``application_transition``."""

    list_display = ["receipt_number", "family", "project_code", "mode_code", "state", "region_code"]
    list_filter = ["state", "project_code", "mode_code"]
    search_fields = ["=receipt_number", "=region_code"]
    list_select_related = ["family"]
    show_full_result_count = False
    inlines = [ApplicationHousingInline, ApplicationAssetInline, ProposedPlanInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*(f"family__{f}" for f in SENSITIVE_EXCLUDED))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The parts' records (publicity, casework, registry), registered in their own module.
from . import parts_admin  # noqa: E402, F401
