"""The algorithm as docs/lottery.md states it: the documented vector, determinism, rounds, canonical files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocation import lottery_algorithm as algorithm

DOC = (Path(__file__).resolve().parents[2] / "docs" / "lottery.md").read_text(encoding="utf-8")


def _code_blocks() -> list[str]:
    return re.findall(r"```\n(.*?)```", DOC, flags=re.S)


def test_the_documented_vector_is_what_the_implementation_computes():
    entrant_text, result_text = _code_blocks()[:2]
    entrant_bytes = entrant_text.encode("ascii")
    entrant_sha = re.search(r"名单 SHA-256：`([0-9a-f]{64})`", DOC).group(1)
    result_sha = re.search(r"结果 SHA-256：`([0-9a-f]{64})`", DOC).group(1)
    seed = algorithm.final_seed("204815", "20261120-3388")
    assert seed == "204815|20261120-3388"
    assert algorithm.sha256_hex(entrant_bytes) == entrant_sha
    drawn = algorithm.draw(algorithm.parse_entrant_file(entrant_bytes), seed)
    assert algorithm.result_file(drawn).decode("ascii") == result_text
    assert algorithm.sha256_hex(algorithm.result_file(drawn)) == result_sha


def _entrants(n: int, rounds: int = 1) -> list[algorithm.Entrant]:
    return [algorithm.Entrant(1 + i % rounds, f"SQ-440402-2026-{i:06d}") for i in range(n)]


def test_the_same_entrants_and_seed_always_give_the_same_order_whatever_the_input_order():
    entrants = _entrants(500, rounds=2)
    first = algorithm.draw(entrants, "123456")
    again = algorithm.draw(list(reversed(entrants)), "123456")
    assert first == again
    assert algorithm.draw(entrants, "123457") != first


def test_priority_rounds_are_drawn_first():
    drawn = algorithm.draw(_entrants(300, rounds=3), "654321")
    assert [d.priority_round for d in drawn] == sorted(d.priority_round for d in drawn)
    assert [d.rank for d in drawn] == list(range(1, 301))


def test_changing_one_receipt_number_changes_the_published_hash():
    entrants = _entrants(100)
    changed = [*entrants[:-1], algorithm.Entrant(1, "SQ-440402-2026-999999")]
    assert algorithm.sha256_hex(algorithm.entrant_file(entrants)) != algorithm.sha256_hex(
        algorithm.entrant_file(changed)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"1\tB\n1\tA\n", "不是规范格式"),
        (b"1\tA", "换行符"),
        (b"1 A\n", "第 1 行格式不对"),
        (b"1\tA\n1\tA\n", "重复出现"),
        ("1\t张三\n".encode(), "ASCII"),
        (b"0\tA\n", "从 1 开始"),
    ],
)
def test_a_file_that_is_not_canonical_is_refused_with_a_reason(data, message):
    with pytest.raises(algorithm.LotteryFileError, match=message):
        algorithm.parse_entrant_file(data)


def test_a_tampered_result_is_reported_at_its_first_different_line():
    entrants = _entrants(10)
    data = algorithm.entrant_file(entrants)
    result = algorithm.result_file(algorithm.draw(entrants, "111111")).decode().splitlines(keepends=True)
    result[0], result[1] = result[1], result[0]
    outcome = algorithm.verify(entrant_bytes=data, seed="111111", result_bytes="".join(result).encode())
    assert not outcome.ok and "第 1 行" in outcome.message
    genuine = algorithm.result_file(algorithm.draw(entrants, "111111"))
    assert algorithm.verify(entrant_bytes=data, seed="111111", result_bytes=genuine).ok


def test_a_seed_with_spaces_or_chinese_is_refused():
    for bad in ("", "12 34", "一二三"):
        with pytest.raises(algorithm.LotteryFileError):
            algorithm.final_seed(bad)


@given(
    st.sets(st.from_regex(r"[0-9A-Z-]{1,20}", fullmatch=True), min_size=1, max_size=40),
    st.text("0123456789", min_size=1, max_size=8),
)
def test_every_entrant_gets_exactly_one_rank(receipts, seed):
    drawn = algorithm.draw([algorithm.Entrant(1, r) for r in receipts], seed)
    assert sorted(d.receipt_number for d in drawn) == sorted(receipts)
    assert [d.rank for d in drawn] == list(range(1, len(receipts) + 1))


@pytest.mark.parametrize("seed", ["204815", "204815|3388", "9" * 64 + "|" + "A" * 64])
def test_the_draws_fast_hmac_gives_the_documented_hmac_sha256_for_short_and_long_seeds(seed):
    receipts = [f"SQ-440402-2026-{i:06d}" for i in range(50)]
    drawn = algorithm.draw([algorithm.Entrant(1, r) for r in receipts], seed)
    assert {d.receipt_number: d.score for d in drawn} == {r: algorithm.score(seed, r) for r in receipts}
