"""Called from ``AdmissionConfig.ready()``: register navigation items, detail-page panels, reveal specs,
factor providers and signal receivers of this part here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _panel_context(request, application) -> dict:
    from housing.accounts.scope import code_in_scope

    from .selectors import application_objections, application_publicity_entries

    entries = application_publicity_entries(application=application)
    for entry in entries:
        # A street caseworker sees the case but not the district's batch: no link that would 404.
        entry.batch_visible = code_in_scope(request.user, entry.batch.region_code)
    return {
        "publicity_entries": entries,
        "publicity_objections": application_objections(application=application),
    }


def _panel_actions(request, application) -> list:
    from ..panels import PanelAction
    from .selectors import objection_recordable_entry

    if objection_recordable_entry(user=request.user, application=application) is None:
        return []
    return [
        PanelAction(
            label=_("登记公示期间举报"),
            url=reverse("admission:publicity_objection_record", args=[application.pk]),
            style="outline-warning",
        )
    ]


def ready() -> None:
    from housing.accounts.identity import mask_phone
    from housing.audit.reveal import RevealSpec
    from housing.audit.reveal import register as register_reveal
    from housing.backoffice.navigation import NavItem
    from housing.backoffice.navigation import register as register_nav

    from ..panels import ApplicationPanel, panel_register
    from . import tasks  # noqa: F401 - registers the beat task with the worker (autodiscovery finds admission.tasks only)
    from .selectors import objection_get_for_user

    register_nav(
        section="admission",
        section_title=_("准入登记"),
        order=200,
        items=[
            NavItem(
                _("公示批次"), "admission:publicity_batch_list", permission="admission.view_publicitybatch"
            ),
            NavItem(
                _("公示期间举报"), "admission:publicity_objection_list", permission="admission.view_objection"
            ),
        ],
    )
    panel_register(
        ApplicationPanel(
            key="publicity",
            title=_("公示与异议"),
            template="admission/publicity/_application_panel.html",
            context=_panel_context,
            actions=_panel_actions,
            permission="admission.view_publicitybatch",
            order=40,
        )
    )
    # 举报人电话: masked everywhere; shown in the clear on the objection page only, each time audited.
    register_reveal(
        RevealSpec(
            model_label="admission.objection",
            field="reporter_phone",
            get_object=objection_get_for_user,
            mask=mask_phone,
            permission="admission.view_objection",
        )
    )
