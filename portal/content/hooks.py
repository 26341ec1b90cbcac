"""Called from ``PortalConfig.ready()``: the columns after migrate, the admin and the back-office menu."""

from __future__ import annotations

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _columns_sync(**kwargs) -> None:
    from .services import content_columns_sync

    content_columns_sync()


def ready(app_config) -> None:
    from housing.backoffice.navigation import NavItem
    from housing.backoffice.navigation import register as register_nav

    from . import admin  # noqa: F401  (registers the admin pages)

    register_nav(
        section="portal",
        section_title=_("门户网站"),
        order=900,
        items=[NavItem(_("门户文章"), "portal_content:article_list", permission="portal.view_article")],
    )
    post_migrate.connect(_columns_sync, sender=app_config)
