"""Models of 轮候 in allocation: refusals, removal after the limit, readable position changes, the waiting-period limit."""

from __future__ import annotations

__all__: list[str] = []
