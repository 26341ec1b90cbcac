"""Writes of allocation, one module per topic."""

from .lottery import (
    EntrantSpec,
    lottery_create,
    lottery_draw,
    lottery_freeze,
    lottery_rows_store,
    lottery_void_confirm,
    lottery_void_request,
)
from .lottery_entrants import lottery_entrants_from_waitlist

__all__ = [
    "EntrantSpec",
    "lottery_create",
    "lottery_draw",
    "lottery_entrants_from_waitlist",
    "lottery_freeze",
    "lottery_rows_store",
    "lottery_void_confirm",
    "lottery_void_request",
]
