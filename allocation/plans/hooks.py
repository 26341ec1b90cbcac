"""Called from ``AllocationConfig.ready()``: this part's navigation items and its process templates."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _templates_after_migrate(**kwargs) -> None:
    from .workflow import ensure_plan_templates

    ensure_plan_templates()


def ready() -> None:
    from housing.backoffice.navigation import NavItem, register

    from . import admin  # noqa: F401  (registers the read-only admin pages)

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[
            NavItem(_("供需对比"), "allocation:plans_demand", permission="allocation.view_allocationplan"),
            NavItem(_("配置方案"), "allocation:plans_list", permission="allocation.view_allocationplan"),
            NavItem(
                _("支持项目配置方案"),
                "allocation:plans_support_list",
                permission="allocation.view_supportallocationplan",
            ),
        ],
    )
    post_migrate.connect(
        _templates_after_migrate,
        sender=apps.get_app_config("allocation"),
        dispatch_uid="allocation_plans_templates",
    )
