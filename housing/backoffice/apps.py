from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "housing.backoffice"
    label = "backoffice"
    verbose_name = _("业务后台")

    def ready(self) -> None:
        from .navigation import NavItem, register

        register(
            section="system",
            section_title=_("系统管理"),
            order=900,
            items=[
                NavItem(
                    _("机构"),
                    "backoffice:organisations",
                    permission="accounts.view_organisation",
                    roles=("city_centre", "district_reviewer", "street_caseworker"),
                ),
                NavItem(
                    _("工作人员"), "backoffice:staff", permission="accounts.view_user", roles=("city_centre",)
                ),
            ],
        )
