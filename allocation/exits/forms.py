"""Forms of 保障退出."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from ..tenancy.models import InspectionResult
from .models import ExitTrigger

DATE = forms.DateInput(attrs={"type": "date"})


class ExitCaseForm(BootstrapFormMixin, forms.Form):
    application_number = forms.CharField(label=_("申请编号"), max_length=40)
    trigger = forms.ChoiceField(label=_("退出情形"), choices=ExitTrigger.choices)
    reason = forms.CharField(label=_("退出原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_on = forms.DateField(label=_("事实发生日期"), required=False, widget=DATE)
    evidence_text = forms.CharField(
        label=_("事实依据"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如空置核查记录、转租举报核实情况、骗取保障的查实材料"),
    )  # fmt: skip


class NoticeForm(BootstrapFormMixin, forms.Form):
    notice_on = forms.DateField(label=_("通知日期"), widget=DATE)
    market_monthly_rent = forms.DecimalField(
        label=_("市场月租金（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
        error_messages={"min_value": _("市场月租金不能为负数。")},
        help_text=_("留空按房屋租金标准×建筑面积计算；廉租住房的房屋租金标准是政府定价，应填写同地段市场租金。"
                    "逾期未腾退自期限届满次月起按此计收"),
    )  # fmt: skip
    opinion = forms.CharField(label=_("意见"), max_length=500, required=False)


class CompleteForm(BootstrapFormMixin, forms.Form):
    exited_on = forms.DateField(label=_("退出日期"), widget=DATE)
    inspection_result = forms.ChoiceField(
        label=_("验房结果"), required=False, choices=[("", "—"), *InspectionResult.choices],
        help_text=_("承租家庭必填；仅领取补贴的家庭留空"),
    )  # fmt: skip
    inspection_notes = forms.CharField(label=_("验房说明"), max_length=500, required=False)
    deposit_amount = forms.DecimalField(label=_("押金金额（元）"), required=False, min_value=0, max_digits=14,
                                        decimal_places=2,
                                        error_messages={"min_value": _("押金金额不能为负数。")})  # fmt: skip
    deposit_deducted = forms.DecimalField(label=_("扣除押金（元）"), required=False, min_value=0, max_digits=14,
                                          decimal_places=2,
                                          error_messages={"min_value": _("扣除押金不能为负数。")})  # fmt: skip
    deduction_reason = forms.CharField(label=_("扣除原因"), max_length=500, required=False)
    opinion = forms.CharField(label=_("意见"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        for name in ("deposit_amount", "deposit_deducted"):
            if data.get(name) is None:
                data[name] = 0
        return data


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500)
