from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _templates_sync_after_migrate(**kwargs) -> None:
    from .services import notify_templates_sync

    notify_templates_sync()


class NotifyConfig(AppConfig):
    name = "housing.notify"
    label = "notify"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        # Default message templates exist after every migrate or flush (like the reference roles).
        post_migrate.connect(_templates_sync_after_migrate, sender=self)
        register(
            section="system",
            section_title=_("系统管理"),
            order=900,
            items=[NavItem(_("消息发件箱"), "notify:outbox", permission="notify.view_message")],
        )
