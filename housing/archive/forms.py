"""Forms of the archive pages. File checks are the validators' (by content); these bind and explain."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import scope_queryset
from housing.backoffice.forms import BootstrapFormMixin
from housing.regions.models import Region

from .models import Category, OwnerKind, Stage
from .selectors import owner_resolve
from .validators import ALLOWED_TEXT, max_upload_bytes, validate_upload


def _file_field() -> forms.FileField:
    # allow_empty_file: the validator gives the archive's own message for an empty file.
    return forms.FileField(
        label=_("文件"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.ofd,.docx,.xlsx"}),
    )


class FileCheckMixin:
    """The file field's help text (limit read from settings at request time) and its content check."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "允许 %(types)s，单个文件不超过 %(size)s；按文件内容检查类型。"
        ) % {
            "types": ALLOWED_TEXT,
            "size": filesizeformat(max_upload_bytes()),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class DocumentUploadForm(FileCheckMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("档案名称"), max_length=200)
    category = forms.ChoiceField(label=_("档案类型"), choices=Category.choices)
    stage = forms.ChoiceField(label=_("办理阶段"), choices=Stage.choices)
    owner_kind = forms.ChoiceField(label=_("归档方式"), choices=OwnerKind.choices, initial=OwnerKind.CASE)
    region_code = forms.ChoiceField(label=_("区划"))
    application_number = forms.CharField(label=_("申请编号"), max_length=40, required=False)
    owner_ref = forms.CharField(
        label=_("归属对象"),
        max_length=120,
        required=False,
        help_text=_("从业务页面进入时自动带入（如家庭、房屋），可留空。"),
    )
    file = _file_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        regions = scope_queryset(Region.objects.filter(is_active=True), user, field="code").order_by("code")
        self.fields["region_code"].choices = [("", gettext("——请选择——"))] + [
            (r.code, f"{r.code} {r.name}") for r in regions.only("code", "name")
        ]
        self.owner = None

    def clean_owner_ref(self) -> str:
        reference = self.cleaned_data.get("owner_ref", "").strip()
        if reference:
            self.owner = owner_resolve(user=self.user, reference=reference)
            if self.owner is None:
                raise ValidationError(_("找不到该归属对象，或它不在您的数据范围内。"))
        return reference


class DocumentVersionForm(FileCheckMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("档案名称"), max_length=200)
    version_note = forms.CharField(
        label=_("版本说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写明更正原因。"),
    )
    file = _file_field()


class DocumentWithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
