"""Units held for one family by an earlier step of allocation (a 选房 pick), which its contract may use.

A unit that is already 已配给 may be contracted only to the family it is held for; the part that holds
units (selection) registers a function giving the ids held for a registry entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_providers: list[Callable[[int], Iterable[int]]] = []


def register_reserved_units(fn: Callable[[int], Iterable[int]]) -> None:
    """``fn(registry_entry_id)`` → ids of the units held for that family; idempotent."""
    if fn not in _providers:
        _providers.append(fn)


def reserved_unit_ids(registry_entry_id: int) -> set[int]:
    ids: set[int] = set()
    for fn in _providers:
        ids.update(fn(registry_entry_id))
    return ids
