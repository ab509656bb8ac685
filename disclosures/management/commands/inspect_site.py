"""python manage.py inspect_site — the self-inspection against the national website indicators."""

import json

from django.core.management.base import BaseCommand

from disclosures import inspection


class Command(BaseCommand):
    help = (
        "网站自查：按国办秘函〔2019〕19号中可由本系统数据测量的指标，"
        "逐项给出状态（合格/预警/不合格）、情况和涉及的信息。"
        "--json 输出结构稳定的JSON（schema 字段为版本号，说明见 README），供监测系统读取；"
        "结果同时保存，后台“网站自查”页面显示。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以JSON输出")

    def handle(self, *args, **options):
        report = inspection.run_and_keep()
        if options["json"]:
            self.stdout.write(json.dumps(report.data, ensure_ascii=False, indent=1))
            return
        summary = report.data["summary"]
        self.stdout.write(f"网站自查 {report.data['generated_at']}：总体{summary['overall']}")
        for indicator in report.data["indicators"]:
            self.stdout.write(f"[{indicator['status']}] {indicator['name']}：{indicator['figure']}")
            for entry in indicator["items"][:5]:
                self.stdout.write(f"      · {entry['title']} {entry.get('note', '')}")
