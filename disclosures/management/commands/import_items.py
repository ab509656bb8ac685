"""`manage.py import_items FILE`: 网站迁移 from the command line (docs/import.md)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portal import access
from portal.models import Organization

from ...site_import import columns
from ...site_import.run import import_file


class Command(BaseCommand):
    help = (
        "从旧网站导出的 CSV（UTF-8 或 GB18030）或 Excel（.xlsx）文件导入历史信息：逐行检查，"
        "错误行写入报告，其余照常导入；隐私或内容检查有发现的行导入为草稿待处理。可重复运行，不会重复导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 或 XLSX 文件")
        parser.add_argument("--organization", help="机构代码或名称：文件中未填“发布机构”的行归入该机构")
        parser.add_argument("--dry-run", action="store_true", help="试导入：检查并统计，不保存任何内容")
        parser.add_argument("--report", help="把每一行的结果写入该 CSV 文件")
        parser.add_argument("--attachments", help="附件所在目录（“附件”列中的文件名相对于该目录）")
        parser.add_argument("--map", default="", help="列映射，如 “发文字号=文号,发布时间=发布日期”")
        parser.add_argument("--user", help="以哪位系统管理员的名义导入（默认：第一位超级用户）")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **opts):
        user = self._user(opts["user"])
        organization = None
        if opts["organization"]:
            key = opts["organization"]
            organization = (
                Organization.objects.filter(code=key).first() or Organization.objects.filter(name=key).first()
            )
            if organization is None:
                raise CommandError(f"没有代码或名称为“{key}”的机构。")
        try:
            mapping = columns.parse_map(opts["map"])
        except columns.MappingError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(total=0, unit="行", desc="导入", disable=opts["verbosity"] == 0)

        def progress(done, total, note):
            bar.total = total
            bar.n = done
            bar.set_postfix_str(note, refresh=False)
            bar.refresh()

        summary = import_file(
            opts["file"],
            user=user,
            organization=organization,
            attachments_dir=opts["attachments"],
            mapping=mapping,
            dry_run=opts["dry_run"],
            batch_size=max(1, opts["batch_size"]),
            progress=progress,
        )
        bar.close()
        if opts["report"]:
            with open(opts["report"], "w", encoding="utf-8", newline="") as out:
                out.write(summary.report_csv())
        if summary.refused:
            raise CommandError(summary.refused)
        self.stdout.write(summary.text())
        for problem in summary.problems(20):
            where = f"第{problem.line}行" + (f"“{problem.column}”列" if problem.column else "")
            self.stdout.write(f"  {where}：{problem.outcome}。{problem.reason}")
        more = len(summary.problems()) - 20
        if more > 0:
            self.stdout.write(f"  ……另有 {more} 行，见报告（--report）。")

    def _user(self, username):
        User = get_user_model()  # noqa: N806
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"没有用户“{username}”。")
        else:
            user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if user is None:
                raise CommandError("系统中没有超级用户：请先运行 createsuperuser，或用 --user 指定系统管理员。")
        if not access.is_site_admin(user):
            raise CommandError(f"用户“{user.get_username()}”不是系统管理员，不能导入历史信息。")
        return user
