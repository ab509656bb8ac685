from django.apps import AppConfig


class InfoRequestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "info_requests"
    verbose_name = "依申请公开"
