from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "housing.archive"
    label = "archive"
    verbose_name = _("电子档案")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        register(
            section="archive",
            section_title=_("电子档案"),
            order=800,
            items=[
                NavItem(_("档案查询"), "archive:list", permission="archive.view_document"),
                NavItem(_("上传档案"), "archive:upload", permission="archive.add_document"),
            ],
        )
