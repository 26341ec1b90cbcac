from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("对公服务平台")

    def ready(self) -> None:
        from . import contract_views, selection_views, waitlist_views

        for module in (waitlist_views, selection_views, contract_views):
            module.register_panel()  # the cards of 「我的」
        from .content import hooks as content_hooks

        content_hooks.ready(self)
