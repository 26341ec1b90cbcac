"""Forms of 经适房退回与再上市: the fields only; the rules are the services' (errors shown beside the field)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .models import ResaleRoute

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ResaleRequestForm(BootstrapFormMixin, forms.Form):
    contract = forms.CharField(label=_("购房合同编号"), max_length=32,
                               help_text=_("已签订的经济适用住房买卖合同，例如 JS-2021-000001。"))  # fmt: skip
    certificate_number = forms.CharField(label=_("产权证号"), max_length=60)
    certificate_date = forms.DateField(label=_("房屋所有权证日期"), widget=DATE)
    deed_tax_date = forms.DateField(label=_("契税完税凭证日期"), widget=DATE)
    requested_on = forms.DateField(label=_("再上市申请时间"), widget=DATE, initial=timezone.localdate)
    route = forms.ChoiceField(label=_("申请处置方式"), choices=ResaleRoute.choices,
                              help_text=_("购房满5年前只能申请政府回购。"))  # fmt: skip
    asking_price = forms.DecimalField(label=_("预售价格"), required=False, **MONEY)
    guide_price = forms.DecimalField(label=_("指导价格"), required=False,
                                     help_text=_("同地段普通商品住房指导价（元），上市交易时必填。"), **MONEY)  # fmt: skip


class ResaleDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审批结论"), choices=())
    opinion = forms.CharField(label=_("审批意见"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), help_text=_("不予办理时必填。"))  # fmt: skip

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices


class ResaleCompleteForm(BootstrapFormMixin, forms.Form):
    completed_on = forms.DateField(label=_("办结日期"), widget=DATE, initial=timezone.localdate)
    contract_amount = forms.DecimalField(label=_("签约金额"), required=False,
                                         help_text=_("上市交易的买卖合同成交价（元）。"), **MONEY)  # fmt: skip
    opinion = forms.CharField(label=_("办理意见"), max_length=500, required=False)

    def __init__(self, *args, needs_amount: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_amount:
            del self.fields["contract_amount"]


class SaleReturnForm(BootstrapFormMixin, forms.Form):
    contract = forms.CharField(label=_("购房合同编号"), max_length=32)
    reason = forms.CharField(label=_("回退原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("应回退时间"), widget=DATE)


class SaleReturnCompleteForm(BootstrapFormMixin, forms.Form):
    returned_on = forms.DateField(label=_("实回退时间"), widget=DATE, initial=timezone.localdate)
    opinion = forms.CharField(label=_("办理意见"), max_length=500, required=False)
