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
            NavItem(_("补贴应发"), "allocation:subsidies_due_list", permission="allocation.view_subsidydue"),
            NavItem(
                _("补贴发放批次"),
                "allocation:subsidies_batch_list",
                permission="allocation.view_paymentbatch",
            ),
            NavItem(
                _("补贴对账汇总"),
                "allocation:subsidies_reconciliation",
                permission="allocation.view_subsidydue",
            ),
            NavItem(
                _("补贴追回"), "allocation:subsidies_recovery_list", permission="allocation.view_subsidydue"
            ),
        ],
    )
