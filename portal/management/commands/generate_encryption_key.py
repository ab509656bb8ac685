import datetime

from django.core.management.base import BaseCommand, CommandError

from portal import crypto


class Command(BaseCommand):
    help = (
        "生成一个新的个人信息加密密钥（“密钥编号:Base64密钥”）。把它放在 FIELD_ENCRYPTION_KEYS 的最前面，"
        "然后运行 rotate_encryption_keys。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--kid", help="密钥编号（字母、数字、- 和 _）；默认 k+今天的日期")

    def handle(self, *args, kid=None, **options):
        try:
            current = [k.kid for k in crypto.keyring().keys]
        except crypto.KeyConfigurationError:
            current = []
        taken = set(current)
        if kid in taken:
            raise CommandError(f"密钥编号“{kid}”已在 FIELD_ENCRYPTION_KEYS 中，请换一个。")
        if not kid:
            base = kid = f"k{datetime.date.today():%Y%m%d}"
            n = 1
            while kid in taken:
                n += 1
                kid = f"{base}-{n}"
        entry = crypto.generate_key(kid)
        self.stdout.write(entry)
        ring = ",".join(f"{k}:…" for k in [kid, *current])
        self.stderr.write(
            f"新密钥只打印这一次：请存入密钥管理处，不要提交到 git。把它放在最前面：FIELD_ENCRYPTION_KEYS={ring}，"
            "再运行 rotate_encryption_keys。"
        )
