"""python manage.py remind_deadlines — email handlers about applications due soon or overdue."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from info_requests import reminders
from portal.reminders import run_registered


class Command(BaseCommand):
    help = (
        "给承办人发送依申请公开答复期限提醒：答复期限在5个工作日内到期的和已经逾期的申请。"
        "同一申请、同一期限、同一类提醒只发送一次，可以放进 cron 每天运行（幂等）。"
        "承办人未指定时发给本机关的领导角色；前一天及更早提交、尚未确认收到的网上申请提醒本机关编辑。"
        "其他模块登记的提醒（如互动回应的留言答复期限）随后一并发送。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不发送也不记录")

    def handle(self, *args, dry_run=False, **options):
        result = reminders.send_reminders(dry_run=dry_run)
        for line in result.lines:
            self.stdout.write(line)
        verb = "将发送" if dry_run else "已发送"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}提醒 {result.sent} 条（即将到期 {result.due_soon}，已逾期 {result.overdue}，"
                f"待确认收到 {result.confirm}），"
                f"此前已提醒而跳过 {result.skipped} 条。"
            )
        )
        sent, lines = run_registered(timezone.localdate(), dry_run)
        for line in lines:
            self.stdout.write(line)
        if sent or lines:
            self.stdout.write(self.style.SUCCESS(f"其他模块{verb}提醒 {sent} 条。"))
