from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "housing.workflow"
    label = "workflow"
    verbose_name = _("业务流程")
