"""Forms of 补贴发放."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .layouts import layout_choices


class DueRunForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(label=_("补贴期间"), max_length=7, help_text=_("格式：2026-03"))
    project_code = forms.CharField(label=_("补贴项目编号"), max_length=32, initial="lianzu")


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("复核结论"), choices=[("release", _("同意发放")), ("cancel", _("取消发放"))]
    )
    opinion = forms.CharField(label=_("复核意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class BatchCreateForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(label=_("补贴期间"), max_length=7, help_text=_("格式：2026-03"))
    project_code = forms.CharField(label=_("补贴项目编号"), max_length=32, initial="lianzu")
    region_code = forms.CharField(label=_("行政区划代码"), max_length=12)
    layout = forms.ChoiceField(label=_("银行文件格式"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = layout_choices()


class ResultUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("银行回执文件（CSV）"))


class ReissueForm(BootstrapFormMixin, forms.Form):
    bank_name = forms.CharField(label=_("开户银行"), max_length=60)
    bank_account = forms.CharField(label=_("更正后的银行账号"), max_length=40)
    opinion = forms.CharField(label=_("说明"), max_length=500, required=False)
