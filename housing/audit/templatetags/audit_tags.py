"""``{% sensitive_value obj "phone" %}``: the masked value, with a reveal button for those allowed."""

from __future__ import annotations

from django import template

from ..reveal import get_spec

register = template.Library()


@register.inclusion_tag("audit/_sensitive.html", takes_context=True)
def sensitive_value(context, obj, field: str) -> dict:
    spec = get_spec(obj._meta.label_lower, field)
    value = getattr(obj, field) or ""
    user = context["request"].user
    return {
        "masked": spec.mask(value) if spec else "*" * len(value),
        "can_reveal": bool(value) and spec is not None and spec.allowed(user),
        "model_label": obj._meta.label_lower,
        "pk": obj.pk,
        "field": field,
    }
