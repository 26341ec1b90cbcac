from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "housing.workflow"
    label = "workflow"
    verbose_name = _("业务流程")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        register(
            section="workflow",
            section_title=_("业务流程"),
            order=100,
            items=[
                NavItem(_("我的待办"), "workflow:tasks"),
                NavItem(_("流程监控"), "workflow:instances", permission="workflow.view_processinstance"),
                NavItem(_("流程统计"), "workflow:stats", permission="workflow.view_processinstance"),
            ],
        )
