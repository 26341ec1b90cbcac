from django import forms
from django.utils.translation import gettext_lazy as _

MAX_REGION_FILE_BYTES = 5 * 1024 * 1024


class RegionImportForm(forms.Form):
    file = forms.FileField(label=_("区划文件（CSV 或 Excel，两列：区划代码、名称）"))
    is_demo = forms.BooleanField(label=_("标记为演示数据"), required=False)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("只能导入 .csv 或 .xlsx 文件。"))
        if file.size > MAX_REGION_FILE_BYTES:
            raise forms.ValidationError(_("文件超过5MB，请拆分后导入。"))
        return file
