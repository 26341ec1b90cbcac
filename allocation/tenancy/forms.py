"""Forms of 入住、腾退、租金实收 and the receivable run."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import InspectionResult, PaymentMethod

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class MoveInForm(forms.Form):
    contract = forms.CharField(
        label=_("合同编号"), max_length=32, help_text=_("已签订的公租房或廉租房租赁合同。")
    )
    moved_in_on = forms.DateField(label=_("入住时间"), widget=DATE, initial=timezone.localdate)
    rent_reduction = forms.DecimalField(label=_("租金减免金额"), required=False, initial=0,
                                        help_text=_("每月从合同月租金中减免的金额（元）。"), **MONEY)  # fmt: skip
    reduction_reason = forms.CharField(label=_("租金减免原因"), max_length=200, required=False)


class VacatingForm(forms.Form):
    vacated_on = forms.DateField(label=_("腾退时间"), widget=DATE, initial=timezone.localdate)
    inspection_result = forms.ChoiceField(label=_("验房结果"), choices=InspectionResult.choices)
    inspection_notes = forms.CharField(label=_("验房说明"), max_length=500, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    deposit_amount = forms.DecimalField(label=_("押金金额"), required=False, initial=0, **MONEY)
    deposit_deducted = forms.DecimalField(label=_("扣除押金"), required=False, initial=0, **MONEY)
    deduction_reason = forms.CharField(label=_("扣除原因"), max_length=500, required=False)


class ReceiptForm(forms.Form):
    amount = forms.DecimalField(label=_("实收金额"), max_digits=14, decimal_places=2)
    received_on = forms.DateField(label=_("实收时间"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("实收方式"), choices=PaymentMethod.choices)
    shortfall_reason = forms.CharField(label=_("未足额收取原因"), max_length=500, required=False,
                                       help_text=_("少于未收金额时必填。"))  # fmt: skip


class RentRunForm(forms.Form):
    period = forms.CharField(label=_("租金月份"), max_length=7, help_text=_("格式：2026-01"))


class CollectionImportForm(forms.Form):
    layout = forms.ChoiceField(label=_("文件格式"), choices=())
    file = forms.FileField(
        label=_("银行代收文件"), help_text=_("银行返回的 CSV 或 Excel（.xlsx）文件，不超过 10 MB。")
    )

    def __init__(self, *args, **kwargs):
        from .layouts import layout_choices

        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = layout_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 10 MB。"))
        return upload


class FixedChargeForm(forms.Form):
    contract = forms.CharField(label=_("合同编号"), max_length=32, help_text=_("已入住家庭的租赁合同编号。"))
    description = forms.CharField(
        label=_("发生款项说明"), max_length=200, help_text=_("例如：物业费、公摊水电费。")
    )
    year = forms.IntegerField(label=_("发生年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("发生月份"), min_value=1, max_value=12)
    amount = forms.DecimalField(
        label=_("款项金额"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
