"""Models of 选房 (A.7.1–A.7.2): sessions in time slots, the call order, picks that never give a unit twice, the live board."""

from __future__ import annotations

__all__: list[str] = []
