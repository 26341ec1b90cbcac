"""Called from ``AllocationConfig.ready()``: this part's navigation items and admin pages."""

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
            NavItem(_("入住腾退"), "allocation:tenancy_moveins", permission="allocation.view_movein"),
            NavItem(
                _("租金应收"), "allocation:tenancy_receivables", permission="allocation.view_rentreceivable"
            ),
            NavItem(_("欠租账龄"), "allocation:tenancy_arrears", permission="allocation.view_rentreceivable"),
            NavItem(
                _("银行代收导入"),
                "allocation:tenancy_collections",
                permission="allocation.view_rentreceivable",
            ),
            NavItem(
                _("每月固定款项"),
                "allocation:tenancy_fixed_charges",
                permission="allocation.view_monthlyfixedcharge",
            ),  # fmt: skip
        ],
    )
