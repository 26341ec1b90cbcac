from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from housing.regions.services import regions_import


class Command(BaseCommand):
    help = "从CSV或Excel（两列：区划代码, 名称）导入行政区划。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--demo", action="store_true", help="标记为演示数据")

    def handle(self, *args, path, demo, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"文件不存在：{path}")
        result = regions_import(content=file.read_bytes(), filename=file.name, is_demo=demo)
        if result.errors:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(result.errors))
        self.stdout.write(f"新增 {result.created} 个，更新 {result.updated} 个区划。")
