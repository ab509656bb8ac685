from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from disclosures import corpus
from disclosures.models import DisclosureItem
from portal.bulk import refresh_statistics


class Command(BaseCommand):
    help = (
        "生成 N 条逼真的中文公开信息（已发布、已分配索引号、已建立检索索引），用于检索测试和性能测试。"
        "相同 --seed 结果相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="生成条数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 1:
            raise CommandError("条数必须大于0。")
        done = corpus.generate(
            count,
            seed=seed,
            batch_size=batch_size,
            progress=lambda total: tqdm(total=total, unit="条", desc="生成并索引"),
        )
        refresh_statistics(DisclosureItem)
        self.stdout.write(f"已生成 {done} 条公开信息。")
