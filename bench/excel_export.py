"""Benchmark: streaming Excel export (``housing.documents.excel.xlsx_write``), time and peak memory.

    .venv/bin/python bench/excel_export.py --rows 10000 50000 100000

Each size runs in a fresh subprocess, so its peak resident set (``getrusage`` max RSS) belongs to
that export alone; the figure reported is the increase over the process's RSS just before writing.
Rows come from a generator, as an export's rows come from ``queryset.iterator()``: the data set
itself never sits in memory, so what grows is only what the writer keeps. 11 columns: Chinese
text, masked ID numbers, dates, aware datetimes, integers, Decimals and a formula-looking note.
Target: under 200 MB at 100,000 rows, and flat as rows grow.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 200
HEADERS = [
    "申请编号",
    "申请人姓名",
    "身份证号",
    "所属社区",
    "申请日期",
    "提交时间",
    "家庭人口",
    "家庭人均月收入（元）",
    "现住房面积（㎡）",
    "审核状态",
    "备注",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "小明", "晓红", "伟", "芳", "静怡", "子涵", "浩然"]
COMMUNITIES = [f"{street}第{n}社区" for street in ("翠香", "梅华", "前山", "白藤", "井岸") for n in "一二三"]
STATUSES = ["已提交", "街道初审通过", "区级复审通过", "市级终审通过", "公示中", "已登记", "退回补正"]


def rows(count: int) -> Iterator[list]:
    """Deterministic rows, generated one at a time (no random module: the same file every run)."""
    shanghai = ZoneInfo("Asia/Shanghai")
    start = datetime(2023, 1, 1, 8, 30, tzinfo=shanghai)
    for i in range(count):
        yield [
            f"SQ{2023000000 + i}",
            SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)],
            f"4404{(i * 7919) % 100:02d}**********{i % 10000:04d}",
            COMMUNITIES[(i * 13) % len(COMMUNITIES)],
            date(2023, 1, 1) + timedelta(days=i % 1000),
            start + timedelta(minutes=17 * i),
            1 + i % 6,
            Decimal(1200 + (i * 37) % 3000) + Decimal(i % 100) / 100,
            Decimal(15 + (i * 11) % 60) + Decimal(i % 100) / 100,
            STATUSES[i % len(STATUSES)],
            # Every 50th note looks like a formula: the export must escape it.
            f'=HYPERLINK("http://x","{i}")' if i % 50 == 0 else f"第{i % 12 + 1}批次 入户核查已完成",
        ]


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def child(count: int) -> None:
    """Run one export in this (fresh) process and print a JSON line of figures."""
    from django.conf import settings

    settings.configure(USE_TZ=True, TIME_ZONE="Asia/Shanghai")
    from housing.documents.excel import xlsx_write

    # Warm the import and the writer's code paths on a tiny file, so the baseline includes them.
    with tempfile.TemporaryFile() as scratch:
        xlsx_write(file=scratch, headers=HEADERS, rows=rows(10))
    baseline = max_rss_mb()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
        started = time.perf_counter()
        written = xlsx_write(file=target, headers=HEADERS, rows=rows(count), sheet_title="保障房申请")
        seconds = time.perf_counter() - started
        size_mb = os.path.getsize(target.name) / 1024 / 1024
    peak = max_rss_mb()
    print(
        json.dumps(
            {
                "rows": written,
                "seconds": round(seconds, 2),
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(peak, 1),
                "increase_mb": round(peak - baseline, 1),
                "file_mb": round(size_mb, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return

    print(f"xlsx_write, {len(HEADERS)} columns, one fresh process per size")
    print(
        f"{'rows':>9} {'seconds':>8} {'rows/s':>8} {'file MB':>8} {'RSS before':>11} {'peak RSS':>9} {'increase':>9}"
    )
    results = []
    for count in args.rows:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(count)], capture_output=True, text=True, check=True
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        results.append(figures)
        print(
            f"{figures['rows']:>9,} {figures['seconds']:>8.2f} {figures['rows'] / figures['seconds']:>8,.0f} "
            f"{figures['file_mb']:>8.1f} {figures['baseline_mb']:>9.1f}MB {figures['peak_mb']:>7.1f}MB "
            f"{figures['increase_mb']:>7.1f}MB"
        )
    worst = max(r["increase_mb"] for r in results)
    growth = results[-1]["increase_mb"] - results[0]["increase_mb"]
    print(
        f"peak increase at most {worst:.1f} MB (target < {TARGET_MB} MB): {'OK' if worst < TARGET_MB else 'OVER'}; "
        f"from {results[0]['rows']:,} to {results[-1]['rows']:,} rows it grew by {growth:.1f} MB"
    )


if __name__ == "__main__":
    main()
