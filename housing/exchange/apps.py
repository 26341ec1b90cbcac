from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _datasets_sync_after_migrate(**kwargs) -> None:
    from .services import datasets_sync

    datasets_sync()


class ExchangeConfig(AppConfig):
    name = "housing.exchange"
    label = "exchange"
    verbose_name = _("数据交换")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        # The reference datasets exist after every migrate or flush, like the roles and message templates.
        post_migrate.connect(_datasets_sync_after_migrate, sender=self)
        register(
            section="exchange",
            section_title=_("数据交换"),
            order=800,
            items=[
                NavItem(_("部门数据集"), "exchange:datasets", permission="exchange.view_dataset"),
                NavItem(_("导入部门数据"), "exchange:import", permission="exchange.import_dataset"),
                NavItem(_("导入批次"), "exchange:batches", permission="exchange.view_importbatch"),
                NavItem(_("部门数据查询"), "exchange:lookup", permission="exchange.view_mirrorrecord"),
            ],
        )
