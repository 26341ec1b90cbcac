"""``{% annual_review_declaration_panel review %}``: the 年审申报 panel of a review's detail page, kept out
of the detail view so the declaration part owns its reads."""

from __future__ import annotations

from django import template

from allocation.annual_review import declaration_selectors
from allocation.annual_review.models import DECIDE_PERMISSION

register = template.Library()


@register.inclusion_tag("allocation/annual_review/_declaration_panel.html", takes_context=True)
def annual_review_declaration_panel(context, review):
    versions = declaration_selectors.declarations_of_review(review)
    latest = versions[0] if versions else None
    user = context["request"].user
    return {
        "review": review,
        "latest": latest,
        "earlier": versions[1:],
        "comparison": declaration_selectors.declaration_comparison(review, latest) if latest else [],
        "can_declare": review.can_decide and user.has_perm(DECIDE_PERMISSION),
    }
