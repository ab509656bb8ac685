from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [
            Error(
                "SECRET_KEY 未通过环境变量设置。",
                hint="在生产环境设置 SECRET_KEY（至少50个随机字符）。",
                id="portal.E001",
            )
        ]
    return []
