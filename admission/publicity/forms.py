"""Forms of publicity batches and objections. Errors show beside the fields (BootstrapFormMixin)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from ..models import phone_validator
from .models import ObjectionChannel, PublicityMethod


class BatchCreateForm(BootstrapFormMixin, forms.Form):
    region_code = forms.ChoiceField(label=_("公示发布单位"))
    method = forms.ChoiceField(label=_("公示方式"), choices=PublicityMethod.choices)
    location = forms.CharField(
        label=_("公示地点"),
        max_length=200,
        help_text=_("如：翠香街道办事处公告栏、各社区居委会公告栏、本市住房保障服务平台。"),
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("列入公示的案件"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一宗案件。")},
    )

    def __init__(self, *args, regions, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, r.name) for r in regions]
        self.fields["applications"].queryset = eligible
        self.fields["applications"].label_from_instance = lambda a: (
            f"{a.receipt_number}　{a.family.applicant_name}（{a.family.id_number_masked}）"
        )


class ObjectionRecordForm(BootstrapFormMixin, forms.Form):
    received_at = forms.DateTimeField(
        label=_("举报时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    channel = forms.ChoiceField(label=_("举报方式"), choices=ObjectionChannel.choices)
    content = forms.CharField(label=_("举报内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    reporter_name = forms.CharField(
        label=_("举报人姓名"), max_length=50, help_text=_("公示期间举报须实名，匿名举报不予登记。")
    )
    reporter_phone = forms.CharField(label=_("举报人联系电话"), max_length=20, validators=[phone_validator])
    evidence = forms.FileField(
        label=_("证据材料"),
        required=False,
        help_text=_("可选。PDF、图片或Office文档；更多材料可在登记后于举报详情页上传。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))


class ObjectionAssignForm(BootstrapFormMixin, forms.Form):
    investigator = forms.ChoiceField(label=_("查证人"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(u.pk): u for u in candidates}
        self.fields["investigator"].choices = [
            ("", _("请选择")),
            *((str(u.pk), u.display_name) for u in candidates),
        ]

    def clean_investigator(self):
        return self.candidates.get(self.cleaned_data["investigator"])


class ObjectionDecideForm(BootstrapFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("查证结论"),
        choices=[("true", _("举报属实（不予登记）")), ("false", _("举报不属实（继续办理）"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    verification_method = forms.CharField(
        label=_("查证方式"), max_length=200, help_text=_("如：入户调查、走访邻里、部门数据比对、调阅档案。")
    )
    verification_result = forms.CharField(label=_("查证结果"), widget=forms.Textarea(attrs={"rows": 4}))
