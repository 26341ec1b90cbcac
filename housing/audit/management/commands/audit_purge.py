"""``manage.py audit_purge --before YYYY-MM-DD``: remove audit events older than the retention period."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from housing.audit.services import audit_purge


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "清除指定日期之前的审计事件（不能清除保存期限内的事件）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", required=True, help="清除此日期（不含）之前发生的事件，格式 YYYY-MM-DD"
        )
        parser.add_argument("--chunk-size", type=int, default=5000, help="每批删除的条数")

    def handle(self, *args, **options):
        before = _date(options["before"])
        try:
            deleted = audit_purge(before=before, chunk_size=max(1, options["chunk_size"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已清除 {before.isoformat()} 之前的审计事件 {deleted} 条。"))
