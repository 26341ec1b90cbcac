from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("对公服务平台")

    def ready(self) -> None:
        from . import contract_views, selection_views, subsidy_views, waitlist_views
        from .apply import views as apply_views

        for module in (waitlist_views, selection_views, contract_views, subsidy_views, apply_views):
            module.register_panel()  # the cards of 「我的」
        from . import annual_review_views

        annual_review_views.register_panel()  # 年度复核 card
        from .affairs import panels as _affairs_panels  # noqa: F401 — registers the 我的办事 card
        from .content import hooks as content_hooks

        content_hooks.ready(self)
