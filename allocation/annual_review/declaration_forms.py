"""The 年审申报 form, the same for the portal (门户) and for a caseworker declaring at the window (窗口)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admission.models import Relation
from housing.accounts.identity import normalise_id_number
from housing.backoffice.forms import BootstrapFormMixin

YES_NO = [("yes", _("是")), ("no", _("否"))]
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
NEW_MEMBER_FIELDS = ("new_member_name", "new_member_id_number", "new_member_relation", "new_member_income")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by content by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _income_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_digits=14, decimal_places=2,
        error_messages={"min_value": _("年收入不能为负数。"), "invalid": _("请输入金额（元），例如 36000.00。"),
                        "required": _("请填写年收入（没有收入填 0）。"),
                        "max_decimal_places": _("金额最多保留两位小数。")},
    )  # fmt: skip


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        error_messages={"required": _("请选择“是”或“否”。")},
    )  # fmt: skip


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"))


class DeclarationForm(BootstrapFormMixin, forms.Form):
    """Members come from the family file: for each, 仍共同居住, 年收入 and (if moved out) 迁出日期."""

    new_member_name = forms.CharField(label=_("新增成员姓名"), max_length=50, required=False)
    new_member_id_number = forms.CharField(label=_("新增成员身份证号码"), max_length=18, required=False)
    new_member_relation = forms.ChoiceField(
        label=_("新增成员与户主关系"), choices=[("", "—")] + list(Relation.choices), required=False
    )
    new_member_income = forms.DecimalField(
        label=_("新增成员年收入（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
        error_messages={"min_value": _("年收入不能为负数。"), "invalid": _("请输入金额（元），例如 36000.00。")},
    )  # fmt: skip
    new_member_joined_on = forms.DateField(
        label=_("新增成员加入日期"), required=False, validators=[_not_future],
        widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": _("请输入日期，例如 2026-03-01。")},
    )  # fmt: skip
    floor_area = forms.DecimalField(
        label=_("现住房建筑面积（平方米）"), min_value=0, max_digits=10, decimal_places=2,
        error_messages={"min_value": _("面积不能为负数。"), "invalid": _("请输入面积，例如 45.50。"),
                        "required": _("请填写现住房建筑面积（没有住房填 0）。")},
    )  # fmt: skip
    owns_property_in_city = _yes_no(_("是否在本市拥有住房"))
    phone = forms.CharField(
        label=_("联系电话"), max_length=11,
        validators=[RegexValidator(r"^1\d{10}$", _("请填写11位手机号码。"))],
        error_messages={"required": _("请填写联系电话。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    address = forms.CharField(
        label=_("现居住地址"), max_length=200, error_messages={"required": _("请填写现居住地址。")}
    )
    is_employed = _yes_no(_("是否就业"))
    has_local_social_insurance = _yes_no(_("是否缴纳本市社保"))
    evidence = EvidenceField(
        label=_("证明材料"), required=False,
        help_text=_("收入证明、租房合同等，PDF、JPEG、PNG，按内容检查；出错时请重新选择文件。"),
    )  # fmt: skip
    commitment_signed = forms.BooleanField(
        label=_("本人承诺以上申报内容真实、完整，如有虚假，愿承担取消保障资格等责任。"),
        error_messages={"required": _("请阅读并勾选承诺后再提交。")},
    )

    def __init__(self, *args, members, **kwargs):
        """``members``: the registered members as dicts (``member_id``, ``name``, ``relation``, …)."""
        super().__init__(*args, **kwargs)
        self.registered_members = members
        fields = {}
        for m in members:
            key = f"member_{m['member_id']}"
            fields[f"{key}_living"] = forms.BooleanField(
                label=_("%(name)s 仍共同居住") % {"name": m["name"]}, required=False
            )
            fields[f"{key}_income"] = _income_field(_("%(name)s 年收入（元）") % {"name": m["name"]})
            fields[f"{key}_left_on"] = forms.DateField(
                label=_("%(name)s 迁出日期（已不共同居住时填写）") % {"name": m["name"]}, required=False,
                validators=[_not_future], widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={"invalid": _("请输入日期，例如 2026-03-01。")},
            )  # fmt: skip
        # the members first, in the family's order, then the rest
        self.fields = {**fields, **self.fields}
        for name in fields:
            widget = self.fields[name].widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            widget.attrs.setdefault("class", css)

    def member_rows(self):
        return [
            (m, self[f"member_{m['member_id']}_living"], self[f"member_{m['member_id']}_income"],
             self[f"member_{m['member_id']}_left_on"])
            for m in self.registered_members
        ]  # fmt: skip

    def clean_new_member_id_number(self):
        value = self.cleaned_data.get("new_member_id_number", "")
        if not value:
            return ""
        return normalise_id_number(value)  # the admission validator: length, birth date, checksum

    def clean(self):
        data = super().clean()
        given = [f for f in NEW_MEMBER_FIELDS if data.get(f) not in (None, "")]
        if given and not self.errors.get("new_member_id_number"):
            for f in NEW_MEMBER_FIELDS:
                if data.get(f) in (None, "") and f not in self.errors:
                    self.add_error(f, _("新增成员时请填写此项。"))
        for m in self.registered_members:
            key = f"member_{m['member_id']}"
            if data.get(f"{key}_living") and data.get(f"{key}_left_on"):
                self.add_error(f"{key}_left_on", _("仍共同居住的成员不填迁出日期。"))
        return data

    def declared(self) -> dict:
        """The cleaned values in the service's terms."""
        data = self.cleaned_data
        members = []
        for m in self.registered_members:
            key = f"member_{m['member_id']}"
            left_on = data.get(f"{key}_left_on")
            members.append({
                "member_id": m["member_id"], "name": m["name"], "relation": m.get("relation", ""),
                "living_together": bool(data.get(f"{key}_living")),
                "annual_income": str(data[f"{key}_income"]),
                "left_on": left_on.isoformat() if left_on else "",
            })  # fmt: skip
        values = {f: data[f] for f in (*NEW_MEMBER_FIELDS, "new_member_joined_on", "floor_area",
                                       "owns_property_in_city", "phone", "address", "is_employed",
                                       "has_local_social_insurance", "commitment_signed")}  # fmt: skip
        return {"members": members, **values}
