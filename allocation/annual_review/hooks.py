"""Called from ``AllocationConfig.ready()``: this part's navigation items."""

from __future__ import annotations


def ready() -> None:
    from django.utils.translation import gettext_lazy as _

    from housing.backoffice.navigation import NavItem, register

    from . import admin  # noqa: F401 — registers the read-only admin pages

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[
            NavItem(
                _("保障对象年审"), "allocation:annual_review_list", permission="allocation.view_annualreview"
            ),
        ],
    )
