from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _process_sync_after_migrate(**kwargs) -> None:
    from .services import housing_unit_process_sync

    housing_unit_process_sync()


class ProjectsConfig(AppConfig):
    name = "projects"
    label = "projects"
    verbose_name = _("建设项目")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        # The ``housing_unit`` process exists after every migrate or test flush.
        post_migrate.connect(_process_sync_after_migrate, sender=self)
        viewers = ("project_officer", "city_centre", "district_reviewer")
        register(
            section="projects",
            section_title=_("建设项目"),
            order=300,
            items=[
                NavItem(
                    _("建设项目"), "projects:project_list", permission="projects.view_project", roles=viewers
                ),
                NavItem(
                    _("土地储备"),
                    "projects:land_list",
                    permission="projects.view_landreserve",
                    roles=viewers,
                ),
                NavItem(
                    _("单体工程"),
                    "projects:building_list",
                    permission="projects.view_building",
                    roles=viewers,
                ),
                NavItem(_("住房"), "projects:unit_list", permission="projects.view_unit", roles=viewers),
                NavItem(
                    _("竣工移交"),
                    "projects:handover_list",
                    permission="projects.view_handoverbatch",
                    roles=viewers,
                ),
                NavItem(_("楼盘导入"), "projects:import", permission="projects.add_unit"),
                NavItem(_("项目地图"), "projects:map", permission="projects.view_project", roles=viewers),
                NavItem(
                    _("建设进度"), "projects:progress", permission="projects.view_project", roles=viewers
                ),
            ],
        )
