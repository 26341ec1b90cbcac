"""Reads of allocation: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import OuterRef, QuerySet, Subquery

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from . import lottery_algorithm as algorithm
from .models import Lottery, LotteryEntrant, LotteryResult, LotteryState


def lottery_list(*, user) -> QuerySet[Lottery]:
    return scope_queryset(Lottery.objects.defer("entrant_file", "entrant_details"), user)


def lottery_get_for_user(*, user, pk: int) -> Lottery:
    return get_in_scope_or_404(Lottery.objects.defer("entrant_file", "entrant_details"), user, pk=pk)


def lottery_public_list() -> QuerySet[Lottery]:
    """摇号公告: every lottery whose list is frozen (hash published), newest first."""
    return (
        Lottery.objects.exclude(state=LotteryState.DRAFT)
        .defer("entrant_file", "entrant_details")
        .order_by("-pk")
    )


def lottery_public_get(*, number: str) -> Lottery:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(lottery_public_list(), number=number)


def lottery_entrants(*, lottery: Lottery, receipt_number: str = "") -> QuerySet:
    """The results in rank order once drawn, otherwise the entrants in the entrant file's order;
    with ``receipt_number``, that one family's row (or none)."""
    entrants = LotteryEntrant.objects.filter(lottery=lottery)
    if not lottery.drawn_at:
        if receipt_number:
            entrants = entrants.filter(receipt_number=receipt_number)
        return entrants.only("receipt_number", "priority_round", "masked_name").order_by(
            "priority_round", "receipt_number"
        )
    names = entrants.filter(receipt_number=OuterRef("receipt_number"))
    results = (
        LotteryResult.objects.filter(lottery=lottery)
        .annotate(masked_name=Subquery(names.values("masked_name")[:1]))
        .order_by("rank")
    )
    if receipt_number:
        results = results.filter(**_result_key(lottery, receipt_number))
    return results


def _result_key(lottery: Lottery, receipt_number: str) -> dict:
    """Where one family's result row is: its round (from the entrant list) and its score, recomputed
    from the published seed. The result rows are indexed in rank order on (round, score), which the
    draw writes sequentially, rather than on the receipt number (LOTTERY_ROWS_FK, bench/lottery.py)."""
    entrant = (
        LotteryEntrant.objects.filter(lottery=lottery, receipt_number=receipt_number)
        .values_list("priority_round", flat=True)
        .first()
    )
    if entrant is None or not algorithm.RECEIPT_PATTERN.match(receipt_number):
        return {"pk__in": []}
    return {"priority_round": entrant, "score": algorithm.score(lottery.seed, receipt_number)}


def lottery_result_lines(*, lottery: Lottery) -> Iterator[bytes]:
    """The result file (algorithm step 5), streamed from the stored ranks; in the moment after the draw
    before they are written, computed from the frozen file and the seed (the same lines, by definition)."""
    if lottery.result_rows_at is None:
        frozen = Lottery.objects.only("entrant_file", "entrant_sha256").get(pk=lottery.pk)
        entrants = algorithm.parse_entrant_file(
            frozen.entrant_file.encode("ascii"), expected_sha256=frozen.entrant_sha256
        )
        yield algorithm.result_file(algorithm.draw(entrants, lottery.seed))
        return
    rows = (
        LotteryResult.objects.filter(lottery=lottery)
        .order_by("rank")
        .values_list("rank", "priority_round", "receipt_number", "score")
    )
    for rank, priority_round, receipt, score in rows.iterator(chunk_size=5000):
        yield algorithm.result_file([algorithm.DrawnEntrant(rank, priority_round, receipt, score)])
