from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "housing.audit"
    label = "audit"
    verbose_name = _("操作审计")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        from . import signals

        # Auditing is cross-cutting: see the docstring of housing.audit.signals for why signals.
        signals.connect()
        register(
            section="system",
            section_title=_("系统管理"),
            order=900,
            items=[NavItem(_("操作审计"), "audit:events", permission="audit.view_auditevent")],
        )
