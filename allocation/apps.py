from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _lottery_process_sync_after_migrate(**kwargs) -> None:
    from .workflow import ensure_lottery_template

    ensure_lottery_template()


class AllocationConfig(AppConfig):
    name = "allocation"
    label = "allocation"
    verbose_name = _("配给管理")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem
        from housing.backoffice.navigation import register as register_nav

        register_nav(
            section="allocation",
            section_title=_("配给管理"),
            order=400,
            items=[NavItem(_("摇号"), "allocation:lottery_list", permission="allocation.view_lottery")],
        )
        from .annual_review import hooks as annual_review_hooks
        from .contracts import hooks as contracts_hooks
        from .exits import hooks as exits_hooks
        from .ledgers import hooks as ledgers_hooks
        from .plans import hooks as plans_hooks
        from .resale import hooks as resale_hooks
        from .selection import hooks as selection_hooks
        from .subsidies import hooks as subsidies_hooks
        from .tenancy import hooks as tenancy_hooks
        from .waitlist import hooks as waitlist_hooks

        for hooks in (ledgers_hooks, plans_hooks, waitlist_hooks, selection_hooks, contracts_hooks):
            hooks.ready()
        tenancy_hooks.ready()
        subsidies_hooks.ready()
        annual_review_hooks.ready()
        resale_hooks.ready()
        exits_hooks.ready()
        post_migrate.connect(_lottery_process_sync_after_migrate, sender=self)
