from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import code_in_scope, scope_queryset
from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region
from projects.models import Building, UnitState

from .models import OrderStatus

WAITLIST = "waitlist"


class SessionCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("选房活动名称"), max_length=100)
    region_code = forms.ChoiceField(label=_("组织区划"))
    project_code = forms.CharField(label=_("保障项目类别"), max_length=32, initial="gongzu")
    mode_code = forms.CharField(label=_("保障方式"), max_length=32, initial="rental_in_kind")
    source = forms.ChoiceField(
        label=_("配给顺序来源"), help_text=_("已摇号的摇号结果顺序，或轮候库的轮候顺序。")
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("房源楼栋"),
        queryset=Building.objects.none(),
        help_text=_("所选楼栋中已交付、空置的住房全部参加本次选房。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    family_limit = forms.IntegerField(
        label=_("参加户数上限"), min_value=1, required=False, help_text=_("不填则为房源套数。")
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot_minutes = forms.IntegerField(label=_("每时段分钟数"), min_value=1, max_value=600, initial=30)
    families_per_slot = forms.IntegerField(label=_("每时段户数"), min_value=1, max_value=500, initial=10)
    place = forms.CharField(label=_("选房地点"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from allocation.models import Lottery, LotteryState

        regions = Region.objects.filter(level__lte=Level.DISTRICT).order_by("code")
        self.fields["region_code"].choices = [
            (r.code, r.name) for r in regions if code_in_scope(user, r.code)
        ]
        lotteries = scope_queryset(
            Lottery.objects.filter(state=LotteryState.DRAWN).defer("entrant_file", "entrant_details"), user
        )
        self.fields["source"].choices = [(WAITLIST, _("轮候顺序"))] + [
            (f"lottery:{lottery.pk}", _("摇号结果：%(n)s") % {"n": lottery}) for lottery in lotteries[:50]
        ]
        self.fields["buildings"].queryset = (
            scope_queryset(Building.objects.all(), user)
            .filter(units__state=UnitState.DELIVERED)
            .distinct()
            .order_by("project__name", "name")
            .select_related("project")
        )
        self.fields["buildings"].label_from_instance = lambda b: f"{b.project.name} {b.name}"
        self.fields["starts_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class PickForm(forms.Form):
    unit = forms.IntegerField(label=_("房源"), widget=forms.HiddenInput)


class PassForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("情形"), choices=[(OrderStatus.ABSENT, _("缺席")), (OrderStatus.REFUSED, _("放弃"))]
    )
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class CancelPickForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)
    family_gives_up = forms.BooleanField(
        label=_("家庭放弃所选房源（计入拒绝选房次数）"),
        required=False,
        help_text=_("不勾选：审核不通过，家庭重新选房。"),
    )


class OpinionForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=_("意见"), max_length=300, required=False)


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 3}))
