"""Called from ``AdmissionConfig.ready()``: register navigation items, detail-page panels, reveal specs,
factor providers and signal receivers of this part here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _inspections_context(request, application) -> dict:
    from .selectors import application_inspections
    from .services import inspection_may_assign, inspection_may_revoke

    inspections = application_inspections(application=application)
    for inspection in inspections:
        inspection.may_revoke = inspection_may_revoke(inspection=inspection, user=request.user)
    return {
        "casework_inspections": inspections,
        "casework_inspections_open": sum(1 for i in inspections if i.is_open),
        "casework_inspections_mismatch": [i for i in inspections if i.matches_declaration is False],
        "casework_can_assign": inspection_may_assign(application=application, user=request.user),
    }


def _inspections_actions(request, application) -> list:
    from ..panels import PanelAction
    from .services import inspection_may_assign

    if not inspection_may_assign(application=application, user=request.user):
        return []
    url = reverse("admission:casework_inspection_assign", args=[application.pk])
    return [PanelAction(_("指派入户核查"), url, "outline-primary")]


def _holdings_context(request, application) -> dict:
    from .selectors import application_holdings
    from .services import EDITABLE_STATES, holdings_editable

    return {
        "casework_holdings": application_holdings(application=application),
        "casework_holdings_open": application.state in EDITABLE_STATES,
        "casework_holdings_editable": holdings_editable(application=application, user=request.user),
    }


def _inspection_template_after_migrate(**kwargs) -> None:
    from .services import ensure_inspection_template

    ensure_inspection_template()


def ready() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from housing.backoffice.navigation import NavItem
    from housing.backoffice.navigation import register as register_nav

    from ..panels import ApplicationPanel, panel_register
    from .timeline import timeline_register_defaults

    panel_register(
        ApplicationPanel(
            key="casework_holdings",
            title=_("住房与资产"),
            template="admission/casework/_panel_holdings.html",
            context=_holdings_context,
            permission="admission.view_application",
            order=30,
        )
    )
    panel_register(
        ApplicationPanel(
            key="casework_inspections",
            title=_("入户核查"),
            template="admission/casework/_panel_inspections.html",
            context=_inspections_context,
            actions=_inspections_actions,
            permission="admission.view_application",
            order=40,
        )
    )
    timeline_register_defaults()
    # The 「入户核查」 process template exists after migrate, like the review template (also made on first use).
    post_migrate.connect(
        _inspection_template_after_migrate,
        sender=apps.get_app_config("admission"),
        dispatch_uid="admission_casework_inspection_template",
    )
    register_nav(
        section="admission",
        section_title=_("准入登记"),
        order=200,
        items=[
            NavItem(
                _("我的核查任务"),
                "admission:casework_my_inspections",
                permission="admission.view_homeinspection",
            ),
            NavItem(
                _("入户核查"),
                "admission:casework_inspection_list",
                permission="admission.view_homeinspection",
            ),
            NavItem(
                _("超期案件"), "admission:casework_overdue_list", permission="admission.view_application"
            ),
            NavItem(
                _("申请统计"), "admission:casework_stage_report", permission="admission.view_application"
            ),
        ],
    )
