"""Reads of the workflow. (The task inbox is filled in by the workflow subsystem.)"""

from __future__ import annotations


def task_inbox(*, user) -> list:
    return []
