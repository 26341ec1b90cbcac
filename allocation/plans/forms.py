"""Forms of 资源配置方案: the plan heading, units to add, the invitation, withdrawal, support plans."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin
from projects.models import GuaranteeMode as UnitGuaranteeMode
from rules.models import IncomeClass, SupplierType, SupportModeKind

from .models import AllocationMethod, PeriodKind
from .selectors import plan_region_choices


def waitlist_mode_choices() -> list[tuple[str, str]]:
    """Every enabled (project, mode) of the rules, as ``project:mode`` → “项目 · 方式” (one query)."""
    from rules.models import GuaranteeMode

    modes = (
        GuaranteeMode.objects.filter(is_enabled=True)
        .select_related("project")
        .order_by("project__code", "code")
    )
    seen: dict[str, str] = {}
    for mode in modes:
        seen.setdefault(f"{mode.project.code}:{mode.code}", f"{mode.project.name} · {mode}")
    return list(seen.items())


class PlanForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=100)
    region_code = forms.ChoiceField(label=_("区划"), help_text=_("方案覆盖该区划内的轮候家庭和房源。"))
    waitlist = forms.ChoiceField(label=_("保障项目 · 保障方式"))
    period_kind = forms.ChoiceField(label=_("期别类型"), choices=PeriodKind.choices)
    period = forms.CharField(
        label=_("方案周期"), max_length=10, help_text=_("月：2026-05；季：2026Q2；年：2026")
    )
    method = forms.ChoiceField(
        label=_("配置方式"),
        choices=AllocationMethod.choices,
        help_text=_("按轮候顺序：邀请轮候排名在前的家庭；摇号：邀请全部轮候中的家庭参加摇号。"),
    )
    unit_guarantee_mode = forms.ChoiceField(
        label=_("房源保障方式"),
        choices=[("", _("按保障项目默认")), *UnitGuaranteeMode.choices],
        required=False,
        help_text=_("可配置房源的保障方式（租赁补贴方案不需要）。"),
    )
    object_type = forms.ChoiceField(
        label=_("保障对象类型"), choices=[("", "—"), *IncomeClass.choices], required=False
    )
    household_target = forms.IntegerField(
        label=_("计划保障户数"),
        min_value=1,
        required=False,
        help_text=_("仅摇号方案填写：本期拟保障户数；不填则等于房源套数。"),
    )
    subsidy_per_household = forms.DecimalField(
        label=_("每户补贴金额（元）"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    subsidy_budget = forms.DecimalField(
        label=_("补贴预算（元）"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = plan_region_choices(user=user)
        self.fields["waitlist"].choices = waitlist_mode_choices()
        if editing:
            del self.fields["region_code"]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        project_code, _sep, mode_code = data.pop("waitlist").partition(":")
        data["project_code"], data["mode_code"] = project_code, mode_code
        return data


class UnitsAddForm(BootstrapFormMixin, forms.Form):
    building = forms.TypedChoiceField(label=_("楼栋"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [
            ("", _("全部可配置房源")),
            *((pk, f"{name}（{n}套）") for pk, name, n in buildings),
        ]


class InviteForm(BootstrapFormMixin, forms.Form):
    count = forms.IntegerField(
        label=_("邀请家庭数"),
        min_value=1,
        required=False,
        help_text=_("按轮候顺序的方案：不填则等于房源套数。摇号方案邀请全部轮候中的家庭，不需填写。"),
    )


class OpinionForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), widget=forms.Textarea(attrs={"rows": 3}))


class SupportPlanForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=100)
    region_code = forms.ChoiceField(label=_("区划"))
    support_project_code = forms.ChoiceField(label=_("支持项目编号"))
    period_kind = forms.ChoiceField(label=_("期别类型"), choices=PeriodKind.choices)
    period = forms.CharField(
        label=_("方案周期"), max_length=10, help_text=_("月：2026-05；季：2026Q2；年：2026")
    )
    support_mode = forms.ChoiceField(label=_("支持方式"), choices=SupportModeKind.choices)
    object_type = forms.ChoiceField(label=_("支持对象类型"), choices=SupplierType.choices)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from rules.models import SupportProject

        self.fields["region_code"].choices = plan_region_choices(user=user)
        projects = SupportProject.objects.filter(is_enabled=True).order_by("code")
        self.fields["support_project_code"].choices = list(
            dict.fromkeys((p.code, f"{p.name}（{p.code}）") for p in projects)
        )


class SupportObjectsAddForm(BootstrapFormMixin, forms.Form):
    approval_number = forms.CharField(
        label=_("审批编号"),
        max_length=32,
        required=False,
        help_text=_("不填则加入全部可加入的已核定支持对象。"),
    )
    land_area = forms.DecimalField(
        label=_("土地分配面积（平方米）"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
