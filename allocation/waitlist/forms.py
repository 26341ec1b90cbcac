"""Forms of 轮候 in allocation (the city centre records a refusal or a withdrawal)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .models import RefusalKind


class RefusalForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("拒绝类别"),
        choices=RefusalKind.choices,
        initial=RefusalKind.REFUSED,
        error_messages={"required": _("请选择拒绝类别。"), "invalid_choice": _("请选择拒绝类别。")},
    )
    reason = forms.CharField(
        label=_("拒绝原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写拒绝或缺席的原因。"), "max_length": _("原因不超过500字。")},
    )
    source = forms.CharField(
        label=_("来源"),
        max_length=100,
        required=False,
        help_text=_("如选房场次编号、配租通知书编号。"),
        error_messages={"max_length": _("来源不超过100字。")},
    )


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=180,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写撤回原因。"), "max_length": _("原因不超过180字。")},
    )
