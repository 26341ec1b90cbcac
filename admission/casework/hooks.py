"""Called from ``AdmissionConfig.ready()``: register navigation items, detail-page panels, reveal specs,
factor providers and signal receivers of this part here."""

from __future__ import annotations


def ready() -> None:
    pass
