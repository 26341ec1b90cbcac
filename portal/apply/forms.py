"""The step forms of 网上申请. Where a step holds a family's or member's facts, the form is a ModelForm of
admission's own model, so its field definitions and the model's ``clean()`` (ID numbers, birth date and sex
against the number, 低保证号, 棚户区名称 …) check it exactly as at the window. The services check again on
submission and stay the authority."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from admission.casework.forms import AssetForm
from admission.models import ApplicationHousing, Family, FamilyMember, Relation
from housing.accounts.identity import id_number_digest, normalise_id_number
from housing.archive.validators import max_upload_bytes
from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region

from .services import PROMISE_TEXT

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_WIDGET = {"inputmode": "decimal"}

__all__ = [
    "ApplicantForm",
    "AssetForm",
    "ChooseForm",
    "DocumentUploadForm",
    "FamilyIncomeForm",
    "HousingFamilyForm",
    "HousingRowForm",
    "MemberForm",
    "PersonIncomeForm",
    "PromiseForm",
]


class ChooseForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("保障项目和保障方式"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择要申请的保障项目和保障方式。")},
    )

    def __init__(self, *args, modes, **kwargs):
        super().__init__(*args, **kwargs)
        self.modes = modes
        self.fields["choice"].choices = [(m.value, f"{m.project_name} · {m.mode_name}") for m in modes]
        self.fields["choice"].error_messages["invalid_choice"] = gettext("请选择一项目前可以申请的保障方式。")

    def chosen(self) -> tuple[str, str]:
        project, _sep, mode = self.cleaned_data["choice"].partition(":")
        return project, mode


def region_choices() -> list:
    """The streets and communities of the portal's city, grouped by district (for a <select>)."""
    city = settings.PORTAL_CITY_CODE[:4]
    regions = list(
        Region.objects.filter(
            code__startswith=city, is_active=True, level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY)
        ).order_by("code")
    )
    names = {r.code: r.name for r in regions}
    groups: dict[str, list] = {}
    for region in regions:
        if region.level == Level.DISTRICT:
            groups.setdefault(region.name, [])
            continue
        district = names.get(region.code[:6] + "000000", "")
        if region.level == Level.STREET:
            label = region.name
        else:
            label = f"{names.get(region.code[:9] + '000', '')} · {region.name}"
        groups.setdefault(district, []).append((region.code, label))
    return [("", gettext("请选择您居住的街道或社区"))] + [(g, opts) for g, opts in groups.items() if opts]


class ApplicantForm(BootstrapFormMixin, forms.ModelForm):
    """申请人: the family's basic facts (A.3.8). The ID number must be the account's own."""

    region_code = forms.ChoiceField(
        label=_("居住地所属街道（社区）"),
        help_text=_("申请由该街道受理；请选择您实际居住地所属的社区，不清楚可选街道。"),
        error_messages={"required": _("请选择您居住的街道或社区。")},
    )

    class Meta:
        model = Family
        fields = [
            "applicant_name",
            "id_type",
            "id_number",
            "phone",
            "region_code",
            "hukou_county",
            "hukou_street",
            "hukou_community",
            "hukou_road",
            "hukou_number",
            "hukou_building",
            "hukou_room",
        ]

    def __init__(self, *args, user, stored_id: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region_code"].choices = region_choices()
        self.fields["region_code"].error_messages["invalid_choice"] = gettext("请从列表中选择街道或社区。")
        self.fields["applicant_name"].help_text = gettext("与身份证一致。")
        field = self.fields["id_number"]
        field.widget.attrs.update({"autocomplete": "off", "placeholder": gettext("18位证件号码")})
        field.help_text = gettext("须与您注册账号时填写的号码一致。")
        if stored_id:
            # Never written back into the page in the clear: blank keeps the number already saved.
            field.required = False
            field.help_text = gettext("已填写：%(masked)s。留空表示不修改。") % {
                "masked": stored_id["masked"]
            }
        for name in self.Meta.fields:
            if name.startswith("hukou_"):
                self.fields[name].required = False

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip()
        if not value:
            return ""
        value = normalise_id_number(value)
        if id_number_digest(value) != self.user.id_number_digest:
            raise ValidationError(_("申请人证件号码须与您注册账号时填写的身份证号码一致。"))
        return value


def _taken(value: str, taken: dict[str, str]) -> None:
    digest = id_number_digest(value)
    if digest in taken:
        raise ValidationError(
            _("该证件号码已登记为本申请的%(who)s，同一人不能重复登记。") % {"who": taken[digest]}
        )


class MemberForm(BootstrapFormMixin, forms.ModelForm):
    """家庭成员 (A.3.10), one at a time. ``taken``: digest → who, of everyone already in the draft."""

    class Meta:
        model = FamilyMember
        fields = [
            "relation",
            "name",
            "id_type",
            "id_number",
            "birth_date",
            "hukou_type",
            "marital_status",
            "lives_with_family",
        ]
        widgets = {"birth_date": DATE_INPUT}
        help_texts = {"birth_date": _("留空则按身份证件号码自动填写。")}

    def __init__(self, *args, taken: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = taken
        self.fields["relation"].choices = [
            c for c in self.fields["relation"].choices if c[0] != Relation.SELF
        ]
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        _taken(value, self.taken)
        return value

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("出生日期不能晚于今天。"))
        return value


def _no_negative(form: forms.Form, name: str, message) -> None:
    field = form.fields[name]
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
    field.validators.append(MinValueValidator(0, message=message))
    field.widget.attrs.update(MONEY_WIDGET)


class PersonIncomeForm(BootstrapFormMixin, forms.ModelForm):
    """One person's income and work (年收入, 收入来源, 就业情况, 工作单位)."""

    class Meta:
        model = FamilyMember
        fields = ["annual_income", "income_source", "employment_status", "employer"]
        help_texts = {"annual_income": _("近12个月的税后收入合计，单位：元；没有收入填 0。")}

    def __init__(self, *args, person_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.person_name = person_name
        _no_negative(self, "annual_income", gettext("年收入不能为负数。"))
        self.fields["annual_income"].required = True


class FamilyIncomeForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Family
        fields = ["is_low_income", "is_subsistence_allowance_family", "subsistence_certificate_number"]


class HousingFamilyForm(BootstrapFormMixin, forms.ModelForm):
    """The family's own housing facts (A.3.8): total floor area, 棚户区, earlier housing support."""

    class Meta:
        model = Family
        fields = [
            "total_floor_area",
            "lives_in_shantytown",
            "shantytown_name",
            "has_received_housing_support",
            "previous_support_mode",
        ]
        help_texts = {"total_floor_area": _("全家名下所有住房的建筑面积合计，单位：m²；没有住房填 0。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_negative(self, "total_floor_area", gettext("建筑面积不能为负数。"))


OCCUPANCY_CHOICES = [
    ("", _("请选择")),
    ("租住私房", _("租住私房")),
    ("租住公房", _("租住公房")),
    ("借住", _("借住亲友房屋")),
    ("自有住房", _("自有住房")),
    ("单位宿舍", _("单位宿舍")),
    ("其他", _("其他")),
]


class HousingRowForm(BootstrapFormMixin, forms.ModelForm):
    """申请家庭住房信息 (A.3.9): one dwelling the family lives in or owns."""

    occupancy = forms.ChoiceField(label=_("房屋住用状况"), choices=OCCUPANCY_CHOICES)
    owner = forms.ChoiceField(
        label=_("产权人"),
        required=False,
        help_text=_("房屋属于本户成员时请选择该成员；租住、借住的选“他人或单位”并填写产权人姓名。"),
    )

    class Meta:
        model = ApplicationHousing
        fields = [
            "occupancy",
            "address_county",
            "address_road",
            "address_number",
            "address_building",
            "address_room",
            "owner",
            "owner_name",
            "floor_area",
            "rent",
            "built_year",
        ]
        help_texts = {
            "floor_area": _("单位：m²。"),
            "rent": _("租住的填写每月租金，单位：元；不是租住填 0。"),
            "owner_name": _("产权人不是本户成员时填写。"),
        }

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", gettext("他人或单位"))] + people
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.fields["address_road"].required = True
        self.fields["address_road"].error_messages["required"] = gettext(
            "请填写房屋地址（路、街、巷或小区）。"
        )
        self.fields["floor_area"].required = True
        _no_negative(self, "floor_area", gettext("建筑面积不能为负数。"))
        _no_negative(self, "rent", gettext("租金不能为负数。"))

    def clean_floor_area(self):
        value = self.cleaned_data.get("floor_area")
        if value is not None and value <= 0:
            raise ValidationError(_("建筑面积须大于0。"))
        return value

    def clean_built_year(self):
        value = self.cleaned_data.get("built_year")
        if value is not None and not 1900 <= value <= datetime.date.today().year:
            raise ValidationError(_("建成年份应在1900年至今年之间。"))
        return value

    def row_values(self) -> dict:
        values = {k: v for k, v in self.cleaned_data.items() if k != "owner"}
        values["owner"] = self.cleaned_data.get("owner") or ""
        return values


class DocumentUploadForm(BootstrapFormMixin, forms.Form):
    requirement = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("选择文件"),
        allow_empty_file=True,  # an empty file gets the archive's own message
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        error_messages={"required": _("请选择要上传的文件。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "JPEG、PNG 图片或 PDF 文件，单个不超过 %(size)s；手机可直接拍照上传。"
        ) % {"size": filesizeformat(max_upload_bytes())}


class PromiseForm(BootstrapFormMixin, forms.Form):
    agree = forms.BooleanField(
        label=_("我已阅读并同意以上申请承诺"),
        error_messages={"required": _("请阅读申请承诺并勾选同意后再继续。")},
    )
    text = PROMISE_TEXT
