"""Rendering administrator-edited templates (message and document templates) in a sandbox.

The templates are edited in the admin, so they get a plain ``django.template.Engine`` with only the
side-effect-free tags and all built-in filters: no ``{% load %}``, ``{% include %}``, ``{% extends %}``,
``{% url %}``, ``{% debug %}`` or ``{% csrf_token %}``, no template loaders. The context is reduced to
plain data first (strings, numbers, dates, lists, dicts), so no variable lookup can reach a model
instance and run a query or a method.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.utils.functional import Promise

# Tags that only shape output from the context already given.
SAFE_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "regroup",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)

register = Library()
for _name in SAFE_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
register.filters.update(defaultfilters.register.filters)


class SandboxEngine(Engine):
    # ``Engine`` always prepends its default builtins (``include``, ``load``, ``url`` …); none here.
    default_builtins: list[str] = []


@cache
def sandbox_engine(*, autoescape: bool) -> Engine:
    """HTML documents autoescape; plain-text messages (SMS, email, 站内信) do not."""
    return SandboxEngine(
        builtins=["housing.documents.sandbox"],
        libraries={},
        loaders=[],
        autoescape=autoescape,
        string_if_invalid="",
    )


def plain_context(value: Any) -> Any:
    """Reduce a context to plain data; anything else (a model, a queryset) becomes its text."""
    if value is None or isinstance(value, bool | int | float | Decimal | str | date | datetime | time):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain_context(v) for v in value]
    return str(value)


def sandbox_compile(source: str, *, autoescape: bool) -> Template:
    """Compile or raise ``TemplateSyntaxError`` (forms show it next to the field)."""
    return sandbox_engine(autoescape=autoescape).from_string(source)


def sandbox_render(source: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    return sandbox_compile(source, autoescape=autoescape).render(Context(plain_context(context)))


__all__ = ["TemplateSyntaxError", "plain_context", "sandbox_compile", "sandbox_render"]
