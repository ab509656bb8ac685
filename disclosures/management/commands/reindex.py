from django.core.management.base import BaseCommand
from tqdm import tqdm

from disclosures import search


class Command(BaseCommand):
    help = "重建全文检索索引（仅已发布信息）。分批提交，可随时中断后重新运行。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--rebuild-gin",
            action="store_true",
            help="PostgreSQL：先删除 GIN 索引，写完后一次性重建（大批量时更快；期间检索变慢但结果正确）",
        )

    def handle(self, *args, batch_size, rebuild_gin, **options):
        done = search.reindex(
            batch_size=batch_size,
            rebuild_gin=rebuild_gin,
            progress=lambda total: tqdm(total=total, unit="条", desc="重建索引"),
        )
        self.stdout.write(f"已索引 {done} 条已发布信息。")
