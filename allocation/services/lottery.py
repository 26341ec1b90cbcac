"""Writes of a lottery: create → freeze the entrant list → draw with the event seed → (void, by two people).

Each step is one FSM transition recorded in process ``allocation_lottery``. The draw itself is
``allocation.lottery_algorithm``; this module only stores its inputs and outputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.workflow.services import workflow_record_transition

from .. import lottery_algorithm as algorithm
from ..models import Lottery, LotteryEntrant, LotteryResult, LotteryState
from ..workflow import LOTTERY_PROCESS_CODE

CHUNK = 5000
COPY_CHUNK = 20_000
NULL = "\\N"  # COPY's text format for NULL


@dataclass(frozen=True)
class EntrantSpec:
    receipt_number: str
    priority_round: int = 1
    masked_name: str = ""
    family_id: int | None = None


def _require(actor, permission: str, lottery: Lottery) -> None:
    if not actor.has_perm(permission) or not code_in_scope(actor, lottery.region_code):
        raise PermissionDenied(_("您没有办理此摇号的权限。"))


def _record(
    lottery: Lottery, *, actor, name: str, from_state: str, opinion: str, next_node: str | None
) -> None:
    workflow_record_transition(
        obj=lottery,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=lottery.state,
        opinion=opinion,
        process_code=LOTTERY_PROCESS_CODE,
        next_node_code=next_node,
    )


def _next_number(region_code: str) -> str:
    year = timezone.localdate().year
    prefix = f"YH-{region_code[:6]}-{year}-"
    last = (
        Lottery.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


@transaction.atomic
def lottery_create(
    *,
    name: str,
    region_code: str,
    actor,
    project_code: str = "",
    mode_code: str = "",
    description: str = "",
    public_value: str = "",
    scheduled_at=None,
) -> Lottery:
    """A lottery in preparation (准备中). ``public_value`` is fixed now, before anyone knows the list."""
    if not actor.has_perm("allocation.run_lottery") or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有在该区划组织摇号的权限。"))
    if public_value.strip():
        try:
            algorithm.final_seed("0", public_value)
        except algorithm.LotteryFileError as exc:
            raise ValidationError({"public_value": str(exc)}) from exc
    lottery = Lottery(
        number=_next_number(region_code),
        name=name.strip(),
        region_code=region_code,
        project_code=project_code,
        mode_code=mode_code,
        description=description,
        public_value=public_value.strip(),
        scheduled_at=scheduled_at,
        created_by=actor,
    )
    lottery.full_clean(exclude=["state"])
    lottery.save()
    return lottery


@transaction.atomic
def lottery_freeze(*, lottery: Lottery, entrants: Iterable[EntrantSpec], actor, opinion: str = "") -> Lottery:
    """锁定名单: write the entrants, the canonical file, its SHA-256 and count; nothing changes them after."""
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    _require(actor, "allocation.run_lottery", lottery)
    if not django_fsm.can_proceed(lottery.freeze):
        raise ValidationError(_("摇号名单已锁定，不能再次锁定或修改。"))
    specs = list(entrants)
    if not specs:
        raise ValidationError(_("没有参加摇号的家庭，不能锁定名单。"))
    try:
        data = algorithm.entrant_file((spec.priority_round, spec.receipt_number) for spec in specs)
    except algorithm.LotteryFileError as exc:
        raise ValidationError(str(exc)) from exc
    # In the file's order: the (lottery, receipt number) index then grows at its end, not at random.
    specs.sort(key=attrgetter("priority_round", "receipt_number"))
    from_state = lottery.state
    lottery.freeze()
    lottery.entrant_file = data.decode("ascii")
    # The rows (one per entrant, for the list's pages) are written after commit from the file and these
    # details (``lottery_rows_store``): the freeze itself stays one small write (bench/lottery.py).
    lottery.entrant_details = _entrant_details(specs)
    lottery.entrant_sha256 = algorithm.sha256_hex(data)
    lottery.entrant_count = len(specs)
    lottery.frozen_at = timezone.now()
    lottery.frozen_by = actor
    lottery.save()
    _record(
        lottery,
        actor=actor,
        name="freeze",
        from_state=from_state,
        opinion=opinion
        or _("名单已锁定：%(n)s 户，SHA-256 %(h)s") % {"n": len(specs), "h": lottery.entrant_sha256},
        next_node="draw",
    )
    _store_rows_after_commit(lottery.pk)
    return lottery


def _entrant_details(specs: list[EntrantSpec]) -> str:
    """One line ``<masked name>\t<family id or \\N>`` per entrant, in the file's order."""
    names = "\n".join(spec.masked_name for spec in specs)
    if "\t" in names or "\\" in names or "\r" in names or names.count("\n") != len(specs) - 1:
        names = "\n".join(_clean(spec.masked_name) for spec in specs)  # rare: clean name by name
    families = [NULL if spec.family_id is None else str(spec.family_id) for spec in specs]
    return "".join(f"{name}\t{family}\n" for name, family in zip(names.split("\n"), families, strict=True))


def _copy(table: str, columns: str, chunks: Iterable[str]) -> None:
    """PostgreSQL COPY of tab-separated lines (values here never contain tabs, newlines or backslashes:
    receipt numbers and scores are checked ASCII, masked names are cleaned).

    Each chunk (many lines) is sent as it is made, so the server stores one chunk while Python builds
    the next (the two run on different cores: bench/lottery.py).
    """
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write(chunk)


def _clean(text: str) -> str:
    return text.replace("\\", "").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _null(value) -> str:
    return NULL if value is None else str(value)


def _store_entrants(lottery: Lottery, specs: list[EntrantSpec]) -> None:
    if connection.vendor == "postgresql":
        # COPY from one buffer: 200,000 rows in about a second, where INSERTs take several (bench/lottery.py).
        pk = lottery.pk
        _copy(
            "allocation_lotteryentrant",
            "lottery_id, receipt_number, priority_round, masked_name, family_id",
            (
                "".join(
                    f"{pk}\t{s.receipt_number}\t{s.priority_round}\t{_clean(s.masked_name)}\t{_null(s.family_id)}\n"
                    for s in specs[start : start + COPY_CHUNK]
                )
                for start in range(0, len(specs), COPY_CHUNK)
            ),
        )
        return
    for start in range(0, len(specs), CHUNK):
        LotteryEntrant.objects.bulk_create(
            LotteryEntrant(
                lottery=lottery,
                receipt_number=spec.receipt_number,
                priority_round=spec.priority_round,
                masked_name=spec.masked_name,
                family_id=spec.family_id,
            )
            for spec in specs[start : start + CHUNK]
        )


def _result_lines(rows: list, scores: list[str], order: list[int]) -> Iterator[bytes]:
    """The result file (algorithm step 5) in chunks of lines, as the draw hashes it and the rows store it."""
    for start in range(0, len(order), COPY_CHUNK):
        yield "".join(
            f"{rank}\t{rows[i][0]}\t{rows[i][1]}\t{scores[i]}\n"
            for rank, i in enumerate(order[start : start + COPY_CHUNK], start=start + 1)
        ).encode("ascii")


def _store_results(lottery: Lottery, rows: list, scores: list[str], order: list[int]) -> str:
    """Store the ranks and return the SHA-256 of the result file made from the same lines."""
    pk = lottery.pk
    if connection.vendor != "postgresql":
        LotteryResult.objects.bulk_create(
            (
                LotteryResult(
                    lottery_id=pk,
                    rank=rank,
                    priority_round=rows[i][0],
                    receipt_number=rows[i][1],
                    score=scores[i],
                )
                for rank, i in enumerate(order, start=1)
            ),
            batch_size=CHUNK,
        )
        return algorithm.sha256_hex(b"".join(_result_lines(rows, scores, order)))
    digest = hashlib.sha256()
    prefix = f"{pk}\t"

    def copy_chunks():
        # The result file's lines, hashed as they are sent, are the COPY's lines behind the lottery id.
        for chunk in _result_lines(rows, scores, order):
            digest.update(chunk)
            text = chunk.decode("ascii")
            yield prefix + text[:-1].replace("\n", "\n" + prefix) + "\n"

    _copy(
        "allocation_lotteryresult", "lottery_id, rank, priority_round, receipt_number, score", copy_chunks()
    )
    return digest.hexdigest()


# --- the rows behind the pages, written after the freeze or draw commits ------------------------------


def after_commit(func) -> None:
    """``transaction.on_commit``; the allocation tests run it at once (allocation/conftest.py)."""
    transaction.on_commit(func)


def _store_rows_after_commit(lottery_id: int) -> None:
    def queue() -> None:
        from ..tasks import lottery_store_rows

        lottery_store_rows.delay(lottery_id)

    after_commit(queue)


@transaction.atomic
def lottery_rows_store(*, lottery_id: int) -> Lottery:
    """Write the entrant rows after a freeze and the result rows after a draw (idempotent).

    The frozen file with its published SHA-256, the seed and the result's SHA-256 are the record; the
    rows are the same data laid out for the pages (paginated lists, a family's rank by receipt number).
    The result rows are recomputed from the file and the seed with the published algorithm and stored
    only if they hash to the published result SHA-256, so a row can never differ from what was announced.
    """
    lottery = Lottery.objects.select_for_update().get(pk=lottery_id)
    if lottery.frozen_at is None or lottery.state == LotteryState.DRAFT:
        return lottery
    now, fields = timezone.now(), []
    if lottery.entrant_rows_at is None:
        entrants = _frozen_entrants(lottery)
        details = lottery.entrant_details.splitlines()
        if len(details) != len(entrants):
            raise ValidationError(_("参加人明细与名单文件的户数不符，不能写入名单明细。"))
        specs = []
        for (priority_round, receipt), line in zip(entrants, details, strict=True):
            name, family = line.split("\t")
            specs.append(EntrantSpec(receipt, priority_round, name, None if family == NULL else int(family)))
        _store_entrants(lottery, specs)
        lottery.entrant_rows_at = now
        fields.append("entrant_rows_at")
    if lottery.drawn_at is not None and lottery.result_rows_at is None:
        rows, scores, order = algorithm.draw_order(_frozen_entrants(lottery), lottery.seed)
        if _store_results(lottery, rows, scores, order) != lottery.result_sha256:
            raise ValidationError(_("重算的摇号结果与已公布的结果SHA-256不符，未写入结果明细。"))
        lottery.result_rows_at = now
        fields.append("result_rows_at")
    if fields:
        lottery.save(update_fields=fields)
    return lottery


def _frozen_entrants(lottery: Lottery) -> list:
    return algorithm.parse_entrant_file(
        lottery.entrant_file.encode("ascii"), expected_sha256=lottery.entrant_sha256
    )


@transaction.atomic
def lottery_draw(*, lottery: Lottery, event_seed: str, actor, opinion: str = "") -> Lottery:
    """摇号: combine the event seed with the public value, rank every entrant, store seed and result hash.

    Runs once: a drawn lottery can only be voided (DESIGN §4 rule 9).
    """
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    _require(actor, "allocation.run_lottery", lottery)
    if lottery.state != LotteryState.FROZEN:
        raise ValidationError(
            _("本次摇号当前为“%(state)s”，不能摇号：每次摇号只能进行一次，名单须先锁定。")
            % {"state": lottery.get_state_display()}
        )
    try:
        seed = algorithm.final_seed(event_seed, lottery.public_value)
    except algorithm.LotteryFileError as exc:
        raise ValidationError({"event_seed": str(exc)}) from exc
    rows, scores, order = algorithm.draw_order(_frozen_entrants(lottery), seed)
    result_sha256 = algorithm.sha256_hex(b"".join(_result_lines(rows, scores, order)))
    from_state = lottery.state
    lottery.draw()
    lottery.event_seed = event_seed.strip()
    lottery.seed = seed
    lottery.algorithm_version = algorithm.ALGORITHM_VERSION
    lottery.result_sha256 = result_sha256
    lottery.drawn_at = timezone.now()
    lottery.drawn_by = actor
    # Not the 5 MB entrant file again: only what the draw wrote.
    lottery.save(
        update_fields=[
            "state",
            "event_seed",
            "seed",
            "algorithm_version",
            "result_sha256",
            "drawn_at",
            "drawn_by",
        ]
    )
    _record(
        lottery,
        actor=actor,
        name="draw",
        from_state=from_state,
        opinion=opinion
        or _("现场种子 %(seed)s，算法 %(alg)s") % {"seed": seed, "alg": lottery.algorithm_version},
        next_node="published",
    )
    _store_rows_after_commit(lottery.pk)
    return lottery


@transaction.atomic
def lottery_void_request(*, lottery: Lottery, actor, reason: str) -> Lottery:
    """作废申请: the first of the two people; the result stays published until a second person confirms."""
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    _require(actor, "allocation.void_lottery", lottery)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废原因。")})
    if lottery.state != LotteryState.DRAWN:
        raise ValidationError(_("只有已摇号的结果可以申请作废。"))
    if lottery.void_requested_by_id:
        raise ValidationError(_("已有人申请作废，等待另一人复核。"))
    lottery.void_reason = reason
    lottery.void_requested_at = timezone.now()
    lottery.void_requested_by = actor
    lottery.save(update_fields=["void_reason", "void_requested_at", "void_requested_by"])
    _record(
        lottery,
        actor=actor,
        name="void_request",
        from_state=lottery.state,
        opinion=reason,
        next_node="published",
    )
    _store_rows_after_commit(lottery.pk)
    return lottery


@transaction.atomic
def lottery_void_confirm(*, lottery: Lottery, actor, opinion: str = "") -> Lottery:
    """作废复核: a second person confirms; the portal then shows the void notice with the reason."""
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    _require(actor, "allocation.void_lottery", lottery)
    if not lottery.void_pending:
        raise ValidationError(_("没有待复核的作废申请。"))
    if lottery.void_requested_by_id == actor.pk:
        raise ValidationError(_("作废须由另一人复核，申请人不能自己复核。"))
    from_state = lottery.state
    lottery.void()
    lottery.voided_at = timezone.now()
    lottery.voided_by = actor
    lottery.save(update_fields=["state", "voided_at", "voided_by"])
    _record(
        lottery,
        actor=actor,
        name="void",
        from_state=from_state,
        opinion=opinion or _("复核同意作废：%(reason)s") % {"reason": lottery.void_reason},
        next_node="voided",
    )
    return lottery
