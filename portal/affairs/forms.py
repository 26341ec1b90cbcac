"""Forms of 我的办事: 补件 (one upload field per requested item), 撤回申请, 申请复核."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .services import MAX_FILES_PER_ITEM, MAX_NOTE_LENGTH, supplement_file_check

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SupplementForm(BootstrapFormMixin, forms.Form):
    """One field per 需补正材料 item (``item_0`` …), an optional 其他材料 field and a note."""

    note = forms.CharField(
        label=_("补充说明"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填，最多500字。例如：某项材料为何无法提供、何时可以补交。"),
    )

    def __init__(self, *args, items: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        fields = {}
        for index, item in enumerate([*self.items, str(_("其他补充材料（选填）"))]):
            field = MultipleFileField(
                label=item,
                required=False,
                help_text=_("PDF、JPEG 或 PNG，可选多个文件，每项最多 %(n)s 个。")
                % {"n": MAX_FILES_PER_ITEM},
            )
            field.widget.attrs["class"] = "form-control"
            fields[f"item_{index}"] = field
        fields["note"] = self.fields.pop("note")
        self.fields = fields

    @property
    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]

    def clean(self):
        data = super().clean()
        for name in list(self.fields):
            if not name.startswith("item_"):
                continue
            files = data.get(name) or []
            if len(files) > MAX_FILES_PER_ITEM:
                self.add_error(name, _("每项最多上传 %(n)s 个文件。") % {"n": MAX_FILES_PER_ITEM})
                continue
            for upload in files:
                try:
                    supplement_file_check(upload)
                except ValidationError as exc:
                    self.add_error(name, exc.messages)
        if (
            not self.errors
            and not data.get("note")
            and not any(data.get(name) for name in self.fields if name.startswith("item_"))
        ):
            raise ValidationError(_("请至少上传一份补件材料，或填写补充说明。"))
        return data

    def uploads(self) -> list[tuple[str, list]]:
        """(item, files) pairs for the service, in the page's order."""
        labels = [*self.items, str(_("其他补充材料"))]
        return [(labels[i], self.cleaned_data.get(f"item_{i}") or []) for i in range(len(labels))]


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：家庭情况变化、已通过其他途径解决住房。"),
    )
    confirm = forms.BooleanField(
        label=_("我已了解：撤回后本申请办理结束，不能恢复；如仍需保障须重新申请。"),
        error_messages={"required": _("请勾选确认后再撤回。")},
    )


class AppealForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("复核理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明您认为决定有误的事实和理由；补充材料可在复核时交给工作人员。"),
    )
