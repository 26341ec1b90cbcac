"""manage.py rules_evaluate --project lianzu --mode rent_subsidy --date 2025-06-01 --facts family.json"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rules.defaults import DEMO_CITY
from rules.engine import evaluate


class Command(BaseCommand):
    help = "按指定保障项目、保障方式和日期测算一户家庭，输出 JSON（是否符合、逐条判断、保障标准、所用规则版本）。"

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="保障项目编号，如 lianzu")
        parser.add_argument("--mode", required=True, help="保障方式编号，如 rent_subsidy")
        parser.add_argument("--date", required=True, help="测算日期 YYYY-MM-DD")
        parser.add_argument(
            "--facts", required=True, help="家庭事实 JSON 文件（因素代码 → 值）；- 表示标准输入"
        )
        parser.add_argument("--region", default=DEMO_CITY, help="家庭所在行政区划代码（12位），默认演示城市")

    def handle(self, *args, **options):
        try:
            on_date = datetime.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        try:
            if options["facts"] == "-":
                facts = json.load(self.stdin if hasattr(self, "stdin") else __import__("sys").stdin)
            else:
                with open(options["facts"], encoding="utf-8") as handle:
                    facts = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取事实文件：{exc}") from exc
        if not isinstance(facts, dict):
            raise CommandError("事实文件应为 JSON 对象（因素代码 → 值）。")
        try:
            result = evaluate(
                facts=facts,
                project_code=options["project"],
                mode_code=options["mode"],
                on_date=on_date,
                region_code=options["region"],
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
