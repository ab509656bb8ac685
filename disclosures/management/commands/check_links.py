"""python manage.py check_links — check the links of every public item (死链检查)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from disclosures import links
from disclosures.models import DisclosureItem


class Command(BaseCommand):
    help = (
        "检查全部已发布信息正文和附件中的链接：本站链接对照数据库（信息是否公开、是否已撤回、附件和图片是否存在），"
        "外部链接按HTTP状态（短超时，同一网站之间间隔1秒）。结果保存在每条信息上，显示在工作台和网站自查中。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--item", type=int, help="只检查这条信息")
        parser.add_argument("--no-external", action="store_true", help="只检查本站链接，不访问外部网站")

    def handle(self, *args, **options):
        external = not options["no_external"]
        if options["item"]:
            item = DisclosureItem.objects.published().filter(pk=options["item"]).first()
            if item is None:
                self.stderr.write(f"没有ID为 {options['item']} 的已发布信息。")
                return
            results = links.check_item(item, external=external)
            for r in results:
                self.stdout.write(f"{'正常' if r.ok else '死链'}｜{r.url}｜{r.note}")
            return
        total = DisclosureItem.objects.published().count()
        with tqdm(total=total, desc="检查链接", unit="条", disable=total < 50) as bar:
            summary = links.check_all(external=external, progress=lambda item: bar.update())
        self.stdout.write(
            f"已检查 {summary['items']} 条信息的 {summary['links']} 个链接，其中死链 {summary['broken']} 个。"
        )
