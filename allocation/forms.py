from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region


class LotteryCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("摇号名称"), max_length=100)
    region_code = forms.ChoiceField(label=_("组织区划"))
    project_code = forms.ChoiceField(label=_("保障项目类别"))
    mode_code = forms.ChoiceField(label=_("保障方式"), help_text=_("实物配租、实物配售的轮候家庭参加摇号。"))
    public_value = forms.CharField(
        label=_("公开参数"),
        max_length=64,
        required=False,
        help_text=_("可不填。摇号前公布的值（如某日公开的指数收盘值），与现场种子合成最终种子。"),
    )
    scheduled_at = forms.DateTimeField(
        label=_("摇号时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__lte=Level.DISTRICT).order_by("code")
        from housing.accounts.scope import code_in_scope

        self.fields["region_code"].choices = [
            (r.code, r.name) for r in regions if code_in_scope(user, r.code)
        ]


class LotteryDrawForm(BootstrapFormMixin, forms.Form):
    event_seed = forms.CharField(
        label=_("现场种子"),
        max_length=64,
        help_text=_("在公证员监督下现场产生的数字（例如 6 位数），只能由字母、数字和“-”组成。"),
    )
    opinion = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LotteryVoidRequestForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 3}))


class LotteryVoidConfirmForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 3}))
