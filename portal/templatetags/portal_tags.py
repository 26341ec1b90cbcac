"""Template helpers of the portal: masks, so a page never prints a full name (DESIGN §4 rule 8)."""

from __future__ import annotations

from django import template

from housing.accounts.identity import mask_name, mask_phone

register = template.Library()


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")
