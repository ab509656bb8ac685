"""`manage.py export_items FILE`: the published items in the import columns (docs/import.md 导出)."""

import os

from django.core.management.base import BaseCommand, CommandError

from portal.models import Organization

from ...site_import.export import EXCEL_CELL_LIMIT, export_items


class Command(BaseCommand):
    help = "把已发布信息导出为与导入相同列的 CSV 或 Excel（.xlsx）文件，附件复制到一个目录，便于迁出或备份。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件（.csv 或 .xlsx）")
        parser.add_argument("--organization", help="只导出该机构（代码或名称）的信息")
        parser.add_argument("--attachments", help="附件目录（默认：与输出文件同名加“_附件”）")

    def handle(self, *args, file, organization, attachments, **opts):
        org = None
        if organization:
            org = (
                Organization.objects.filter(code=organization).first()
                or Organization.objects.filter(name=organization).first()
            )
            if org is None:
                raise CommandError(f"没有代码或名称为“{organization}”的机构。")
        if not file.lower().endswith((".csv", ".xlsx")):
            raise CommandError("输出文件应以 .csv 或 .xlsx 结尾。")
        folder = attachments or os.path.splitext(file)[0] + "_附件"
        result = export_items(file, organization=org, attachments_dir=folder)
        self.stdout.write(f"已导出 {result.items} 条信息、{result.attachments} 个附件（附件目录：{folder}）。")
        if result.missing_files:
            self.stdout.write(f"有 {result.missing_files} 个附件文件缺失，未能导出。")
        if result.long_cells:
            self.stdout.write(
                f"注意：有 {result.long_cells} 个单元格超过 Excel 可显示的 {EXCEL_CELL_LIMIT} 字（导入不受影响；"
                "用 Excel 编辑时请改用 CSV 导出）。"
            )
