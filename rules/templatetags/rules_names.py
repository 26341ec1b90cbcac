"""``{{ code|project_name }}`` / ``{{ code|mode_name }}`` on single-object pages (one query each)."""

from __future__ import annotations

from django import template

from rules.names import mode_names, project_names

register = template.Library()


@register.filter
def project_name(code: str) -> str:
    return project_names().get(code, code) if code else ""


@register.filter
def mode_name(code: str) -> str:
    return mode_names().get(code, code) if code else ""
