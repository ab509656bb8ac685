from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "网站设置"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from . import checks  # noqa: F401
        from .audit import record_login_failure

        user_login_failed.connect(record_login_failure, dispatch_uid="portal.audit.login_failed")
