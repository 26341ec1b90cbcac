from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import code_in_scope
from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.codes import Level
from housing.regions.models import Region

from .models import ContentColumn


class ArticleForm(BootstrapFormMixin, forms.Form):
    column = forms.ModelChoiceField(label=_("栏目"), queryset=ContentColumn.objects.none())
    title = forms.CharField(label=_("标题"), max_length=120)
    region_code = forms.ChoiceField(label=_("发布区划"))
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    source = forms.CharField(label=_("来源"), max_length=60, required=False)
    summary = forms.CharField(
        label=_("摘要"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不填则取正文开头。"),
    )
    body_html = forms.CharField(
        label=_("正文"),
        required=False,
        # The editor (Quill) writes its HTML into this textarea; without JavaScript it is typed directly.
        widget=forms.Textarea(attrs={"rows": 12, "data-rich-text": "1"}),
        help_text=_("保存时自动清除脚本、样式等不安全内容；图片请作为附件上传。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = ContentColumn.objects.filter(is_active=True)
        regions = Region.objects.filter(level__lte=Level.DISTRICT).order_by("code")
        self.fields["region_code"].choices = [
            (r.code, r.name) for r in regions if code_in_scope(user, r.code)
        ]


class PublishForm(BootstrapFormMixin, forms.Form):
    publish_at = forms.DateTimeField(
        label=_("定时发布时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("不填则立即发布。"),
    )


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤下原因"), max_length=200)


class AttachmentForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("附件名称"), max_length=100, required=False)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、图片、Word、Excel 或 OFD，按内容检查类型。"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=50, required=False)
