from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import mask_phone
from housing.accounts.selectors import organisation_get_for_user, organisation_list, staff_list
from housing.workflow.selectors import task_inbox

from .listing import Column, ScopedListView


@login_required
def home(request):
    """首页: my tasks (待办), my region and roles."""
    if request.user.is_applicant:
        return redirect("portal:home")
    tasks = task_inbox(user=request.user)
    context = {
        "title": _("首页"),
        "tasks": tasks[:20],
        "task_count": tasks.count(),
        "breadcrumbs": [(_("待办"), None)],
    }
    return render(request, "backoffice/home.html", context)


class OrganisationListView(ScopedListView):
    title = _("机构")
    columns = [
        Column(_("机构名称"), "name", sort="name"),
        Column(_("机构代码"), "code", sort="code"),
        Column(_("机构类型"), "kind"),
        Column(_("所属区划"), "region.name", sort="region_code"),
    ]
    search_fields = ("name__icontains", "code__icontains")
    search_placeholder = _("机构名称或代码")
    default_ordering = ("region_code", "code")
    export_filename = "机构"

    def get_base_queryset(self):
        return organisation_list(user=self.request.user)


class StaffListView(ScopedListView):
    title = _("工作人员")
    columns = [
        Column(_("用户名"), "username", sort="username"),
        Column(_("姓名"), "real_name", sort="real_name"),
        Column(_("所属机构"), "organisation.name", sort="organisation__name"),
        Column(_("手机号码"), lambda u: mask_phone(u.phone)),
        Column(_("是否启用"), lambda u: "是" if u.is_active else "否"),
    ]
    search_fields = ("username__icontains", "real_name__icontains")
    search_placeholder = _("用户名或姓名")
    default_ordering = ("organisation__region_code", "username")
    export_filename = "工作人员"

    def get_base_queryset(self):
        return staff_list(user=self.request.user)


@login_required
def organisation_detail(request, pk: int):
    if request.user.is_applicant:
        return redirect("portal:home")
    organisation = organisation_get_for_user(user=request.user, pk=pk)
    staff = staff_list(user=request.user).filter(organisation=organisation)[:200]
    context = {
        "object": organisation,
        "title": organisation.name,
        "breadcrumbs": [(_("机构"), reverse("backoffice:organisations")), (organisation.name, None)],
        "fields": [
            (_("机构代码"), organisation.code),
            (_("机构类型"), organisation.get_kind_display()),
            (_("所属区划"), organisation.region.full_name()),
            (_("行政区划代码"), organisation.region_code),
        ],
        "staff": staff,
        "tabs": [
            ("info", _("基本信息"), "backoffice/_fields.html"),
            ("staff", _("工作人员"), "backoffice/_organisation_staff.html"),
        ],
        "transitions": [],
    }
    return render(request, "backoffice/detail.html", context)
