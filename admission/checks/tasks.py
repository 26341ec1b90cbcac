"""Celery entry points of department checks and the automatic path: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="admission.checks.application_checks_on_submission")
def application_checks_on_submission(application_id: int) -> None:
    from .services import application_submission_process

    application_submission_process(application_id=application_id)


@shared_task(name="admission.checks.application_checks_on_resubmission")
def application_checks_on_resubmission(application_id: int) -> None:
    from .services import application_resubmission_checks

    application_resubmission_checks(application_id=application_id)


@shared_task(name="admission.checks.application_automatic_level")
def application_automatic_level(application_id: int) -> None:
    from .services import application_automatic_level as process

    process(application_id=application_id)


@shared_task(name="admission.checks.check_run_execute")
def check_run_execute_task(run_id: int) -> None:
    from .models import CheckRun
    from .services import check_run_execute

    run = CheckRun.objects.filter(pk=run_id).first()
    if run is not None:
        check_run_execute(run=run)
