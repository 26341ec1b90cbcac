"""Called from ``AllocationConfig.ready()``: this part's navigation items, admin and Celery task, the
round starter of waitlist plans, and the units its picks hold for contracts."""

from __future__ import annotations


def ready() -> None:
    from django.utils.translation import gettext_lazy as _

    from allocation.contracts.reservations import register_reserved_units
    from allocation.plans.models import AllocationMethod
    from allocation.plans.rounds import register_round_starter
    from housing.backoffice.navigation import NavItem, register

    from . import admin, tasks  # noqa: F401 — register the admin and the Celery task
    from .plan_rounds import start_waitlist_plan_round

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[
            NavItem(
                _("选房"), "allocation:selection_session_list", permission="allocation.view_selectionsession"
            )
        ],
    )
    # A published 按轮候顺序 plan opens its selection session at once; a lottery plan's after the draw.
    register_round_starter(AllocationMethod.WAITLIST, start_waitlist_plan_round)
    # A family's live pick holds its unit (已配给) for that family's contract only.
    register_reserved_units(_units_picked_by)


def _units_picked_by(registry_entry_id: int) -> list[int]:
    from .models import PickState, SelectionPick

    return list(
        SelectionPick.objects.filter(registry_entry_id=registry_entry_id, state=PickState.ACTIVE).values_list(
            "unit_id", flat=True
        )
    )
