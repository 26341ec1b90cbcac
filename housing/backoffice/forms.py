"""Form helpers shared by every back-office and portal form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class BootstrapFormMixin:
    """Bootstrap classes on every widget; ``is-invalid`` and ``aria-invalid`` on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        mark_invalid_fields(self)


def mark_invalid_fields(form: forms.Form) -> None:
    """``is-invalid`` and the ARIA links on every field that has an error (idempotent)."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"id_{form.add_prefix(name)}-error"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside the fields it names; errors of fields the form does not
    show, and errors without a field, go above the form. The one way every form shows them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            form.add_error(target, errors)
    else:
        form.add_error(None, error)
    mark_invalid_fields(form)
