"""Called from ``AllocationConfig.ready()``: this part's navigation items and movement sources."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from housing.backoffice.navigation import NavItem, register

    from . import admin  # noqa: F401  (registers the read-only admin pages)
    from .providers import register_builtin_sources

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[
            NavItem(
                _("资源台账"),
                "allocation:ledgers_guarantee_list",
                permission="allocation.view_guaranteeledger",
            ),
            NavItem(
                _("支持对象拨付计划"),
                "allocation:ledgers_payment_plan_list",
                permission="allocation.view_supportpaymentplan",
            ),
            NavItem(
                _("土地供应记录"),
                "allocation:ledgers_land_supply_list",
                permission="allocation.view_landsupplyrecord",
            ),
        ],
    )
    register_builtin_sources()
