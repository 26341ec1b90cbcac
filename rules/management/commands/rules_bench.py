"""manage.py rules_bench: evaluations per second of the 廉租 rule set on one core."""

from __future__ import annotations

import datetime
import os
import random
import time

from django.core.management.base import BaseCommand, CommandError

from rules.defaults import DEMO_CITY
from rules.engine import NoRuleSetError, evaluate, version_in_force


def sample_families(count: int, *, seed: int = 196) -> list[dict]:
    """Deterministic, varied families (some eligible, some not, some with missing facts)."""
    rng = random.Random(seed)
    families = []
    for _ in range(count):
        size = rng.randint(1, 6)
        family = {
            "household_size": size,
            "per_capita_monthly_income": str(rng.randint(600, 2600)),
            "per_capita_floor_area": f"{rng.randint(0, 2000) / 100:.2f}",
            "per_capita_assets": str(rng.randint(10_000, 120_000)),
            "local_hukou_years": rng.randint(0, 20),
            "owns_other_property": rng.random() < 0.1,
            "on_credit_blacklist": rng.random() < 0.02,
            "enjoys_housing_security": rng.random() < 0.05,
            "applicant_age": rng.randint(20, 80),
            "is_dibao": rng.random() < 0.3,
        }
        if rng.random() < 0.5:
            family["actual_monthly_rent"] = str(rng.randint(300, 1500))
        if rng.random() < 0.05:
            del family["per_capita_assets"]  # an unknown fact now and then, as in real files
        families.append(family)
    return families


class Command(BaseCommand):
    help = "测量廉租住房规则的测算速度（次/秒，单核）。需先有已启用的廉租住房规则（seed_demo 会生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=50_000, help="测算次数，默认 50000")
        parser.add_argument("--project", default="lianzu")
        parser.add_argument("--mode", default="rent_subsidy")
        parser.add_argument("--date", default="2025-06-01")
        parser.add_argument("--region", default="440402001001")
        parser.add_argument(
            "--seed-defaults", action="store_true", help="如无规则，先生成默认规则（演示城市）"
        )

    def handle(self, *args, **options):
        on_date = datetime.date.fromisoformat(options["date"])
        kwargs = {
            "project_code": options["project"],
            "mode_code": options["mode"],
            "on_date": on_date,
            "region_code": options["region"],
        }
        if (
            version_in_force(
                project_code=kwargs["project_code"], region_code=kwargs["region_code"], on_date=on_date
            )
            is None
        ):
            if not options["seed_defaults"]:
                raise CommandError("没有适用的已启用规则，请先运行 seed_demo，或加 --seed-defaults。")
            from rules.defaults import rules_seed_defaults

            rules_seed_defaults(region_code=DEMO_CITY)
        families = sample_families(options["count"])
        try:
            for family in families[:500]:  # warm-up: compile and cache the version, warm the interpreter
                evaluate(facts=family, **kwargs)
        except NoRuleSetError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        eligible = 0
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        for family in families:
            if evaluate(facts=family, **kwargs).eligible:
                eligible += 1
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        count = len(families)
        self.stdout.write(
            f"规则：{kwargs['project_code']}/{kwargs['mode_code']}  日期：{on_date}  家庭数：{count}  符合：{eligible}\n"
            f"耗时 {wall:.3f} s（CPU {cpu:.3f} s），负载 {os.getloadavg()[0]:.2f}\n"
            f"测算速度：{count / wall:,.0f} 次/秒（按 CPU 时间 {count / cpu:,.0f} 次/秒）"
        )
