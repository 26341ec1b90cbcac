"""Models of allocation, one module per topic."""

from .lottery import Lottery, LotteryEntrant, LotteryResult, LotteryState

__all__ = ["Lottery", "LotteryEntrant", "LotteryResult", "LotteryState"]
