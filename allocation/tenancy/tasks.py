"""Celery entry points of 租金 (scheduled in ``settings.CELERY_BEAT_SCHEDULE``): thin wrappers of the services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def run_rent_receivables(run_id: int) -> dict[str, int | str]:
    """One run started from the back office (生成本月应收): re-runnable, idempotent."""
    from .services import rent_run_execute

    run = rent_run_execute(run_id=run_id)
    return {"period": run.period, "created": run.created, "existing": run.existing}


@shared_task(acks_late=True)
def build_monthly_rent_receivables() -> dict[str, int | str]:
    """Monthly (beat): this month's receivables; run daily it adds only move-ins new since the last run."""
    from housing.accounts.system import system_actor

    from .services import rent_receivables_run

    result = rent_receivables_run(timezone.localdate().strftime("%Y-%m"), system_actor())
    return {"period": result.period, "created": result.created, "existing": result.existing}


@shared_task(acks_late=True)
def send_rent_reminders() -> dict[str, int]:
    """Daily (beat): 催缴短信 for rent still owed; idempotent per receivable and round."""
    from .reminders import rent_reminders_send

    return rent_reminders_send()
