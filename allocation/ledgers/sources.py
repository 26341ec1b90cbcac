"""The movement source registry: where ledger movements (收支明细) come from.

A source reads the records that own a fact (a unit handed over, a family entering guarantee, money
allocated …) and yields one ``MovementSpec`` per movement in a date range. The ledger build records
them idempotently (unique ``source_kind`` + ``source_key``). Later parts plug in their own facts
(subsidy payments, rent income) with ``register_source`` from their ``hooks.ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

GUARANTEE = "guarantee"  # A.6.1/A.6.2
SUPPORT = "support"  # A.6.3/A.6.4


@dataclass(frozen=True)
class MovementSpec:
    """One movement as a source describes it; quantities are positive, ``direction`` gives the sign."""

    ledger: str  # GUARANTEE or SUPPORT
    source_kind: str
    source_key: str
    ledger_class: str
    region_code: str
    direction: str  # Direction.INCOME / EXPENSE
    resource_category: str
    received_on: datetime.date
    amount: Decimal = Decimal("0")
    units: int = 0
    floor_area: Decimal = Decimal("0")
    households: int = 0
    persons: int = 0
    land_area: Decimal = Decimal("0")
    batch_number: str = ""
    handed_over_by: str = ""
    received_by: str = ""


@dataclass(frozen=True)
class MovementSource:
    """``movements(date_from, date_to)`` yields the specs whose date lies in the range (None: open)."""

    kind: str  # the source_kind of its movements, unique among sources
    label: str
    movements: Callable[[datetime.date | None, datetime.date], Iterable[MovementSpec]] = field(compare=False)


_SOURCES: dict[str, MovementSource] = {}


def register_source(source: MovementSource) -> None:
    """Register (or replace, so a reload is harmless) the source of ``source.kind``."""
    _SOURCES[source.kind] = source


def registered_sources() -> list[MovementSource]:
    return list(_SOURCES.values())
