"""``manage.py ledger_build --period-kind month --period 2026-11 [--region 440402000000]``: 资源台账."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from allocation.ledgers.services import ledger_build


class Command(BaseCommand):
    help = "计算一个周期的保障项目台账和支持项目台账（可重复执行，结果不变）。"

    def add_arguments(self, parser):
        parser.add_argument("--period-kind", default="month", choices=["month", "quarter", "year"])
        parser.add_argument("--period", required=True, help="2026-11, 2026-Q4 or 2026")
        parser.add_argument("--region", default=None, help="区县或以上的12位区划代码")

    def handle(self, *args, **options):
        try:
            result = ledger_build(
                period_kind=options["period_kind"], period=options["period"], region_code=options["region"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"{result.period.label}: 保障项目台账 {result.guarantee_ledgers} 条, "
            f"支持项目台账 {result.support_ledgers} 条, 新记收支明细 {result.movements_created} 条"
        )
