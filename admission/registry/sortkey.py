"""The waitlist sort key as text: the database orders a waitlist the way ``sorted(key=rule.key)`` would.

``rules.ordering.OrderingRule.key(facts)`` gives a tuple of ``(flag, value)`` pairs (numbers, dates,
text). Stored as a tuple it could not be ordered by SQL, so each scalar is written in a form whose
plain text order is its value order:

- a number (or a date, as its ordinal; a boolean as 0/1): ``a`` + 25 digits of ``value × 10⁴ + 10²⁴``
  (fixed width; negative values — the descending criteria — stay in order);
- a text: ``b`` + its UTF-8 bytes in hex + ``00`` (no UTF-8 byte is 00, so a shorter text that is a
  prefix of a longer one sorts first, and the next element starts at a clean boundary).

Only ``0-9a-f`` are used, which every collation (C, ICU, glibc) orders by code point, so ``ORDER BY`` and
``<`` agree on PostgreSQL and SQLite alike. A key that could not be computed starts with ``1`` instead of
``0`` and sorts after every computed one; the registration instant (microseconds, 20 digits) ends every
key: among equal keys, first registered first.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SCALE = Decimal(10_000)
OFFSET = 10**24
WIDTH = 25
COMPUTED, NOT_COMPUTED = "0", "1"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = Decimal(str(value.timestamp()))
    elif isinstance(value, datetime.date):
        value = value.toordinal()
    if isinstance(value, int | Decimal):
        scaled = int((Decimal(value) * SCALE).to_integral_value(rounding=ROUND_HALF_UP)) + OFFSET
        if not 0 <= scaled < 10**WIDTH:
            raise ValueError(f"sort value out of range: {value!r}")
        return f"a{scaled:0{WIDTH}d}"
    if isinstance(value, str):
        return "b" + value.encode("utf-8").hex() + "00"
    raise ValueError(f"cannot encode sort value of type {type(value).__name__}")


def encode_rule_key(key: tuple) -> str:
    """The ordering rule's key tuple as order-preserving text (without the prefix and the instant)."""
    parts: list[str] = []
    for element in key:
        if isinstance(element, tuple | list):
            parts.extend(_scalar(value) for value in element)
        else:
            parts.append(_scalar(element))
    return "".join(parts)


def _instant(registered_at: datetime.datetime) -> str:
    micros = int(registered_at.timestamp() * 1_000_000)
    return f"{micros:020d}"


def waitlist_sort_key(rule_key: tuple | None, *, registered_at: datetime.datetime) -> str:
    """The stored key: ``0`` + encoded rule key, or ``1`` when none could be computed; then the instant."""
    if rule_key is None:
        return NOT_COMPUTED + _instant(registered_at)
    return COMPUTED + encode_rule_key(rule_key) + _instant(registered_at)
