from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "housing.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from .roles import roles_sync_after_migrate

        # Like Django's own permissions: reference roles exist after every migrate or flush.
        post_migrate.connect(roles_sync_after_migrate, sender=self)
