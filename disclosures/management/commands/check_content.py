"""python manage.py check_content — run the content checks (错别字、规范表述、敏感词、领导信息)."""

import json

from django.core.management.base import BaseCommand, CommandError

from disclosures import content_checks
from disclosures.models import DisclosureItem


class Command(BaseCommand):
    help = (
        "运行内容检查（错别字、规范表述、敏感词、领导信息）并列出发现：规则、类别、原文、位置、建议。"
        "--item ID 检查一条信息；--text 检查一段文字；"
        "--all-published 在规则变更后复查全部已发布信息，列出需要修订的信息。"
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--item", type=int, help="信息ID")
        target.add_argument("--text", help="要检查的文字")
        target.add_argument("--all-published", action="store_true", help="复查全部已发布信息")
        parser.add_argument("--json", action="store_true", help="以JSON输出")

    def handle(self, *args, **options):
        if options["text"] is not None:
            report = [{"item": None, "findings": content_checks.scan_text(options["text"], "文字")}]
        elif options["item"] is not None:
            item = DisclosureItem.objects.filter(pk=options["item"]).first()
            if item is None:
                raise CommandError(f"没有ID为 {options['item']} 的信息。")
            report = [{"item": item, "findings": content_checks.scan_item(item)}]
        else:
            report = []
            published = DisclosureItem.objects.published().prefetch_related("attachments").order_by("pk")
            for item in published.iterator(chunk_size=500):
                found = content_checks.scan_item(item)
                if found:
                    report.append({"item": item, "findings": found})
        if options["json"]:
            rows = [
                {
                    "item": entry["item"].pk if entry["item"] else None,
                    "title": entry["item"].title if entry["item"] else None,
                    "findings": [f.as_dict() for f in entry["findings"]],
                }
                for entry in report
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        total = 0
        for entry in report:
            item = entry["item"]
            if item is not None:
                self.stdout.write(f"[{item.pk}] {item.title}（{item.get_status_display()}）")
            for finding in entry["findings"]:
                total += 1
                self.stdout.write(
                    f"  {finding.label}｜{finding.matched}｜{finding.where} 第{finding.position + 1}字"
                    f"｜建议：{finding.suggestion or '删除'}｜依据：{finding.source}"
                )
        if options["all_published"]:
            self.stdout.write(f"共 {len(report)} 条已发布信息需要修订（{total} 处）。")
        elif not total:
            self.stdout.write("未发现问题。")
