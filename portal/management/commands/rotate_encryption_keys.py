from django.core.management.base import BaseCommand
from tqdm import tqdm

from portal import crypto, keyrotation


class Command(BaseCommand):
    help = (
        "用 FIELD_ENCRYPTION_KEYS 的第一个（最新）密钥重新加密所有加密字段，并重算盲索引。"
        "分批提交，可随时中断后重新运行；已是最新密钥的数据跳过。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="只统计各密钥下的数据条数，不改动（删除旧密钥前先确认其为 0）"
        )

    def handle(self, *args, batch_size, dry_run, **options):
        ring = crypto.keyring()
        newest = ring.newest
        self.stdout.write(f"最新密钥：{newest.kid}（{ring.algorithm.name}）")
        for model in keyrotation.encrypted_models():
            label = f"{model._meta.verbose_name}（{model._meta.label}）"
            if dry_run:
                for field, counts in keyrotation.census(model).items():
                    summary = "，".join(f"{key} {n}" for key, n in sorted(counts.items())) or "无数据"
                    self.stdout.write(f"{label}.{field}：{summary}")
                continue
            done = keyrotation.rotate(
                model,
                batch_size=batch_size,
                progress=lambda total, label=label: tqdm(total=total, unit="条", desc=label, file=self.stderr),
            )
            self.stdout.write(f"{label}：重新加密 {done} 条。")
