from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .models import DocumentTemplate


class DocumentTemplateForm(BootstrapFormMixin, forms.ModelForm):
    """Edits a draft version; the model's clean() refuses a body that does not compile."""

    class Meta:
        model = DocumentTemplate
        fields = ["name", "body", "sample_context"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18, "class": "font-monospace"})}
        labels = {"sample_context": _("预览示例数据（JSON）")}
