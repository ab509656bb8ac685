from django.apps import AppConfig

AUDIT_LABELS = {
    "report.create": "起草年度报告",
    "report.redraft": "重写年度报告草稿",
    "report.freeze": "冻结年度报告数据",
}


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "年度报告"

    def ready(self):
        from django.db.models.signals import pre_save

        from disclosures.models import DisclosureItem
        from portal.audit import register_labels

        from .workflow import guard_publication

        def _guard(sender, instance, **kwargs):
            guard_publication(instance)

        register_labels(AUDIT_LABELS)
        from . import inspection  # noqa: F401 - registers the annual-report indicator

        pre_save.connect(_guard, sender=DisclosureItem, dispatch_uid="reports.guard_publication", weak=False)
