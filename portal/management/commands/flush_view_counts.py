"""Add the pending page views to the stored counts (portal/viewcounts.py). Safe to run at any
time and concurrently; run it at least every 30 s (a periodic task or cron)."""

from django.core.management.base import BaseCommand

from portal import viewcounts


class Command(BaseCommand):
    help = "累计浏览量：把已记录、尚未计入的页面浏览加到各信息的浏览量（可随时重复运行）"

    def handle(self, **options):
        folded = viewcounts.fold()
        self.stdout.write(f"已累计 {folded} 次浏览。")
