from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "年度报告"

    def ready(self):
        from django.db.models.signals import pre_save

        from disclosures.models import DisclosureItem

        from .workflow import guard_publication

        def _guard(sender, instance, **kwargs):
            guard_publication(instance)

        pre_save.connect(_guard, sender=DisclosureItem, dispatch_uid="reports.guard_publication", weak=False)
