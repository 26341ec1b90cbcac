"""Forms of 补贴发放."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .layouts import layout_choices
from .models import SubsidyRecoveryMethod, SubsidyRecoveryReason


class DueRunForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(
        label=_("补贴期间"), max_length=7, help_text=_("月份如 2026-03，按季度发放的项目如 2026-Q1")
    )
    project_code = forms.CharField(label=_("补贴项目编号"), max_length=32, initial="lianzu")


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("复核结论"), choices=[("release", _("同意发放")), ("cancel", _("取消发放"))]
    )
    opinion = forms.CharField(label=_("复核意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class BatchCreateForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(
        label=_("补贴期间"), max_length=7, help_text=_("月份如 2026-03，按季度发放的项目如 2026-Q1")
    )
    project_code = forms.ChoiceField(label=_("补贴项目"))
    region_code = forms.ChoiceField(label=_("行政区划"), help_text=_("含下级区划"))
    layout = forms.ChoiceField(label=_("银行文件格式"), choices=())

    def __init__(self, *args, user, **kwargs):
        from housing.accounts.scope import scope_queryset
        from housing.regions.models import Region
        from rules.models import GuaranteeProject

        super().__init__(*args, **kwargs)
        # By name, from what exists and what the user may pay for: codes typed by hand were easy to get wrong.
        self.fields["project_code"].choices = sorted(set(GuaranteeProject.objects.values_list("code", "name")))
        regions = scope_queryset(Region.objects.filter(is_active=True), user, field="code").order_by("code")
        self.fields["region_code"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions.only("code", "name")]
        self.fields["layout"].choices = layout_choices()


class ResultUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("银行回执文件（CSV）"))


class ReissueForm(BootstrapFormMixin, forms.Form):
    bank_name = forms.CharField(label=_("开户银行"), max_length=60)
    bank_account = forms.CharField(label=_("更正后的银行账号"), max_length=40)
    opinion = forms.CharField(label=_("说明"), max_length=500, required=False)


class RecoveryForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("追回金额（元）"), max_digits=14, decimal_places=2)
    reason_kind = forms.ChoiceField(label=_("追回原因类型"), choices=SubsidyRecoveryReason.choices)
    reason = forms.CharField(label=_("追回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("应退回日期"), widget=forms.DateInput(attrs={"type": "date"}))


class RecoveryReceiveForm(BootstrapFormMixin, forms.Form):
    received_on = forms.DateField(label=_("退回日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("退回方式"), choices=SubsidyRecoveryMethod.choices)
    receipt_number = forms.CharField(label=_("收款凭证号"), max_length=64, required=False)


class WriteOffForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(
        label=_("核销审批意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObjectionReplyForm(BootstrapFormMixin, forms.Form):
    reply = forms.CharField(label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReconciliationForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(
        label=_("补贴期间"), max_length=7, help_text=_("月份如 2026-03，按季度发放的项目如 2026-Q1")
    )
    project_code = forms.ChoiceField(label=_("补贴项目"), choices=())

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_code"].choices = list(projects)
