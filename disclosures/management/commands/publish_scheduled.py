from django.core.management.base import BaseCommand

from disclosures import workflow


class Command(BaseCommand):
    help = "发布定时时间已到的“待发布”信息。可重复运行（幂等），适合由 cron 每分钟调用。"

    def handle(self, *args, **options):
        done = workflow.publish_due()
        for item in done:
            self.stdout.write(f"已发布：{item.index_number} {item.title}")
        self.stdout.write(f"本次发布 {len(done)} 条。")
