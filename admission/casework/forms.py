"""Forms of casework pages: they bind and explain; the business rules are the services'."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing.archive.validators import max_upload_bytes
from housing.backoffice.forms import BootstrapFormMixin

from ..models import ApplicationAsset, ApplicationHousing, AssetCategory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        organisation = user.organisation.name if user.organisation_id else ""
        return f"{user.display_name}（{user.username}）{' · ' + organisation if organisation else ''}"


class InspectionAssignForm(BootstrapFormMixin, forms.Form):
    inspector = InspectorChoiceField(
        label=_("核查人"),
        queryset=None,
        empty_label=_("请选择核查人"),
        help_text=_("核查人在核查完成前可查看本案（即使本案不在其管辖区划内），仅限本案。"),
    )
    instructions = forms.CharField(
        label=_("核查事项"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：核实实际居住人数、住房面积、是否另有住房。"),
    )

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors


class InspectionRecordForm(BootstrapFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("核查日期"), widget=DATE_INPUT)
    persons_met = forms.CharField(
        label=_("见到的人员"), max_length=200, help_text=_("姓名及与申请人的关系，如：申请人本人、配偶。")
    )
    living_situation = forms.CharField(
        label=_("实际居住情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("居住地址、居住人数、住房面积与状况等。"),
    )
    matches_declaration = forms.TypedChoiceField(
        label=_("是否与申报一致"),
        choices=[("yes", _("一致")), ("no", _("不一致"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("核查情况说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("不一致时请写明哪些情况与申报不符。"),
    )


class InspectionPhotoForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("照片"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("照片说明"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "JPEG 或 PNG，单个文件不超过 %(size)s；按文件内容检查类型。"
        ) % {"size": filesizeformat(max_upload_bytes())}


class InspectionRevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


# --- 住房 (A.3.9) ----------------------------------------------------------------------------------------

# The page shows the fields in these groups (a long form reads better in sections, on a phone too).
HOUSING_SECTIONS = [
    (
        _("房屋地址"),
        [
            "housing_number",
            "address_county",
            "address_street",
            "address_community",
            "address_road",
            "address_number",
            "address_building",
            "address_room",
            "address_category",
        ],
    ),
    (
        _("产权"),
        [
            "tenure",
            "title_certificate_number",
            "owner_name",
            "owner_id_number",
            "owner_is_member",
            "owner_organisation",
            "owner_organisation_code",
            "ownership_share_class",
            "ownership_share",
        ],
    ),
    (
        _("房屋情况"),
        [
            "occupancy",
            "nature",
            "housing_type",
            "completeness",
            "condition",
            "structure",
            "layout",
            "facilities",
            "built_year",
            "property_management",
            "property_company",
        ],
    ),
    (_("面积与价值"), ["floor_area", "rent", "value", "disposal_intention"]),
]


class HousingForm(BootstrapFormMixin, forms.ModelForm):
    owner_id_number = forms.CharField(
        label=_("产权人身份证"),
        max_length=18,
        required=False,
        help_text=_("填写完整号码，保存时只存脱敏号码；修改时留空表示不修改。"),
    )

    class Meta:
        model = ApplicationHousing
        fields = [name for _title, names in HOUSING_SECTIONS for name in names if name != "owner_id_number"]
        widgets = {"facilities": forms.TextInput(), "disposal_intention": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["floor_area"].required = True
        if self.instance.pk and self.instance.owner_id_masked:
            self.fields["owner_id_number"].help_text = gettext("已登记：%(masked)s。留空表示不修改。") % {
                "masked": self.instance.owner_id_masked
            }

    @property
    def sections(self) -> list[tuple[str, list]]:
        return [(title, [self[name] for name in names]) for title, names in HOUSING_SECTIONS]


# --- 资产 (A.3.11) ---------------------------------------------------------------------------------------


class AssetForm(BootstrapFormMixin, forms.ModelForm):
    owner_name = forms.ChoiceField(label=_("所有人姓名"))

    class Meta:
        model = ApplicationAsset
        fields = ["owner_name", "category", "quantity", "total_value", "asset_number"]

    def __init__(self, *args, member_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = list(dict.fromkeys(member_names))
        if self.instance.pk and self.instance.owner_name and self.instance.owner_name not in names:
            names.append(self.instance.owner_name)  # a member removed since: keep the row's value
        self.fields["owner_name"].choices = [("", gettext("请选择本户成员")), *[(n, n) for n in names]]
        self.fields["owner_name"].help_text = gettext("资产所有人须为本户成员。")
        self.fields["category"].choices = [("", "---------"), *AssetCategory.choices]
        self.fields["total_value"].help_text = gettext("单位：元。")

    @property
    def sections(self) -> list[tuple[str, list]]:
        return [("", [self[name] for name in self.Meta.fields])]
