"""Allocation tests: work queued after a commit runs at once.

The tests run inside a transaction that never commits, so ``transaction.on_commit`` would never fire;
the lottery's rows (written after the freeze and the draw commit, ``lottery_rows_store``) are written
immediately instead, as the worker does a moment after the commit in production.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _lottery_rows_at_once(monkeypatch):
    from allocation.services import lottery

    monkeypatch.setattr(lottery, "after_commit", lambda func: func())
