"""Called from ``AllocationConfig.ready()``: this part's navigation item and the credit facts provider."""

from __future__ import annotations


def ready() -> None:
    from django.utils.translation import gettext_lazy as _

    from housing.backoffice.navigation import NavItem, register
    from rules.factors import provider_register

    from . import admin  # noqa: F401 — registers the read-only admin pages
    from .selectors import CreditFactsProvider

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[NavItem(_("保障退出"), "allocation:exit_list", permission="allocation.view_exitcase")],
    )
    # 信用记录 → on_credit_blacklist for Family/Application subjects (the rules' 未列入失信名单).
    provider_register(CreditFactsProvider())
