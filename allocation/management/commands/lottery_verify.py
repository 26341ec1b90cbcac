"""manage.py lottery_verify --entrants FILE --seed SEED [--result FILE | --lottery NUMBER]

Recomputes a draw from the published entrant file and seed (algorithm in docs/lottery.md) and compares it
with a published result file, or with the result stored for a lottery. Without either, prints the result.
Exit status 1 when anything differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from allocation import lottery_algorithm as algorithm


class Command(BaseCommand):
    help = "按公布的参加人名单和种子重算摇号顺序，并与公布结果比对（算法见 docs/lottery.md）。"

    def add_arguments(self, parser):
        parser.add_argument("--entrants", required=True, help="参加人名单文件（门户下载的 .txt）")
        parser.add_argument(
            "--seed", required=True, help="公布的最终种子（含公开参数时为“现场种子|公开参数”）"
        )
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--result", help="公布的结果文件（门户下载的 .txt）")
        target.add_argument("--lottery", help="摇号编号：与系统中保存的结果比对")

    def handle(self, *args, entrants, seed, result=None, lottery=None, **options):
        try:
            entrant_bytes = Path(entrants).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取名单文件：{exc}") from exc
        if result is None and lottery is None:
            try:
                drawn = algorithm.draw(algorithm.parse_entrant_file(entrant_bytes), seed)
            except algorithm.LotteryFileError as exc:
                raise CommandError(str(exc)) from exc
            sys.stdout.buffer.write(algorithm.result_file(drawn))
            return
        if lottery is not None:
            result_bytes = self._stored_result(lottery, entrant_bytes, seed)
        else:
            try:
                result_bytes = Path(result).read_bytes()
            except OSError as exc:
                raise CommandError(f"无法读取结果文件：{exc}") from exc
        try:
            outcome = algorithm.verify(entrant_bytes=entrant_bytes, seed=seed, result_bytes=result_bytes)
        except algorithm.LotteryFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"名单 SHA-256：{outcome.entrant_sha256}")
        self.stdout.write(f"重算结果 SHA-256：{outcome.result_sha256}")
        if not outcome.ok:
            raise CommandError(outcome.message)
        self.stdout.write(self.style.SUCCESS(outcome.message))

    def _stored_result(self, number: str, entrant_bytes: bytes, seed: str) -> bytes:
        from allocation.models import Lottery
        from allocation.selectors import lottery_result_lines

        stored = Lottery.objects.filter(number=number).first()
        if stored is None or not stored.drawn_at:
            raise CommandError(f"没有已摇号的摇号编号 {number}。")
        if algorithm.sha256_hex(entrant_bytes) != stored.entrant_sha256:
            raise CommandError(
                "名单文件的 SHA-256 与该次摇号公布的不一致：名单被改动过或不是这次摇号的名单。"
            )
        if seed != stored.seed:
            raise CommandError("种子与该次摇号公布的最终种子不一致。")
        return b"".join(lottery_result_lines(lottery=stored))
