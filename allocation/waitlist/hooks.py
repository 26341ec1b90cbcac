"""Called from ``AllocationConfig.ready()``: this part's navigation items and message templates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _message_templates_sync(**kwargs) -> None:
    from .services import waitlist_message_templates_sync

    waitlist_message_templates_sync()


def ready() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from housing.backoffice.navigation import NavItem, register

    from . import admin  # noqa: F401  (registers the read-only admin pages)

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[
            NavItem(
                _("轮候期限"),
                "allocation:waitlist_waiting_period",
                permission="allocation.view_waitlistrefusal",
            ),
            NavItem(
                _("拒绝选房记录"),
                "allocation:waitlist_refusal_list",
                permission="allocation.view_waitlistrefusal",
            ),
        ],
    )
    post_migrate.connect(
        _message_templates_sync,
        sender=apps.get_app_config("allocation"),
        dispatch_uid="allocation.waitlist.templates",
    )
