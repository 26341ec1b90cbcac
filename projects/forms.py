"""Back-office forms of the construction subsystem."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region

from .models import ApprovalCertificate, Building, ProjectType, Unit


class HandoverForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("移交批次编号"), max_length=40)
    handed_over_by = forms.CharField(label=_("移交人"), max_length=50)
    handed_over_on = forms.DateField(label=_("移交时间"), widget=forms.DateInput(attrs={"type": "date"}))
    buildings = forms.ModelMultipleChoiceField(
        label=_("移交的单体工程"),
        queryset=Building.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选单体工程中全部“未交付”的住房将一次转为“已交付”。"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = project.buildings.filter(is_handed_over=False).order_by("number")


class UnitTransferForm(BootstrapFormMixin, forms.Form):
    to_region_code = forms.ChoiceField(label=_("调入区划"))
    reason = forms.CharField(label=_("调剂理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code")
        self.fields["to_region_code"].choices = [(r.code, r.name) for r in districts]


class UnitChangeForm(BootstrapFormMixin, forms.ModelForm):
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    class Meta:
        model = Unit
        fields = ["guarantee_mode", "rent_standard", "price_standard", "floor_area", "inner_area", "layout"]


class CertificateForm(BootstrapFormMixin, forms.ModelForm):
    scan = forms.FileField(
        label=_("证书扫描件"), required=False, help_text=_("PDF、JPG 或 PNG；保存到电子档案（一事一档）。")
    )

    class Meta:
        model = ApprovalCertificate
        fields = ["kind", "number", "name", "issued_on", "issuer", "valid_from", "valid_to"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class ImportForm(BootstrapFormMixin, forms.Form):
    KIND_CHOICES = (("units", _("住房（含单体工程）")), ("buildings", _("单体工程")))
    kind = forms.ChoiceField(label=_("导入内容"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("Excel文件"), help_text=_("xlsx 格式，第一行为表头；可先下载模板。"))
    import_valid_rows = forms.BooleanField(
        label=_("文件有错误时仍导入正确的行"),
        required=False,
        help_text=_("不勾选时，只要有一行错误，整个文件都不导入。"),
    )


class ProgressFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1990, max_value=2100)
    region_code = forms.ChoiceField(label=_("区县"), required=False)
    project_type = forms.ChoiceField(
        label=_("项目类别"), required=False, choices=[("", _("全部")), *ProjectType.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code")
        self.fields["region_code"].choices = [("", _("全部")), *((r.code, r.name) for r in districts)]
