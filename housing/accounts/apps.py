from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def update_last_login_without_history(sender, user, **kwargs):
    """Django's ``update_last_login``, minus a history row: a login is no change to the account.

    (The login itself is an audit event; last_login is excluded from the user's history.)
    """
    from django.utils import timezone

    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving


class AccountsConfig(AppConfig):
    name = "housing.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from housing.audit.reveal import RevealSpec
        from housing.audit.reveal import register as register_reveal
        from housing.backoffice.navigation import NavItem
        from housing.backoffice.navigation import register as register_nav

        from .identity import mask_phone
        from .roles import roles_sync_after_migrate
        from .selectors import staff_get_for_user

        # Like Django's own permissions: reference roles exist after every migrate or flush.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="accounts_roles_sync")
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_without_history, dispatch_uid="update_last_login")
        register_reveal(
            RevealSpec(
                model_label="accounts.user",
                field="phone",
                get_object=staff_get_for_user,
                mask=mask_phone,
                permission="accounts.view_user",
                roles=("city_centre",),
            )
        )
        register_nav(
            section="system",
            section_title=_("系统管理"),
            order=900,
            items=[NavItem(_("修改密码"), "accounts:password_change")],
        )
