"""manage.py calendar_seed --year 2026: copy the library's holidays into editable calendar rows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from housing.workflow.services import calendar_seed_year


class Command(BaseCommand):
    help = "从 chinese_calendar 节假日库导入指定年份的法定节假日和调休上班日（人工录入的日期不会被覆盖），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年份，默认今年")

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year
        try:
            result = calendar_seed_year(year=year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{year} 年工作日历：新增 {result.created} 天，更新 {result.updated} 天，"
                f"保留人工录入 {result.kept_manual} 天。"
            )
        )
