from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from housing.accounts.admin import ScopedAdminMixin

from .forms import RegionImportForm
from .models import Region
from .services import regions_import


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "code"
    list_display = ["code", "name", "level", "parent", "is_demo", "is_active"]
    list_filter = ["level", "is_demo", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    change_list_template = "admin/regions/region/change_list.html"

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="regions_region_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        """Import a CSV/Excel file: all rows or none; every bad row is listed."""
        if not self.has_add_permission(request):
            return redirect("admin:regions_region_changelist")
        form = RegionImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = regions_import(
                content=upload.read(), filename=upload.name, is_demo=form.cleaned_data["is_demo"]
            )
            if not result.errors:
                messages.success(
                    request,
                    _("导入成功：新增 %(c)d 个，更新 %(u)d 个区划。")
                    % {"c": result.created, "u": result.updated},
                )
                return redirect("admin:regions_region_changelist")
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入行政区划"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/regions/region/import.html", context)
