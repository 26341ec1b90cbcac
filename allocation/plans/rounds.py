"""Round starters: what publishing a plan sets going, registered by the parts that run the rounds.

The selection part registers a starter for the waitlist method (it opens a selection session from the
plan's invited families and offered units). ``allocation_plan_publish`` calls every starter of the plan's
method after the publication commits, so a failing starter never undoes the publication; its error is
logged and the plan page still offers the next step by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

RoundStarter = Callable[..., object]
_starters: dict[str, list[RoundStarter]] = {}


def register_round_starter(method: str, fn: RoundStarter) -> None:
    """Register ``fn(plan=..., actor=...)`` for plans of ``method`` (``AllocationMethod`` value); idempotent."""
    starters = _starters.setdefault(method, [])
    if fn not in starters:
        starters.append(fn)


def round_starters(method: str) -> list[RoundStarter]:
    return list(_starters.get(method, ()))


def start_rounds(*, plan, actor) -> None:
    """Call every starter of the plan's method (after commit)."""
    for fn in round_starters(plan.method):
        try:
            fn(plan=plan, actor=actor)
        except Exception:  # one part's failure must not stop the others, nor the publication
            logger.exception("round starter %r failed for allocation plan %s", fn, plan.pk)
