"""Forms of this part: 登记复核申请 and 复核决定 (errors beside the fields, in Chinese)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin


class AppealForm(BootstrapFormMixin, forms.Form):
    appellant_name = forms.CharField(
        label=_("复核申请人"), max_length=50, required=False, help_text=_("留空即为申请人本人。")
    )
    reason = forms.CharField(
        label=_("复核理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("申请人提出的事实和理由；书面复核申请书请在“档案”中上传。"),
    )


class AppealDecisionForm(BootstrapFormMixin, forms.Form):
    DECISIONS = [("upheld", _("复核成立：恢复至原决定层级审核")), ("dismissed", _("维持不予登记决定"))]

    decision = forms.ChoiceField(label=_("复核结论"), choices=DECISIONS, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
