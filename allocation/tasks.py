"""Celery's autodiscovery finds ``allocation.tasks`` only: the parts' task modules are imported here so
the worker and beat know them (tests/test_beat_schedule.py checks every scheduled name)."""

from celery import shared_task  # noqa: E402

from .annual_review import tasks as annual_review_tasks  # noqa: F401
from .contracts import tasks as contracts_tasks  # noqa: F401
from .exits import tasks as exits_tasks  # noqa: F401
from .ledgers import tasks as ledgers_tasks  # noqa: F401
from .selection import tasks as selection_tasks  # noqa: F401
from .subsidies import tasks as subsidies_tasks  # noqa: F401
from .tenancy import tasks as tenancy_tasks  # noqa: F401


@shared_task(acks_late=True)
def lottery_store_rows(lottery_id: int) -> None:
    """The entrant and result rows of a lottery, written after its freeze or draw commits (idempotent)."""
    from .services import lottery_rows_store

    lottery_rows_store(lottery_id=lottery_id)
