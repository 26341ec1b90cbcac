"""Back-office pages of the family register: list, detail (tabs), intake and edit forms. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.archive.models import OwnerKind
from housing.archive.views import documents_panel_context
from housing.backoffice.access import staff_permission_required
from housing.backoffice.listing import Column, ScopedListView

from .filters import FamilyFilter
from .forms import FamilyForm, FamilyMemberForm, MemberRemoveForm
from .selectors import (
    family_get_for_user,
    family_history,
    family_list,
    family_member_get_for_user,
    family_members,
    id_number_match_q,
)
from .services import (
    family_create,
    family_member_add,
    family_member_remove,
    family_member_update,
    family_update,
)

VIEW, ADD, CHANGE = "admission.view_family", "admission.add_family", "admission.change_family"


def _list_crumb() -> tuple[str, str]:
    return (_("家庭档案"), reverse("admission:family_list"))


class FamilyListView(ScopedListView):
    """家庭档案: masked ID numbers on screen and in the export; search by name or exact ID number."""

    title = gettext_lazy("家庭档案")
    permission_required = VIEW
    filterset_class = FamilyFilter
    columns = [
        Column(gettext_lazy("申请人姓名"), "applicant_name", sort="applicant_name", link=True),
        Column(gettext_lazy("证件号码"), "id_number_masked"),
        Column(gettext_lazy("家庭人口数"), "household_size", sort="household_size"),
        Column(gettext_lazy("家庭人均年收入"), "per_capita_income", sort="per_capita_income"),
        Column(gettext_lazy("区划"), lambda f: f.region_name or f.region_code, sort="region_code"),
        Column(gettext_lazy("办理阶段"), "stage", sort="stage"),
    ]
    search_fields = ("applicant_name__icontains",)
    search_placeholder = gettext_lazy("申请人姓名，或成员的完整证件号码")
    default_ordering = ("region_code", "-pk")
    export_filename = "家庭档案"
    template_name = "admission/family_list.html"

    def get_base_queryset(self):
        return family_list(user=self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.search_term:
            return queryset
        # The page's search matched names; a full ID number also matches the applicant or any
        # active member exactly, through the keyed hash (the clear number is never queried).
        by_id = id_number_match_q(self.search_term)
        if by_id is None:
            return queryset
        base = self.get_base_queryset()
        if self.filterset is not None and self.filterset.is_bound and self.filterset.is_valid():
            base = self.filterset.filter_queryset(base)
        return base.filter(by_id | Q(applicant_name__icontains=self.search_term)).order_by(
            *self.get_ordering_fields()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(ADD)
        return context


@staff_permission_required(VIEW)
def family_detail(request, pk: int):
    family = family_get_for_user(user=request.user, pk=pk)
    members = list(family_members(family=family))
    context = {
        "object": family,
        "family": family,
        "title": _("家庭档案：%(name)s") % {"name": family.applicant_name},
        "breadcrumbs": [_list_crumb(), (family.applicant_name, None)],
        "members": members,
        "active_member_count": sum(1 for m in members if m.is_active),
        "history": family_history(family=family),
        "can_change": request.user.has_perm(CHANGE),
        "tabs": [
            ("info", _("基本信息"), "admission/_family_info.html"),
            ("members", _("家庭成员"), "admission/_family_members.html"),
            ("archive", _("档案"), "archive/_documents_panel.html"),
            ("history", _("变更历史"), "admission/_family_history.html"),
        ],
        "transitions": [],
        **documents_panel_context(user=request.user, owner=family, owner_kind=OwnerKind.FAMILY),
    }
    return render(request, "admission/family_detail.html", context)


def _form_page(
    request, *, form, title: str, breadcrumbs, cancel_url: str, submit_label: str, intro: str = ""
):
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": breadcrumbs,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "intro": intro,
        },
    )


@staff_permission_required(ADD)
def family_create_view(request):
    form = FamilyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            family = family_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("家庭档案已建立，请继续登记家庭成员。"))
            return redirect(family.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("新建家庭档案"),
        breadcrumbs=[_list_crumb(), (_("新建"), None)],
        cancel_url=reverse("admission:family_list"),
        submit_label=_("保存"),
        intro=_("申请人本人将自动登记为户主；家庭人口数、年总收入和人均指标按在册成员自动计算。"),
    )


@staff_permission_required(CHANGE)
def family_edit(request, pk: int):
    family = family_get_for_user(user=request.user, pk=pk)
    form = FamilyForm(request.POST or None, instance=family, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            family_update(family=family, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("家庭基本信息已保存。"))
            return redirect(family.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("修改家庭基本信息"),
        breadcrumbs=[_list_crumb(), (family.applicant_name, family.get_absolute_url()), (_("修改"), None)],
        cancel_url=family.get_absolute_url(),
        submit_label=_("保存"),
    )


@staff_permission_required(CHANGE)
def member_add(request, pk: int):
    family = family_get_for_user(user=request.user, pk=pk)
    form = FamilyMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            family_member_add(family=family, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("家庭成员已登记。"))
            return redirect(f"{family.get_absolute_url()}#members")
    return _form_page(
        request,
        form=form,
        title=_("登记家庭成员"),
        breadcrumbs=[
            _list_crumb(),
            (family.applicant_name, family.get_absolute_url()),
            (_("登记成员"), None),
        ],
        cancel_url=family.get_absolute_url(),
        submit_label=_("保存"),
    )


@staff_permission_required(CHANGE)
def member_edit(request, pk: int, member_pk: int):
    member = family_member_get_for_user(user=request.user, pk=member_pk, family_pk=pk)
    family = member.family
    form = FamilyMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            family_member_update(member=member, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("家庭成员信息已保存。"))
            return redirect(f"{family.get_absolute_url()}#members")
    return _form_page(
        request,
        form=form,
        title=_("修改家庭成员：%(name)s") % {"name": member.name},
        breadcrumbs=[_list_crumb(), (family.applicant_name, family.get_absolute_url()), (member.name, None)],
        cancel_url=family.get_absolute_url(),
        submit_label=_("保存"),
    )


@staff_permission_required(CHANGE)
def member_remove(request, pk: int, member_pk: int):
    member = family_member_get_for_user(user=request.user, pk=member_pk, family_pk=pk)
    family = member.family
    form = MemberRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            family_member_remove(member=member, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已将 %(name)s 移出本户。") % {"name": member.name})
            return redirect(f"{family.get_absolute_url()}#members")
    return _form_page(
        request,
        form=form,
        title=_("移除家庭成员：%(name)s") % {"name": member.name},
        breadcrumbs=[
            _list_crumb(),
            (family.applicant_name, family.get_absolute_url()),
            (_("移除成员"), None),
        ],
        cancel_url=family.get_absolute_url(),
        submit_label=_("确认移除"),
        intro=_("移除不会删除记录：成员信息和移除原因保留在家庭档案中。"),
    )
