"""Forms of the rules back office: drafts, their contents, activation, import and 试算.

Forms only parse and check input; every write goes through ``rules.services`` (the item forms
are ModelForms whose unsaved instance is handed to ``ruleset_item_save``).
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import validate_code

from .factors import Factor, FactorType, factor_choices, factor_get, factors_all
from .models import (
    ConditionCategory,
    ConditionGroup,
    GuaranteeProject,
    ModeKind,
    OrderingCriterion,
    QualitativeCondition,
    QuantitativeCondition,
    RuleSet,
    Standard,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- the rule set itself ----------------------------------------------------------------------------


class RuleSetCreateForm(BootstrapFormMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("保障项目"), queryset=GuaranteeProject.objects.none())
    name = forms.CharField(label=_("规则模版名称"), max_length=200)
    policy_title = forms.CharField(label=_("政策文件名称"), max_length=200, required=False)
    policy_number = forms.CharField(label=_("政策文件文号"), max_length=100, required=False)
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class RuleSetEditForm(BootstrapFormMixin, forms.ModelForm):
    """A draft's own fields (``rules.services.EDITABLE_FIELDS``)."""

    class Meta:
        model = RuleSet
        fields = ["name", "policy_title", "policy_number", "notes", "effective_from", "effective_to"]
        widgets = {
            "effective_from": DateInput(),
            "effective_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        # The service validates the whole row (frozen versions, dates); the form only parses.
        pass


class ActivateForm(BootstrapFormMixin, forms.Form):
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    effective_to = forms.DateField(
        label=_("失效日期"), required=False, widget=DateInput(), help_text=_("留空表示长期有效。")
    )
    policy_title = forms.CharField(label=_("政策文件名称"), max_length=200)
    policy_number = forms.CharField(label=_("政策文件文号"), max_length=100)
    opinion = forms.CharField(label=_("办理意见"), max_length=500, required=False)


class RetireForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=_("办理意见"), max_length=500)


# --- items inside a draft -----------------------------------------------------------------------------


class _ItemForm(BootstrapFormMixin, forms.ModelForm):
    """Choices limited to the draft's own modes and groups; the instance knows its version before
    validation, because the model's ``clean`` checks the version's state and project."""

    def __init__(self, *args, ruleset: RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.rule_set = ruleset
        if "mode" in self.fields:
            self.fields["mode"].queryset = ruleset.project.modes.order_by("code")
            self.fields["mode"].label_from_instance = lambda m: f"{m}（{m.code}）"
        for name in ("group", "parent"):
            if name in self.fields:
                groups = ConditionGroup.objects.filter(rule_set=ruleset).select_related("mode")
                if self.instance.pk and name == "parent":
                    groups = groups.exclude(pk=self.instance.pk)
                self.fields[name].queryset = groups.order_by("mode__code", "order", "code")
                self.fields[name].label_from_instance = lambda g: f"{g.mode} · {g.name}（{g.code}）"
        if "category" in self.fields:
            self.fields["category"].queryset = ConditionCategory.objects.select_related("parent")


class ConditionGroupForm(_ItemForm):
    class Meta:
        model = ConditionGroup
        fields = ["mode", "code", "name", "parent", "logic", "order", "is_enabled"]


class QuantitativeConditionForm(_ItemForm):
    factor = forms.ChoiceField(label=_("条件因素"))

    class Meta:
        model = QuantitativeCondition
        fields = [
            "mode",
            "code",
            "name",
            "group",
            "category",
            "factor",
            "lower",
            "lower_operator",
            "upper",
            "upper_operator",
            "measure",
            "household_size_min",
            "household_size_max",
            "order",
            "is_enabled",
        ]
        help_texts = {
            "measure": _("留空则使用因素的单位。"),
            "household_size_min": _("仅对该人户数范围内的家庭适用；留空表示不限。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        numeric = [(c, label) for c, label in factor_choices() if factor_get(c).is_numeric]
        self.fields["factor"].choices = [("", "---------"), *numeric]


class ValuesField(forms.CharField):
    """The allowed values of a qualitative condition, typed by the chosen factor in ``clean``."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "、".join(_value_text(v) for v in value)
        return value


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class QualitativeConditionForm(_ItemForm):
    factor = forms.ChoiceField(label=_("条件因素"))
    values = ValuesField(
        label=_("申请条件逻辑因素值"),
        help_text=_(
            "允许的取值，多个用顿号或逗号分隔：是/否类填“是”或“否”；选项类填代码，如 bachelor、master。"
        ),
    )

    class Meta:
        model = QualitativeCondition
        fields = ["mode", "code", "name", "group", "category", "factor", "values", "order", "is_enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].choices = [("", "---------"), *factor_choices()]

    def clean(self):
        cleaned = super().clean()
        factor = factor_get(cleaned.get("factor") or "")
        raw = cleaned.get("values")
        if factor is None or raw is None:
            return cleaned
        if isinstance(raw, list):
            parts = raw
        else:
            parts = [p.strip() for p in re.split(r"[、,，;；\s]+", str(raw)) if p.strip()]
        values = []
        for part in parts:
            try:
                typed = factor.coerce(part)
            except ValidationError as exc:
                self.add_error("values", exc)
                return cleaned
            values.append(_json_value(typed))
        if not values:
            self.add_error("values", _("请至少填写一个允许的取值。"))
            return cleaned
        cleaned["values"] = values
        self.instance.values = values
        return cleaned


def _json_value(value: Any) -> Any:
    """A typed fact as JSON can store it (Decimals as strings, dates as ISO text)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class StandardForm(_ItemForm):
    class Meta:
        model = Standard
        fields = [
            "mode",
            "code",
            "name",
            "measure",
            "household_size",
            "value",
            "formula",
            "formula_if_unknown",
            "is_result",
            "order",
            "is_enabled",
        ]
        widgets = {
            "formula": forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
            "formula_if_unknown": forms.Textarea(attrs={"rows": 2, "class": "font-monospace"}),
        }
        help_texts = {
            "formula": _(
                "填写标准值或公式之一。公式可使用因素代码、本版本中排在前面的标准代码，"
                "以及 min、max、round_half_up，如 15 * min(15 * household_size, 60)。"
            ),
        }


class OrderingCriterionForm(_ItemForm):
    class Meta:
        model = OrderingCriterion
        fields = ["position", "kind", "label", "expression", "direction", "priority_groups"]
        widgets = {
            "expression": forms.Textarea(attrs={"rows": 2, "class": "font-monospace"}),
            "priority_groups": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        }
        help_texts = {
            "priority_groups": _('仅“优先群体”使用，如 [{"label": "低保家庭", "expression": "is_dibao"}]。'),
        }


# --- exchange -----------------------------------------------------------------------------------------


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("规则模版 JSON 文件"))
    sha256 = forms.CharField(
        label=_("SHA-256 校验值"),
        max_length=64,
        help_text=_("发送方提供的 64 位十六进制校验值，用于确认文件在传输中未被改动。"),
    )
    region_code = forms.CharField(
        label=_("导入到区划"),
        max_length=12,
        required=False,
        help_text=_("留空则沿用导出时的区划；可填写本级所属的区划代码，生成本区的草稿。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("文件过大（上限 2 MB），请确认选择的是规则模版 JSON 文件。"))
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("文件不是 UTF-8 编码的 JSON 文本。")) from exc
        try:
            self.parsed = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("文件内容不是有效的 JSON。")) from exc
        return text

    def clean_sha256(self):
        value = self.cleaned_data["sha256"].strip().lower()
        if not SHA256_RE.match(value):
            raise ValidationError(_("SHA-256 校验值应为 64 位十六进制字符（0–9、a–f）。"))
        return value

    def clean_region_code(self):
        value = self.cleaned_data["region_code"].strip()
        if value:
            validate_code(value)
        return value

    def target_region(self) -> str:
        """Where the draft will live: the chosen region, or the exported version's."""
        if self.cleaned_data.get("region_code"):
            return self.cleaned_data["region_code"]
        meta = self.parsed.get("rule_set") if isinstance(getattr(self, "parsed", None), dict) else None
        return str(meta.get("region_code", "")) if isinstance(meta, dict) else ""


# --- 试算 ---------------------------------------------------------------------------------------------

SOURCE_IN_FORCE = "in_force"
SOURCE_RULESET = "ruleset"
BOOLEAN_CHOICES = [("", _("未知")), ("true", _("是")), ("false", _("否"))]

#: A typical low-income family of three that meets the default 廉租 and 公租 rules; 试算 starts here.
SAMPLE_FAMILY: dict[str, Any] = {
    "household_size": 3,
    "per_capita_monthly_income": "1000",
    "per_capita_annual_income": "12000",
    "per_capita_assets": "50000",
    "per_capita_floor_area": "10",
    "local_hukou_years": "6",
    "social_insurance_months": 24,
    "housing_fund_months": 12,
    "labour_contract_years": "2",
    "owns_property_in_city": "false",
    "owns_other_property": "false",
    "sold_property_within_5_years": "false",
    "vehicle_value": "0",
    "is_dibao": "false",
    "is_low_income": "true",
    "is_tekun": "false",
    "on_credit_blacklist": "false",
    "enjoys_housing_security": "false",
    "applicant_age": 40,
    "marital_status": "married",
    "education": "secondary",
    "actual_monthly_rent": "800",
    "market_monthly_rent": "2000",
    "talent_subsidy_months_received": 0,
}


def factor_field_name(code: str) -> str:
    return f"f_{code}"


def factor_form_field(factor: Factor) -> forms.Field:
    """A form field of the factor's type; every fact may be left empty (= unknown)."""
    label = f"{factor.label}（{factor.unit}）" if factor.unit else factor.label
    common = {"label": label, "required": False, "help_text": factor.description}
    if factor.type == FactorType.DECIMAL:
        return forms.DecimalField(max_digits=16, decimal_places=4, **common)
    if factor.type == FactorType.INTEGER:
        return forms.IntegerField(**common)
    if factor.type == FactorType.BOOLEAN:
        return forms.ChoiceField(choices=BOOLEAN_CHOICES, **common)
    if factor.type == FactorType.CHOICE:
        return forms.ChoiceField(choices=[("", _("未知")), *factor.choices], **common)
    if factor.type == FactorType.DATE:
        return forms.DateField(widget=DateInput(), **common)
    return forms.CharField(max_length=100, **common)


class TrialForm(BootstrapFormMixin, forms.Form):
    """试算: which rules (a chosen version, or the one in force on the date), the dates, the facts."""

    source = forms.ChoiceField(
        label=_("规则版本"),
        choices=[
            (SOURCE_IN_FORCE, _("按试算日期适用的已启用版本")),
            (SOURCE_RULESET, _("指定版本（可为草稿）")),
        ],
        initial=SOURCE_IN_FORCE,
        widget=forms.RadioSelect,
    )
    project = forms.ChoiceField(label=_("保障项目"), required=False)
    ruleset = forms.ModelChoiceField(label=_("指定版本"), queryset=RuleSet.objects.none(), required=False)
    mode = forms.ChoiceField(label=_("保障方式"), choices=ModeKind.choices)
    region_code = forms.CharField(
        label=_("家庭所在区划代码"), max_length=12, help_text=_("12 位行政区划代码，决定适用哪一级的规则。")
    )
    on_date = forms.DateField(label=_("试算日期"), widget=DateInput())
    compare_date = forms.DateField(
        label=_("对比日期"),
        required=False,
        widget=DateInput(),
        help_text=_("填写后按两个日期分别试算，结果并排显示（试算两个日期）。"),
    )

    def __init__(self, *args, projects, rulesets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", "---------")] + [(p.code, p.name) for p in projects]
        self.fields["ruleset"].queryset = rulesets
        self.fields["ruleset"].label_from_instance = lambda r: (
            f"{r.project.name} · 第{r.version}版 · {r.get_state_display()} · {r.name}"
        )
        self.fields["on_date"].initial = timezone.localdate()
        for factor in factors_all().values():
            self.fields[factor_field_name(factor.code)] = factor_form_field(factor)
        # Bootstrap classes for the factor fields added after the mixin ran.
        for name, field in self.fields.items():
            if name.startswith("f_") and "class" not in field.widget.attrs:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def clean_region_code(self):
        value = self.cleaned_data["region_code"].strip()
        validate_code(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == SOURCE_RULESET:
            ruleset = cleaned.get("ruleset")
            if ruleset is None:
                self.add_error("ruleset", _("请选择要试算的规则版本。"))
            else:
                cleaned["project"] = ruleset.project.code
        elif not cleaned.get("project"):
            self.add_error("project", _("请选择保障项目。"))
        return cleaned

    def facts(self) -> dict[str, Any]:
        """The facts filled in, by factor code; empty fields are left out (unknown)."""
        facts = {}
        for code in factors_all():
            value = self.cleaned_data.get(factor_field_name(code))
            if value is not None and value != "":
                facts[code] = value
        return facts


def trial_initial(*, region_code: str, sample: bool, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Initial values: today, the user's region, and (for the 示例家庭 button) the sample facts."""
    initial: dict[str, Any] = {"on_date": timezone.localdate(), "region_code": region_code}
    if base:
        initial.update(base)
    if sample:
        initial.update({factor_field_name(code): value for code, value in SAMPLE_FAMILY.items()})
    return initial
