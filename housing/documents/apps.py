from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _process_sync_after_migrate(**kwargs) -> None:
    from .services import document_process_sync

    document_process_sync()


class DocumentsConfig(AppConfig):
    name = "housing.documents"
    label = "documents"
    verbose_name = _("文书与导出")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        # The workflow process recording template transitions exists after every migrate or flush.
        post_migrate.connect(_process_sync_after_migrate, sender=self)
        register(
            section="system",
            section_title=_("系统管理"),
            order=900,
            items=[
                NavItem(
                    _("文书模板"), "documents_office:templates", permission="documents.view_documenttemplate"
                )
            ],
        )
