"""Celery's autodiscovery finds ``allocation.tasks`` only: the parts' task modules are imported here so
the worker and beat know them (tests/test_beat_schedule.py checks every scheduled name)."""

from .contracts import tasks as contracts_tasks  # noqa: F401
from .ledgers import tasks as ledgers_tasks  # noqa: F401
from .selection import tasks as selection_tasks  # noqa: F401
