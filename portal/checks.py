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


@register(Tags.security, deploy=True)
def field_encryption_keys_set(app_configs, **kwargs):
    if not getattr(settings, "FIELD_ENCRYPTION_KEYS", ""):
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS 未设置：申请人的证件号码和联系方式无法加密保存。",
                hint="用 `python manage.py generate_encryption_key` 生成密钥，通过环境变量提供"
                "（README“个人信息加密存储”）。",
                id="portal.E002",
            )
        ]
    return []


@register(Tags.security)
def field_encryption_keys_valid(app_configs, **kwargs):
    from .crypto import KeyConfigurationError, keyring

    try:
        keyring()
    except KeyConfigurationError as error:
        return [Error(str(error), id="portal.E003")]
    return []
