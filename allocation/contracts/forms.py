"""Forms of contracts: draft (with the family's kind and allocatable units), sign, renew, terminate."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ContractKind, PaymentCycle, SubsidyPaymentMethod
from .services import DEFAULT_TERM_MONTHS, default_kind_for, kinds_for

DATE = forms.DateInput(attrs={"type": "date"})


def _first_of_next_month() -> datetime.date:
    today = timezone.localdate()
    return (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class ContractDraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("合同类型"), choices=ContractKind.choices)
    unit = forms.TypedChoiceField(label=_("房屋编号"), required=False, coerce=int, empty_value=None,
                                  help_text=_("本区已交付、未被其他合同占用的同类住房。"))  # fmt: skip
    starts_on = forms.DateField(label=_("合同生效时间"), widget=DATE)
    term_months = forms.IntegerField(label=_("合同有效期（月）"), min_value=1, max_value=600,
                                     initial=DEFAULT_TERM_MONTHS)  # fmt: skip
    is_auto_renew = forms.BooleanField(label=_("是否自动续签"), required=False)
    signer_name = forms.CharField(label=_("签约人"), max_length=50, required=False,
                                  help_text=_("留空则为申请人本人。"))  # fmt: skip
    signer_id_number = forms.CharField(label=_("签约人身份证号"), max_length=18, required=False,
                                       help_text=_("留空则为申请人的证件号码。"))  # fmt: skip
    agent_name = forms.CharField(label=_("代理人"), max_length=50, required=False)
    agent_id_number = forms.CharField(label=_("代理人身份证号"), max_length=18, required=False)
    ownership_share = forms.DecimalField(label=_("个人产权份额（%）"), required=False, max_digits=5,
                                         decimal_places=2, help_text=_("仅共有产权房填写。"))  # fmt: skip
    bank_name = forms.CharField(label=_("开户银行"), max_length=60, required=False,
                                help_text=_("租赁补贴协议必填。"))  # fmt: skip
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    payment_cycle = forms.ChoiceField(label=_("发放周期"), choices=PaymentCycle.choices, required=False)
    subsidy_payment_method = forms.ChoiceField(label=_("补贴发放方式"), choices=SubsidyPaymentMethod.choices,
                                               required=False)  # fmt: skip

    def __init__(self, *args, entry, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, ContractKind(k).label) for k in kinds_for(entry)
        ] or ContractKind.choices
        self.fields["kind"].initial = default_kind_for(entry)
        self.fields["unit"].choices = [("", _("（租赁补贴协议不选房屋）"))] + [
            (u.pk, f"{u.number} · {u.layout or '—'} · {u.floor_area}㎡ · {u.get_guarantee_mode_display()}")
            for u in units
        ]
        self.fields["starts_on"].initial = _first_of_next_month()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ContractSignForm(forms.Form):
    signed_on = forms.DateField(label=_("合同签署时间"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()
        self.fields["signed_on"].widget.attrs["class"] = "form-control"


class ContractRenewForm(forms.Form):
    term_months = forms.IntegerField(label=_("续签有效期（月）"), min_value=1, max_value=600,
                                     initial=DEFAULT_TERM_MONTHS)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_months"].widget.attrs["class"] = "form-control"


class ContractTerminateForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写终止原因。")})  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"
