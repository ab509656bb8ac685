"""Lift a login lockout from the command line (when no administrator can log in). Audited."""

from django.core.management.base import BaseCommand

from portal import security


class Command(BaseCommand):
    help = "解除登录锁定：unlock_login 用户名 [--ip 地址]（不写地址则解除该用户名在所有地址的锁定）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--ip", dest="ip_address", default=None)

    def handle(self, username, ip_address=None, **options):
        removed = security.unlock(actor=None, username=username, ip_address=ip_address, via="命令行")
        self.stdout.write(f"已解除 {username} 的登录锁定（删除 {removed} 条失败记录）。")
