"""Back-office pages of the rules subsystem (CJJ/T 196 §4.2): rule-set versions, their drafts,
activation, exchange (A.1.12), differences between versions and 试算. Thin views: every read goes
through ``rules.selectors`` (scoped by the user), every write through ``rules.services``.

Access: ``rules.view_ruleset`` to read (a district sees the city's versions read-only); changing
needs ``rules.change_ruleset`` / ``add_ruleset`` / ``publish_ruleset`` AND the version in the
user's own scope (``ruleset_get_for_edit``: 404 otherwise, never a 403 that leaks existence).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.accounts.scope import code_in_scope
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors as _add_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.regions.codes import Level, scope_prefix
from housing.regions.models import Region

from . import selectors
from .engine import evaluate
from .factors import FactorType, factors_all
from .forms import (
    SOURCE_RULESET,
    ActivateForm,
    ConditionGroupForm,
    ImportForm,
    OrderingCriterionForm,
    QualitativeConditionForm,
    QuantitativeConditionForm,
    RetireForm,
    RuleSetCreateForm,
    RuleSetEditForm,
    StandardForm,
    TrialForm,
    factor_field_name,
    trial_initial,
)
from .formulas import FormulaError, formula_parse
from .models import (
    ConditionGroup,
    OrderingCriterion,
    QualitativeCondition,
    QuantitativeCondition,
    RuleSet,
    RuleSetState,
    Standard,
)
from .services import (
    canonical_json,
    ruleset_activate,
    ruleset_copy_to_draft,
    ruleset_create,
    ruleset_data,
    ruleset_diff,
    ruleset_export,
    ruleset_import,
    ruleset_item_delete,
    ruleset_item_save,
    ruleset_retire,
    ruleset_update,
    ruleset_validate,
    sha256_of,
)

VIEW = "rules.view_ruleset"
ADD = "rules.add_ruleset"
CHANGE = "rules.change_ruleset"
PUBLISH = "rules.publish_ruleset"
SHA256_HEADER = "X-Content-SHA256"


def _list_crumb() -> tuple[str, str]:
    return (_("规则模版"), reverse("rules:ruleset_list"))


def _detail_url(ruleset: RuleSet, tab: str = "") -> str:
    url = ruleset.get_absolute_url()
    return f"{url}#{tab}" if tab else url


def _ruleset_crumbs(ruleset: RuleSet, *tail: tuple[str, str | None]) -> list:
    return [_list_crumb(), (f"{ruleset.project.name} 第{ruleset.version}版", _detail_url(ruleset)), *tail]


def _form_page(request, *, form, title, breadcrumbs, cancel_url, submit_label, intro="", extra=None):
    return render(
        request,
        "rules/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": breadcrumbs,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "intro": intro,
            **(extra or {}),
        },
    )


def _may(user, permission: str, ruleset: RuleSet) -> bool:
    """The permission, on a version inside the user's own scope (a district reads the city's)."""
    return user.has_perm(permission) and code_in_scope(user, ruleset.region_code)


# --- list -------------------------------------------------------------------------------------------


class RuleSetFilter(django_filters.FilterSet):
    project = django_filters.ChoiceFilter(
        label=gettext_lazy("保障项目"),
        field_name="project__code",
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"),
        choices=RuleSetState.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = RuleSet
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        projects = selectors.project_list(user=request.user) if request else []
        # One project code may exist in several regions; the filter is by code.
        seen: dict[str, str] = {}
        for project in projects:
            seen.setdefault(project.code, project.name)
        self.filters["project"].extra["choices"] = sorted(seen.items())


def _name_link(ruleset: RuleSet):
    return format_html('<a href="{}">{}</a>', _detail_url(ruleset), ruleset.name)


def _nowrap(text: str):
    return format_html('<span class="text-nowrap">{}</span>', text)


def _policy(ruleset: RuleSet) -> str:
    if ruleset.policy_number:
        return f"{ruleset.policy_title}（{ruleset.policy_number}）"
    return ruleset.policy_title


class RuleSetListView(ScopedListView):
    """规则模版: every version the user may see, newest first per project and region."""

    title = gettext_lazy("规则模版")
    permission_required = VIEW
    filterset_class = RuleSetFilter
    template_name = "rules/ruleset_list.html"
    columns = [
        Column(gettext_lazy("项目"), "project.name", sort="project__code"),
        Column(gettext_lazy("名称"), _name_link, sort="name"),
        Column(gettext_lazy("版本"), lambda r: _nowrap(f"第{r.version}版"), sort="version"),
        Column(gettext_lazy("状态"), lambda r: _nowrap(r.get_state_display()), sort="state"),
        Column(gettext_lazy("生效期间"), lambda r: _nowrap(r.period_display()), sort="effective_from"),
        Column(gettext_lazy("政策文件"), _policy),
        Column(gettext_lazy("区划"), lambda r: _nowrap(r.region_name or r.region_code), sort="region_code"),
    ]
    #: The same columns as plain text for the Excel export (no links or markup in the cells).
    export_columns = [
        Column(gettext_lazy("项目"), "project.name"),
        Column(gettext_lazy("名称"), "name"),
        Column(gettext_lazy("版本"), "version"),
        Column(gettext_lazy("状态"), "state"),
        Column(gettext_lazy("生效期间"), lambda r: r.period_display()),
        Column(gettext_lazy("政策文件"), _policy),
        Column(gettext_lazy("区划"), lambda r: r.region_name or r.region_code),
    ]
    search_fields = ("name__icontains", "policy_title__icontains", "policy_number__icontains")
    search_placeholder = gettext_lazy("名称、政策文件名称或文号")
    default_ordering = ("project__code", "region_code", "-version")
    export_filename = "规则模版"

    def get_base_queryset(self):
        names = Region.objects.filter(code=OuterRef("region_code")).values("name")[:1]
        return selectors.ruleset_list(user=self.request.user).annotate(region_name=Subquery(names))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(ADD)
        return context

    def export(self):
        self.columns = self.export_columns
        return super().export()


# --- detail -----------------------------------------------------------------------------------------


def ruleset_sha256(ruleset: RuleSet) -> str:
    """The SHA-256 an export of this version carries now (a read: nothing is recorded)."""
    return sha256_of(canonical_json(ruleset_data(ruleset)))


def _condition_tree(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """One mode's groups and conditions as nested nodes, in evaluation order (order, then code)."""
    children: dict[int | None, list[tuple[int, str, dict[str, Any]]]] = {}
    for group in entry["groups"]:
        children.setdefault(group.parent_id, []).append(
            (group.order, group.code, {"type": "group", "obj": group})
        )
    for kind in ("quantitative", "qualitative"):
        for condition in entry[kind]:
            children.setdefault(condition.group_id, []).append(
                (condition.order, condition.code, {"type": kind, "obj": condition})
            )

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        nodes = []
        for _order, _code, node in sorted(children.get(parent_id, []), key=lambda t: (t[0], t[1])):
            if node["type"] == "group":
                node = {**node, "children": build(node["obj"].pk)}
            nodes.append(node)
        return nodes

    return build(None)


@staff_permission_required(VIEW)
def ruleset_detail(request, pk: int):
    ruleset = selectors.ruleset_get_for_user(user=request.user, pk=pk)
    user = request.user
    can_change = ruleset.is_editable and _may(user, CHANGE, ruleset)
    can_publish = _may(user, PUBLISH, ruleset)
    versions = list(selectors.ruleset_versions(user=user, ruleset=ruleset))
    transitions = []
    if ruleset.state == RuleSetState.ACTIVE and can_publish:
        transitions.append(
            {
                "name": "retire",
                "label": _("停用"),
                "url": reverse("rules:ruleset_retire", args=[ruleset.pk]),
                "needs_opinion": True,
                "style": "outline-danger",
            }
        )
    context = {
        "object": ruleset,
        "ruleset": ruleset,
        "title": f"{ruleset.name}（第{ruleset.version}版）",
        "breadcrumbs": [_list_crumb(), (f"{ruleset.project.name} 第{ruleset.version}版", None)],
        "contents": [
            {**entry, "tree": _condition_tree(entry)} for entry in selectors.ruleset_contents(ruleset=ruleset)
        ],
        "ordering": list(selectors.ruleset_ordering(ruleset=ruleset)),
        "versions": versions,
        "other_versions": [v for v in versions if v.pk != ruleset.pk],
        "exchanges": list(
            selectors.exchange_record_list(user=user).filter(rule_set=ruleset).order_by("-created_at")[:50]
        ),
        "sha256": ruleset_sha256(ruleset),
        "region": Region.objects.filter(code=ruleset.region_code).first(),
        "can_change": can_change,
        "can_activate": ruleset.is_editable and can_publish,
        "copy_targets": _copy_targets(user, ruleset) if ruleset.state == RuleSetState.ACTIVE else [],
        "transitions": transitions,
        "tabs": [
            ("info", _("基本信息"), "rules/_tab_info.html"),
            ("conditions", _("条件"), "rules/_tab_conditions.html"),
            ("standards", _("标准与公式"), "rules/_tab_standards.html"),
            ("ordering", _("轮候排序"), "rules/_tab_ordering.html"),
            ("versions", _("版本历史"), "rules/_tab_versions.html"),
            ("exchange", _("交换记录"), "rules/_tab_exchange.html"),
        ],
    }
    return render(request, "rules/ruleset_detail.html", context)


# --- create, edit, lifecycle ------------------------------------------------------------------------


@staff_permission_required(ADD)
def ruleset_create_view(request):
    projects = selectors.project_list(user=request.user)
    own = [p.pk for p in projects if code_in_scope(request.user, p.region_code)]
    form = RuleSetCreateForm(request.POST or None, projects=projects.filter(pk__in=own))
    if request.method == "POST" and form.is_valid():
        project = form.cleaned_data["project"]
        try:
            ruleset = ruleset_create(
                project=project,
                region_code=project.region_code,
                name=form.cleaned_data["name"],
                actor=request.user,
                policy_title=form.cleaned_data["policy_title"],
                policy_number=form.cleaned_data["policy_number"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已建立草稿第%(v)s版，请添加条件和标准。") % {"v": ruleset.version})
            return redirect(_detail_url(ruleset))
    return _form_page(
        request,
        form=form,
        title=_("新建规则集"),
        breadcrumbs=[_list_crumb(), (_("新建"), None)],
        cancel_url=reverse("rules:ruleset_list"),
        submit_label=_("建立草稿"),
        intro=_("新建的规则集是一个空白草稿；通常更方便的做法是在已启用的版本上点“修改（复制为新草稿）”。"),
    )


@staff_permission_required(CHANGE)
def ruleset_edit(request, pk: int):
    ruleset = selectors.ruleset_get_for_edit(user=request.user, pk=pk)
    if not ruleset.is_editable:
        messages.error(request, _("已启用或已停止的规则模版不能修改，请使用“复制为新草稿”后修改草稿。"))
        return redirect(_detail_url(ruleset))
    form = RuleSetEditForm(request.POST or None, instance=ruleset)
    if request.method == "POST" and form.is_valid():
        try:
            ruleset_update(ruleset=ruleset, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect(_detail_url(ruleset))
    return _form_page(
        request,
        form=form,
        title=_("编辑草稿"),
        breadcrumbs=_ruleset_crumbs(ruleset, (_("编辑"), None)),
        cancel_url=_detail_url(ruleset),
        submit_label=_("保存"),
    )


@staff_permission_required(CHANGE)
def ruleset_validate_view(request, pk: int):
    ruleset = selectors.ruleset_get_for_edit(user=request.user, pk=pk)
    problems = ruleset_validate(ruleset=ruleset)
    if problems:
        messages.warning(request, _("校验发现 %(n)s 个问题，修正前不能启用：") % {"n": len(problems)})
        for problem in problems:
            messages.warning(request, problem)
    else:
        messages.success(request, _("校验通过：条件、标准公式和轮候排队规则均无问题。"))
    return redirect(_detail_url(ruleset))


@staff_permission_required(PUBLISH)
def ruleset_activate_view(request, pk: int):
    ruleset = selectors.ruleset_get_for_edit(user=request.user, pk=pk)
    if not ruleset.is_editable:
        messages.error(request, _("只有草稿可以启用。"))
        return redirect(_detail_url(ruleset))
    initial = {
        "effective_from": ruleset.effective_from,
        "effective_to": ruleset.effective_to,
        "policy_title": ruleset.policy_title,
        "policy_number": ruleset.policy_number,
    }
    form = ActivateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ruleset_activate(
                ruleset=ruleset,
                actor=request.user,
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                policy_title=data["policy_title"],
                policy_number=data["policy_number"],
                opinion=data["opinion"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("第%(v)s版已启用，自 %(d)s 起施行。")
                % {"v": ruleset.version, "d": data["effective_from"].isoformat()},
            )
            return redirect(_detail_url(ruleset))
    return _form_page(
        request,
        form=form,
        title=_("启用：%(name)s（第%(v)s版）") % {"name": ruleset.name, "v": ruleset.version},
        breadcrumbs=_ruleset_crumbs(ruleset, (_("启用"), None)),
        cancel_url=_detail_url(ruleset),
        submit_label=_("启用"),
        intro=_(
            "启用后本版本不能再修改。生效日期之前的日期仍按原版本计算；原版本如无失效日期，将自动截止于生效日期前一天。"
        ),
        extra={"problems": ruleset_validate(ruleset=ruleset)},
    )


@require_POST
@staff_permission_required(PUBLISH)
def ruleset_retire_view(request, pk: int):
    ruleset = selectors.ruleset_get_for_edit(user=request.user, pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写停用的办理意见。"))
        return redirect(_detail_url(ruleset))
    try:
        ruleset_retire(ruleset=ruleset, actor=request.user, opinion=form.cleaned_data["opinion"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("第%(v)s版已停用。") % {"v": ruleset.version})
    return redirect(_detail_url(ruleset))


def _copy_targets(user, ruleset: RuleSet) -> list[tuple[str, str]]:
    """Where the user may copy an active version to: its own region and the districts inside it.

    A district's own version starts as a copy of the city's (修改 → 复制为新草稿 → 选择本区).
    """
    if not user.has_perm(ADD):
        return []
    candidates = Region.objects.filter(
        code__startswith=scope_prefix(ruleset.region_code), level__lte=Level.DISTRICT
    ).order_by("level", "code")
    return [(r.code, r.name) for r in candidates if code_in_scope(user, r.code)]


@require_POST
@staff_permission_required(ADD)
def ruleset_copy(request, pk: int):
    ruleset = selectors.ruleset_get_for_user(user=request.user, pk=pk)
    target = request.POST.get("region_code") or ruleset.region_code
    if target not in dict(_copy_targets(request.user, ruleset)):
        messages.error(
            request,
            _("不能复制到区划 %(code)s：不在您的数据范围内，或不在本版本的区划之内。") % {"code": target},
        )
        return redirect(_detail_url(ruleset))
    try:
        draft = ruleset_copy_to_draft(ruleset=ruleset, actor=request.user, region_code=target)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_detail_url(ruleset))
    messages.success(
        request,
        _("已复制第%(old)s版为草稿第%(new)s版；修改后校验并启用。")
        % {"old": ruleset.version, "new": draft.version},
    )
    return redirect(_detail_url(draft))


# --- items inside a draft ---------------------------------------------------------------------------

ITEM_KINDS: dict[str, tuple[type, type, str, str]] = {
    "group": (ConditionGroup, ConditionGroupForm, gettext_lazy("条件组合"), "conditions"),
    "quantitative": (
        QuantitativeCondition,
        QuantitativeConditionForm,
        gettext_lazy("定量条件"),
        "conditions",
    ),
    "qualitative": (QualitativeCondition, QualitativeConditionForm, gettext_lazy("定性条件"), "conditions"),
    "standard": (Standard, StandardForm, gettext_lazy("保障标准"), "standards"),
    "ordering": (OrderingCriterion, OrderingCriterionForm, gettext_lazy("轮候排队规则"), "ordering"),
}


def _item_kind(kind: str) -> tuple[type, type, str, str]:
    try:
        return ITEM_KINDS[kind]
    except KeyError as exc:
        raise Http404 from exc


def _draft_for_edit(request, pk: int) -> RuleSet:
    ruleset = selectors.ruleset_get_for_edit(user=request.user, pk=pk)
    if not ruleset.is_editable:
        raise PermissionDenied(_("已启用或已停止的规则模版不能修改，请使用“复制为新草稿”后修改草稿。"))
    return ruleset


def _factor_reference() -> list[dict[str, str]]:
    """The names a formula may use, beside the formula field."""
    return [
        {"code": f.code, "label": f.label, "unit": f.unit, "type": str(FactorType(f.type).label)}
        for f in factors_all().values()
    ]


@staff_permission_required(CHANGE)
def item_edit(request, pk: int, kind: str, item_pk: int | None = None):
    """Add (no ``item_pk``) or change one group, condition, standard or ordering criterion."""
    model, form_class, label, tab = _item_kind(kind)
    ruleset = _draft_for_edit(request, pk)
    item = None
    if item_pk is not None:
        item = model.objects.filter(rule_set=ruleset, pk=item_pk).first()
        if item is None:
            raise Http404
    initial: dict[str, Any] = {}
    if item is None and kind != "ordering":
        mode = ruleset.project.modes.filter(code=request.GET.get("mode", "")).first()
        if mode is not None:
            initial["mode"] = mode.pk
    if item is None and kind == "ordering":
        last = ruleset.ordering_criteria.order_by("-position").first()
        initial["position"] = (last.position + 1) if last else 1
    form = form_class(request.POST or None, instance=item, ruleset=ruleset, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ruleset_item_save(item=form.save(commit=False), actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(kind)s已保存。") % {"kind": label})
            return redirect(_detail_url(ruleset, tab))
    title = (_("修改%(kind)s") if item else _("添加%(kind)s")) % {"kind": label}
    return _form_page(
        request,
        form=form,
        title=title,
        breadcrumbs=_ruleset_crumbs(ruleset, (title, None)),
        cancel_url=_detail_url(ruleset, tab),
        submit_label=_("保存"),
        extra={"factors": _factor_reference() if kind in ("standard", "ordering") else ()},
    )


@staff_permission_required(CHANGE)
def item_delete(request, pk: int, kind: str, item_pk: int):
    model, _form_class, label, tab = _item_kind(kind)
    ruleset = _draft_for_edit(request, pk)
    item = model.objects.filter(rule_set=ruleset, pk=item_pk).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        try:
            ruleset_item_delete(item=item, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已删除%(kind)s“%(name)s”。") % {"kind": label, "name": item})
        return redirect(_detail_url(ruleset, tab))
    return render(
        request,
        "rules/item_confirm_delete.html",
        {
            "title": _("删除%(kind)s") % {"kind": label},
            "breadcrumbs": _ruleset_crumbs(ruleset, (_("删除"), None)),
            "item": item,
            "kind_label": label,
            "cancel_url": _detail_url(ruleset, tab),
            "cascades": kind == "group",
        },
    )


# --- exchange (A.1.12) ------------------------------------------------------------------------------


def _export_filename(ruleset: RuleSet) -> str:
    # ASCII only: the project code and version identify the file on any system.
    code = re.sub(r"[^A-Za-z0-9_-]+", "_", ruleset.project.code)
    return f"ruleset-{code}-{ruleset.region_code}-v{ruleset.version}.json"


@require_POST
@staff_permission_required(VIEW)
def ruleset_export_view(request, pk: int):
    """导出JSON: the canonical text as a download; its SHA-256 in a header and on the detail page."""
    ruleset = selectors.ruleset_get_for_user(user=request.user, pk=pk)
    text, digest = ruleset_export(ruleset=ruleset, actor=request.user)
    response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(ruleset)}"'
    response[SHA256_HEADER] = digest
    return response


@staff_permission_required(ADD)
def ruleset_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        region = form.target_region()
        if not region or not code_in_scope(request.user, region):
            form.add_error("region_code", _("导入的区划 %(r)s 不在您的数据范围内。") % {"r": region or "—"})
        else:
            try:
                ruleset = ruleset_import(
                    json_text=form.cleaned_data["file"],
                    expected_sha256=form.cleaned_data["sha256"],
                    actor=request.user,
                    region_code=form.cleaned_data["region_code"] or None,
                )
            except ValidationError as exc:
                messages_ = exc.messages
                if any("SHA-256" in m for m in messages_):
                    form.add_error("sha256", messages_)
                else:
                    _add_errors(form, exc)
            except (KeyError, TypeError, ValueError):
                form.add_error("file", _("文件内容不完整或字段有误，无法导入。"))
            else:
                messages.success(
                    request,
                    _("已导入为草稿第%(v)s版，校验值一致。请核对后启用。") % {"v": ruleset.version},
                )
                return redirect(_detail_url(ruleset))
    return _form_page(
        request,
        form=form,
        title=_("导入规则模版"),
        breadcrumbs=[_list_crumb(), (_("导入"), None)],
        cancel_url=reverse("rules:ruleset_list"),
        submit_label=_("校验并导入"),
        intro=_(
            "上级或其他节点导出的规则模版（JSON）连同其 SHA-256 校验值一并导入；校验值不符时拒绝导入，不会建立任何记录。"
        ),
        extra={"multipart": True},
    )


# --- diff -------------------------------------------------------------------------------------------


@staff_permission_required(VIEW)
def ruleset_diff_view(request, pk: int):
    """比较: what changed from another version (``other``, default the one it was copied from)."""
    ruleset = selectors.ruleset_get_for_user(user=request.user, pk=pk)
    versions = [
        v for v in selectors.ruleset_versions(user=request.user, ruleset=ruleset) if v.pk != ruleset.pk
    ]
    other_pk = request.GET.get("other") or (ruleset.copied_from_id if ruleset.copied_from_id else None)
    if other_pk is None and versions:
        other_pk = versions[-1].pk if versions[-1].version < ruleset.version else versions[0].pk
    other = None
    if other_pk:
        try:
            other = selectors.ruleset_get_for_user(user=request.user, pk=int(other_pk))
        except ValueError as exc:
            raise Http404 from exc
    diff = None
    if other is not None:
        # Older on the left, newer on the right, whichever way the user picked them.
        older, newer = (other, ruleset) if other.version <= ruleset.version else (ruleset, other)
        diff = ruleset_diff(older, newer)
    return render(
        request,
        "rules/ruleset_diff.html",
        {
            "title": _("版本比较"),
            "breadcrumbs": _ruleset_crumbs(ruleset, (_("比较"), None)),
            "ruleset": ruleset,
            "other": other,
            "versions": versions,
            "diff": diff,
        },
    )


# --- 试算 -------------------------------------------------------------------------------------------


def _default_region(user) -> str:
    prefixes = user.scope_prefixes
    if prefixes:
        return prefixes[0].ljust(12, "0")
    return Region.objects.filter(parent__isnull=True).values_list("code", flat=True).first() or ""


def _factors_used(rulesets) -> list[str]:
    """Factor codes a version's conditions and formulas read, in registry order (the form's first part)."""
    registry = factors_all()
    used: set[str] = set()
    for model in (QuantitativeCondition, QualitativeCondition):
        used.update(model.objects.filter(rule_set__in=rulesets).values_list("factor", flat=True))
    for formula, fallback in Standard.objects.filter(rule_set__in=rulesets).values_list(
        "formula", "formula_if_unknown"
    ):
        for source in (formula, fallback):
            if source.strip():
                try:
                    used.update(formula_parse(source).names)
                except FormulaError:
                    continue
    return [code for code in registry if code in used]


def _run(form: TrialForm, on_date: datetime.date) -> dict[str, Any]:
    data = form.cleaned_data
    ruleset = data["ruleset"] if data["source"] == SOURCE_RULESET else None
    try:
        result = evaluate(
            facts=form.facts(),
            project_code=data["project"],
            mode_code=data["mode"],
            on_date=on_date,
            region_code=data["region_code"],
            ruleset=ruleset,
        )
    except ValidationError as exc:
        return {"date": on_date, "error": "；".join(exc.messages)}
    return {"date": on_date, "result": result}


@staff_permission_required(VIEW)
def trial(request):
    """试算: any version (draft included) or the one in force on a date, on one or two dates."""
    user = request.user
    projects = list(selectors.project_list(user=user))
    rulesets = selectors.ruleset_list(user=user)
    bound = "on_date" in request.GET and "sample" not in request.GET
    base = {
        key: request.GET.get(key)
        for key in ("source", "project", "ruleset", "mode", "region_code", "on_date", "compare_date")
    }
    base = {k: v for k, v in base.items() if v}
    if "ruleset" in request.GET and "source" not in request.GET:
        base["source"] = SOURCE_RULESET
    form = TrialForm(
        request.GET if bound else None,
        projects=projects,
        rulesets=rulesets,
        initial=trial_initial(region_code=_default_region(user), sample="sample" in request.GET, base=base),
    )
    results: list[dict[str, Any]] = []
    if bound and form.is_valid():
        results.append(_run(form, form.cleaned_data["on_date"]))
        if form.cleaned_data.get("compare_date"):
            results.append(_run(form, form.cleaned_data["compare_date"]))

    # Which factors go first: those of the chosen version, or of every version of the chosen project.
    chosen = form.data.get("ruleset") if bound else base.get("ruleset")
    project_code = form.data.get("project") if bound else base.get("project")
    scope = rulesets.none()
    if (form.data.get("source") if bound else base.get("source")) == SOURCE_RULESET and chosen:
        scope = rulesets.filter(pk=chosen) if str(chosen).isdigit() else rulesets.none()
    elif project_code:
        scope = rulesets.filter(project__code=project_code)
    used = _factors_used(scope) if scope is not None else []
    used_names = [factor_field_name(code) for code in used]
    other_names = [factor_field_name(code) for code in factors_all() if code not in used]
    return render(
        request,
        "rules/trial.html",
        {
            "title": _("规则试算"),
            "breadcrumbs": [_list_crumb(), (_("试算"), None)],
            "form": form,
            "used_fields": [form[name] for name in used_names],
            "other_fields": [form[name] for name in other_names],
            "results": results,
            "today": timezone.localdate(),
        },
    )
