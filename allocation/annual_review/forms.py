"""Forms of 年审."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import scope_queryset
from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.models import Region
from rules.models.reference import GuaranteeMode
from rules.names import mode_names

from .models import AnnualReviewDecision
from .services import NOT_REVIEWED_KINDS


class RunForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年审年度"), min_value=2000, max_value=2100)
    region_code = forms.ChoiceField(label=_("行政区划"))
    mode_code = forms.ChoiceField(label=_("保障方式"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the regions the user may run for, by name: a code typed by hand was easy to get wrong.
        regions = scope_queryset(Region.objects.filter(is_active=True), user, field="code").order_by("code")
        self.fields["region_code"].choices = [
            (r.code, f"{r.name}（{r.code}）") for r in regions.only("code", "name")
        ]
        reviewed = set(
            GuaranteeMode.objects.exclude(kind__in=NOT_REVIEWED_KINDS).values_list("code", flat=True)
        )
        self.fields["mode_code"].choices = [("", gettext("全部保障方式"))] + sorted(
            ((code, name) for code, name in mode_names().items() if code in reviewed),
            key=lambda item: item[0],
        )


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("年审结论"), choices=AnnualReviewDecision.choices)
    opinion = forms.CharField(label=_("审核意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    new_monthly_rent = forms.DecimalField(
        label=_("变更后月租金（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
        help_text=_("仅“变更标准”时填写，自下月1日起执行"), error_messages={"min_value": _("金额不能为负数。")},
    )  # fmt: skip
    new_subsidy_amount = forms.DecimalField(
        label=_("变更后月补贴金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
        help_text=_("仅“变更标准”时填写，自下月1日起执行"), error_messages={"min_value": _("金额不能为负数。")},
    )  # fmt: skip
    exit_reason = forms.CharField(
        label=_("退出原因"), max_length=200, required=False, help_text=_("仅“退出”时填写")
    )
