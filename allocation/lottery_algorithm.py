"""The lottery algorithm HS-LOTTERY-1, written so anyone can recompute a draw (DESIGN §4 rule 9).

Pure Python, no Django: the public verification page, ``manage.py lottery_verify`` and the draw itself use
these functions, and ``docs/lottery.md`` states the same steps in words for a re-implementation in any
language. Changing anything here is a new algorithm version, never an edit of this one.

1. Entrant file: one line per entrant, ``<priority round>\\t<receipt number>\\n`` (ASCII, LF), sorted by
   round (as an integer, ascending), then by receipt number (byte order). Its SHA-256 is published.
2. Seed: the event seed (entered at the draw) alone, or ``<event seed>|<public value>`` when a public
   value was fixed in advance; as UTF-8 bytes it is the HMAC key.
3. Score of an entrant: lowercase hex of HMAC-SHA256(key = seed, message = receipt number in ASCII).
4. Order: by round ascending (priority rounds first), then score ascending (as a string, which is the
   same as comparing the 32 bytes), then receipt number. Rank = position in that order, from 1.
5. Result file: ``<rank>\\t<round>\\t<receipt number>\\t<score>\\n`` in rank order.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

ALGORITHM_VERSION = "HS-LOTTERY-1"
MAX_ROUND = 99_999  # rounds are small integers; the bound lets the draw sort on a fixed-width key

RECEIPT_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,64}$")
SEED_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,64}$")


class LotteryFileError(ValueError):
    """A file or value that is not in the canonical form; the message is shown to people (Chinese)."""


class Entrant(NamedTuple):
    """Compares as (round, receipt number): a tuple, so 200,000 of them are built and sorted quickly."""

    priority_round: int
    receipt_number: str


class DrawnEntrant(NamedTuple):
    rank: int
    priority_round: int
    receipt_number: str
    score: str


def _check_entrant(entrant: Entrant) -> None:
    priority_round, receipt_number = entrant
    if not RECEIPT_PATTERN.match(receipt_number):
        raise LotteryFileError(f"申请编号“{receipt_number}”只能由字母、数字和“-”组成，最长 64 位。")
    if not 1 <= priority_round <= MAX_ROUND:
        raise LotteryFileError(
            f"申请编号 {receipt_number} 的优先轮次必须是从 1 开始的整数（最大 {MAX_ROUND}）。"
        )


# Every receipt number of a list at once: one C-level match over the joined numbers instead of one
# match per entrant; only when it fails are the entrants checked one by one to name the bad one.
_LINE = re.compile(r"([0-9]+)\t([^\n]*)\n")
_RECEIPT_CHARACTERS = re.compile(r"[0-9A-Za-z\n-]*")


def _check_entrants(rows: list[Entrant]) -> None:
    receipts = [e[1] for e in rows]
    receipts_ok = (
        _RECEIPT_CHARACTERS.fullmatch("\n".join(receipts)) is not None
        and min(map(len, receipts), default=1) >= 1
        and max(map(len, receipts), default=1) <= 64
    )
    rounds = [e[0] for e in rows]
    if not receipts_ok or min(rounds, default=1) < 1 or max(rounds, default=1) > MAX_ROUND:
        for entrant in rows:
            _check_entrant(entrant)
    if len(set(receipts)) != len(rows):
        seen: set[str] = set()
        for entrant in sorted(rows):
            if entrant[1] in seen:
                raise LotteryFileError(f"申请编号 {entrant[1]} 重复出现，每户只能参加一次。")
            seen.add(entrant[1])


def canonical_order(entrants: Iterable[Entrant]) -> list[Entrant]:
    rows = list(entrants)
    _check_entrants(rows)
    # Receipt numbers are checked ASCII, where str order is byte order: a plain tuple sort is step 1's.
    rows.sort()
    return rows


def entrant_file(entrants: Iterable[Entrant]) -> bytes:
    """The canonical entrant file (step 1)."""
    return "".join(f"{r}\t{receipt}\n" for r, receipt in canonical_order(entrants)).encode("ascii")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_entrant_file(data: bytes, *, expected_sha256: str = "") -> list[Entrant]:
    """Entrants of a file, refused unless it is exactly canonical (so its hash means one thing).

    With ``expected_sha256`` (the draw reading the file it froze itself) a matching hash stands for the
    canonical check: the file is the one that was checked and published.
    """
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise LotteryFileError("参加人名单文件只能包含 ASCII 字符。") from exc
    if text and not text.endswith("\n"):
        raise LotteryFileError("参加人名单文件的每一行（含最后一行）都必须以换行符（LF）结束。")
    if expected_sha256 and sha256_hex(data) == expected_sha256:
        # The file this system froze and checked itself: read it without re-checking every line, as
        # plain (round, receipt) tuples (a named tuple per line costs more than the whole draw's sort).
        return [(int(r), receipt) for r, receipt in _LINE.findall(text)]
    entrants = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].isdigit():
            raise LotteryFileError(f"第 {number} 行格式不对：应为“轮次<TAB>申请编号”。")
        entrants.append(Entrant(int(parts[0]), parts[1]))
    if entrant_file(entrants) != data:
        raise LotteryFileError("参加人名单文件不是规范格式（排序、换行或空白不符），无法据此核验。")
    return entrants


def final_seed(event_seed: str, public_value: str = "") -> str:
    """Step 2: the seed the HMAC uses."""
    event_seed = event_seed.strip()
    if not SEED_PATTERN.match(event_seed):
        raise LotteryFileError("现场种子只能由字母、数字和“-”组成（例如公证员监督下摇出的 6 位数字）。")
    public_value = public_value.strip()
    if public_value and not SEED_PATTERN.match(public_value):
        raise LotteryFileError("公开参数只能由字母、数字和“-”组成。")
    return f"{event_seed}|{public_value}" if public_value else event_seed


def score(seed: str, receipt_number: str) -> str:
    """Step 3."""
    return hmac.new(seed.encode("utf-8"), receipt_number.encode("ascii"), hashlib.sha256).hexdigest()


def _scorer(seed: str):
    """``score`` for one seed, fast: HMAC (RFC 2104) from the key's inner and outer pads hashed once.

    hmac.new per entrant rebuilds both pads every time; copying the two prepared SHA-256 states gives
    the same value (tests compare it with ``score``) in about a third of the time (bench/lottery.py).
    """
    key = seed.encode("utf-8")
    if len(key) > 64:  # longer than SHA-256's block: the key is its hash (RFC 2104 §2)
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    inner_copy, outer_copy = inner.copy, outer.copy

    def score_of(receipt_number: str) -> str:
        i = inner_copy()
        i.update(receipt_number.encode("ascii"))
        o = outer_copy()
        o.update(i.digest())
        return o.hexdigest()

    return score_of


def draw_order(entrants: Iterable[Entrant], seed: str) -> tuple[list[Entrant], list[str], list[int]]:
    """Steps 3–4 without building a row object per entrant: the entrants, their scores, and the
    entrants' indexes in rank order (what the draw stores; ``draw`` is the same as objects).

    The order key is one string per entrant, ``<round, 5 digits> <score> <receipt>``: the round is
    zero-padded and the score has a fixed width, so comparing these strings compares (round, score,
    receipt) exactly as step 4 says, at the speed of one string comparison (bench/lottery.py).
    """
    rows = list(entrants)
    _check_entrants(rows)
    score_of = _scorer(seed)
    scores = [score_of(receipt) for _round, receipt in rows]
    keys = [f"{r:05d} {score} {receipt}" for (r, receipt), score in zip(rows, scores, strict=True)]
    order = sorted(range(len(rows)), key=keys.__getitem__)
    return rows, scores, order


def draw(entrants: Iterable[Entrant], seed: str) -> list[DrawnEntrant]:
    """Steps 3–4: every entrant with its rank."""
    rows, scores, order = draw_order(entrants, seed)
    return [DrawnEntrant(rank, rows[i][0], rows[i][1], scores[i]) for rank, i in enumerate(order, start=1)]


def result_file(drawn: Iterable[DrawnEntrant]) -> bytes:
    """Step 5."""
    return "".join(f"{d.rank}\t{d.priority_round}\t{d.receipt_number}\t{d.score}\n" for d in drawn).encode(
        "ascii"
    )


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str
    entrant_sha256: str
    result_sha256: str


def verify(*, entrant_bytes: bytes, seed: str, result_bytes: bytes) -> Verification:
    """Recompute the draw from the entrant file and seed and compare it with a published result file."""
    entrants = parse_entrant_file(entrant_bytes)
    expected = result_file(draw(entrants, seed))
    entrant_hash, result_hash = sha256_hex(entrant_bytes), sha256_hex(expected)
    if expected == result_bytes:
        return Verification(
            True, f"核验一致：{len(entrants)} 户的顺序与公布结果完全相同。", entrant_hash, result_hash
        )
    got = result_bytes.decode("ascii", errors="replace").splitlines()
    for number, line in enumerate(expected.decode("ascii").splitlines(), start=1):
        if number > len(got) or got[number - 1] != line:
            shown = got[number - 1] if number <= len(got) else "（缺少此行）"
            return Verification(
                False,
                f"核验不一致：第 {number} 行应为“{line}”，公布结果为“{shown}”。",
                entrant_hash,
                result_hash,
            )
    return Verification(False, "核验不一致：公布结果的行数多于参加人数。", entrant_hash, result_hash)
