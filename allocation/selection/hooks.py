"""Called from ``AllocationConfig.ready()``: this part's navigation items, providers and signals."""

from __future__ import annotations


def ready() -> None:
    pass
