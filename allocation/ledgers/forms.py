"""Forms of 资源台账: list filters, the rebuild form, payment plans (A.7.7) and land supply (A.7.8)."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import scope_queryset
from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region
from projects.models import LandReserve, Project
from projects.models.choices import LandAcquisitionMode

from .models import GuaranteeLedger, LedgerClass, PeriodKind, SupportClass, SupportLedger
from .periods import period_parse
from .services import approved_suppliers

SELECT = {"class": "form-select form-select-sm"}
DATE = {"type": "date"}


def district_choices(user) -> list[tuple[str, str]]:
    """区县 in the user's scope: ledgers are kept per 区县."""
    rows = scope_queryset(
        Region.objects.filter(level=Level.DISTRICT, is_active=True), user, field="code"
    ).order_by("code")
    return [(r.code, r.name) for r in rows]


class _LedgerFilter(django_filters.FilterSet):
    period_kind = django_filters.ChoiceFilter(
        label=_("周期类型"),
        choices=PeriodKind.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    period = django_filters.CharFilter(
        label=_("统计周期"),
        lookup_expr="exact",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "2026-11"}),
    )
    region = django_filters.ChoiceFilter(
        label=_("区县"),
        choices=[],
        empty_label=_("全部"),
        method="filter_region",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = district_choices(request.user) if request else []

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_code=value) if value else queryset


class GuaranteeLedgerFilter(_LedgerFilter):
    ledger_class = django_filters.ChoiceFilter(
        label=_("台账分类"),
        choices=LedgerClass.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = GuaranteeLedger
        fields = ["ledger_class", "period_kind", "period", "region"]


class SupportLedgerFilter(_LedgerFilter):
    ledger_class = django_filters.ChoiceFilter(
        label=_("台账分类"),
        choices=SupportClass.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = SupportLedger
        fields = ["ledger_class", "period_kind", "period", "region"]


class LedgerRebuildForm(BootstrapFormMixin, forms.Form):
    period_kind = forms.ChoiceField(label=_("周期类型"), choices=PeriodKind.choices)
    period = forms.CharField(label=_("统计周期"), max_length=8, help_text=_("如 2026-11、2026-Q4 或 2026"))
    region_code = forms.ChoiceField(label=_("区县"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", _("本人数据范围内全部区县")), *district_choices(user)]

    def clean(self):
        data = super().clean()
        if data.get("period_kind") and data.get("period"):
            try:
                data["period"] = period_parse(data["period_kind"], data["period"]).label
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data


class PaymentPlanForm(BootstrapFormMixin, forms.Form):
    supplier_number = forms.ChoiceField(
        label=_("支持对象"),
        help_text=_("仅列出已审核核定的供给单位和个人"),
        error_messages={"required": _("请选择支持对象。")},
    )
    total_amount = forms.DecimalField(
        label=_("拨付总金额（元）"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "required": _("请填写拨付总金额。"),
            "invalid": _("请填写数字金额。"),
            "min_value": _("拨付总金额应大于0。"),
            "max_decimal_places": _("金额最多两位小数。"),
        },
    )
    period_kind = forms.ChoiceField(label=_("期别类型"), choices=PeriodKind.choices)
    cycles = forms.IntegerField(
        label=_("计划发放周期（期数）"),
        min_value=1,
        max_value=240,
        error_messages={
            "required": _("请填写发放期数。"),
            "invalid": _("发放期数应为整数。"),
            "min_value": _("发放期数至少为1期。"),
            "max_value": _("发放期数不能超过240期。"),
        },
    )
    starts_on = forms.DateField(
        label=_("开始发放时间"),
        widget=forms.DateInput(attrs=DATE),
        error_messages={"required": _("请填写开始发放时间。"), "invalid": _("日期格式应为 2026-11-01。")},
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["supplier_number"]
        else:
            self.fields["supplier_number"].choices = [("", "---------")] + [
                (number, f"{name}（{number}）")
                for number, _kind, name, _region in approved_suppliers(user=user)
            ]


class LandSupplyForm(BootstrapFormMixin, forms.Form):
    land_reserve = forms.ModelChoiceField(
        label=_("储备地块"),
        queryset=LandReserve.objects.none(),
        required=False,
        help_text=_("已储备的宗地可直接选择"),
    )
    project = forms.ModelChoiceField(label=_("建设项目"), queryset=Project.objects.none(), required=False)
    region_code = forms.ChoiceField(
        label=_("行政区划"), required=False, help_text=_("未选择地块或项目时必填")
    )
    parcel_number = forms.CharField(label=_("宗地编号"), max_length=40, required=False)
    parcel_name = forms.CharField(label=_("宗地名称"), max_length=200, required=False)
    approval_document_name = forms.CharField(
        label=_("用地批准文件名称"),
        max_length=200,
        error_messages={"required": _("请填写用地批准文件名称。")},
    )
    approval_document_number = forms.CharField(
        label=_("用地批准文号"), max_length=100, error_messages={"required": _("请填写用地批准文号。")}
    )
    approved_on = forms.DateField(
        label=_("用地批准日期"),
        widget=forms.DateInput(attrs=DATE),
        error_messages={"required": _("请填写用地批准日期。"), "invalid": _("日期格式应为 2026-11-01。")},
    )
    acquisition_mode = forms.ChoiceField(
        label=_("取得方式"),
        choices=LandAcquisitionMode.choices,
        error_messages={"required": _("请选择取得方式。")},
    )
    land_area = forms.DecimalField(
        label=_("土地面积（平方米）"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "required": _("请填写土地面积。"),
            "invalid": _("请填写数字面积。"),
            "min_value": _("土地面积应大于0。"),
            "max_decimal_places": _("面积最多两位小数。"),
        },
    )
    land_value = forms.DecimalField(
        label=_("土地估值（元）"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        error_messages={"invalid": _("请填写数字金额。"), "min_value": _("土地估值不能为负数。")},
    )
    use_years = forms.IntegerField(
        label=_("土地使用年限（年）"),
        min_value=1,
        max_value=70,
        required=False,
        error_messages={
            "invalid": _("年限应为整数。"),
            "min_value": _("年限至少1年。"),
            "max_value": _("住宅用地使用年限最长70年。"),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["land_reserve"].queryset = scope_queryset(LandReserve.objects.order_by("number"), user)
        self.fields["project"].queryset = scope_queryset(Project.objects.order_by("number"), user)
        self.fields["region_code"].choices = [("", "---------"), *district_choices(user)]

    def clean(self):
        data = super().clean()
        reserve, project = data.get("land_reserve"), data.get("project")
        if reserve is None:
            if not (data.get("parcel_number") or "").strip():
                self.add_error("parcel_number", _("未选择储备地块时请填写宗地编号。"))
            if not (data.get("parcel_name") or "").strip():
                self.add_error("parcel_name", _("未选择储备地块时请填写宗地名称。"))
        if reserve is None and project is None and not data.get("region_code"):
            self.add_error("region_code", _("请选择行政区划。"))
        return data
