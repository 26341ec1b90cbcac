"""Called from ``AdmissionConfig.ready()``: navigation items, the application page's 「通知书与登记」 tab,
the reference data synchronised after migrate, and this part's Celery task."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _reference_data_sync(**kwargs) -> None:
    from .notices import notice_message_templates_sync
    from .processes import registry_processes_sync

    registry_processes_sync()
    notice_message_templates_sync()


def _panel_data(request, application) -> dict[str, Any]:
    """Notices, appeals and the registry entry of one case: three queries, shared by tab and buttons."""
    cache = request.__dict__.setdefault("_registry_panel", {})
    if application.pk not in cache:
        from .models import RegistryEntry
        from .selectors import application_appeals, application_notices

        notices = application_notices(application=application)
        appeals = application_appeals(application=application)
        entry = (
            RegistryEntry.objects.filter(application=application)
            .select_related("waitlist_entry")
            .defer("id_number")
            .first()
        )
        cache[application.pk] = {"notices": notices, "appeals": appeals, "entry": entry}
    return cache[application.pk]


def _open_refusal(application, data) -> Any:
    """The refusal notice an appeal may still be recorded against, or None."""
    from django.utils import timezone

    from ..models import ApplicationState
    from .models import DecisionNoticeKind
    from .notices import appeal_deadline

    if application.state != ApplicationState.REFUSED:
        return None
    notice = next((n for n in data["notices"] if n.kind == DecisionNoticeKind.REFUSED), None)
    if notice is None or any(a.notice_id == notice.pk for a in data["appeals"]):
        return None
    return notice if timezone.localdate() <= appeal_deadline(notice) else None


def _panel_context(request, application) -> dict[str, Any]:
    from .notices import appeal_deadline

    data = _panel_data(request, application)
    refusal = _open_refusal(application, data)
    return {
        "registry_notices": data["notices"],
        "registry_appeals": data["appeals"],
        "registry_entry": data["entry"],
        "registry_waitlist": getattr(data["entry"], "waitlist_entry", None) if data["entry"] else None,
        "registry_appeal_deadline": appeal_deadline(refusal) if refusal else None,
    }


def _panel_actions(request, application) -> list:
    from housing.accounts.scope import code_in_scope

    from ..panels import PanelAction

    user = request.user
    if not user.has_perm("admission.add_reviewappeal") or not code_in_scope(user, application.region_code):
        return []
    if _open_refusal(application, _panel_data(request, application)) is None:
        return []
    return [
        PanelAction(
            label=_("登记复核申请"),
            url=reverse("admission:registry_appeal_create", args=[application.pk]),
            style="outline-danger",
        )
    ]


def ready() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from housing.backoffice.navigation import NavItem
    from housing.backoffice.navigation import register as register_nav

    from ..panels import ApplicationPanel, panel_register
    from . import tasks  # noqa: F401 — registers the Celery task with the worker

    register_nav(
        section="admission",
        section_title=_("准入登记"),
        order=200,
        items=[
            NavItem(_("登记簿"), "admission:registry_list", permission="admission.view_registryentry"),
            NavItem(_("轮候名册"), "admission:registry_waitlist", permission="admission.view_waitlistentry"),
            NavItem(
                _("复核申请"), "admission:registry_appeal_list", permission="admission.view_reviewappeal"
            ),
        ],
    )
    panel_register(
        ApplicationPanel(
            key="registry",
            title=_("通知书与登记"),
            template="admission/registry/_application_panel.html",
            context=_panel_context,
            actions=_panel_actions,
            permission="admission.view_application",
            order=90,
        )
    )
    post_migrate.connect(
        _reference_data_sync, sender=apps.get_app_config("admission"), dispatch_uid="admission.registry.sync"
    )
