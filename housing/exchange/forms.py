from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import normalise_id_number
from housing.backoffice.forms import BootstrapFormMixin

from .models import Dataset

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(BootstrapFormMixin, forms.Form):
    dataset = forms.ModelChoiceField(label=_("数据集"), queryset=Dataset.objects.filter(is_active=True))
    file = forms.FileField(
        label=_("数据文件"), help_text=_("Excel（.xlsx）或 CSV；第1行为表头，须有“身份证号码”列。")
    )
    source_date = forms.DateField(
        label=_("数据日期"),
        help_text=_("部门提取数据的日期，记在每一行上。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    import_valid_rows = forms.BooleanField(
        label=_("有错误行时仍导入有效行"),
        required=False,
        help_text=_("默认：任何一行有错误则整个文件都不导入。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        limit = getattr(settings, "EXCHANGE_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES)
        if upload.size > limit:
            raise ValidationError(_("文件过大（上限 %(mb)s MB）。") % {"mb": limit // (1024 * 1024)})
        return upload

    def clean_source_date(self):
        value = self.cleaned_data["source_date"]
        if value > timezone.localdate():
            raise ValidationError(_("数据日期不能晚于今天。"))
        return value


class LookupForm(BootstrapFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=20)

    def clean_id_number(self):
        return normalise_id_number(self.cleaned_data["id_number"])
