"""Celery entry points of 补贴发放 (scheduled in ``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def subsidy_due_run_task(period: str, project_code: str, actor_id: int | None = None) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from .services import subsidy_due_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return subsidy_due_run(period=period, project_code=project_code, actor=actor)


@shared_task(acks_late=True)
def subsidy_due_run_monthly() -> dict[str, dict[str, int]]:
    """Monthly: this month's due rows of every project with rent-subsidy agreements (idempotent)."""
    from django.utils import timezone

    from ..contracts.models import Contract, ContractKind
    from .services import subsidy_due_run

    period = timezone.localdate().strftime("%Y-%m")
    projects = (
        Contract.objects.filter(kind=ContractKind.RENT_SUBSIDY)
        .values_list("registry_entry__project_code", flat=True)
        .distinct()
    )
    return {code: subsidy_due_run(period=period, project_code=code, actor=None) for code in projects}
