from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "网站设置"

    def ready(self):
        from . import checks  # noqa: F401
