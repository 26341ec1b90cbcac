"""Called from ``AdmissionConfig.ready()``: the 部门核查 tab and button on the application page, the menu entry,
the department facts provider of the rules engine, and the Celery tasks of this part."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

VIEW = "admission.view_departmentcheck"


def _panel_context(request, application) -> dict:
    from .selectors import application_checks_summary

    return {"checks": application_checks_summary(application=application)}


def _panel_actions(request, application) -> list:
    from ..panels import PanelAction
    from .views import may_rerun

    if not may_rerun(request.user, application):
        return []
    return [
        PanelAction(
            label=_("重新核查部门数据"),
            url=reverse("admission:checks_rerun", args=[application.pk]),
            style="outline-secondary",
        )
    ]


def ready() -> None:
    from housing.backoffice.navigation import NavItem
    from housing.backoffice.navigation import register as register_nav
    from rules.factors import provider_register

    from ..panels import ApplicationPanel, panel_register
    from . import tasks  # noqa: F401  (registers the Celery tasks: autodiscovery finds admission.tasks only)
    from .facts import DepartmentFactsProvider

    panel_register(
        ApplicationPanel(
            key="checks",
            title=_("部门核查"),
            template="admission/checks/_panel.html",
            context=_panel_context,
            actions=_panel_actions,
            permission=VIEW,
            order=30,
        )
    )
    register_nav(
        section="admission",
        section_title=_("准入登记"),
        order=200,
        items=[NavItem(_("部门核查"), "admission:checks_run_list", permission=VIEW)],
    )
    # After admission's own provider (registered first): department data fills only what the family record
    # cannot establish, e.g. 学历 and 社保月数 for the 人才 subsidy.
    provider_register(DepartmentFactsProvider())
