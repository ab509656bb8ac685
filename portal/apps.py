from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "网站设置"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core.signals import request_finished
        from django.db.models.signals import post_migrate

        from . import checks, pagecache, security, tasks, viewcounts  # noqa: F401 (system checks; task audit labels)
        from .audit import record_login_failure

        user_login_failed.connect(record_login_failure, dispatch_uid="portal.audit.login_failed")
        user_logged_in.connect(security.record_login, dispatch_uid="portal.security.logged_in")
        user_logged_out.connect(security.record_logout, dispatch_uid="portal.security.logged_out")
        user_locked_out.connect(security.record_lockout, dispatch_uid="portal.security.locked_out")
        pagecache.connect_signals()
        request_finished.connect(viewcounts.fold_due, dispatch_uid="portal.viewcounts.fold_due")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="portal.pagecache.table")


def create_cache_table(using="default", **kwargs):
    """The database page cache's table (portal/pagecache.py) comes with every `migrate` — and so
    with `./dev demo` and the test database; `createcachetable` leaves an existing table alone."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's admin site (portal/admin_site.py: the staff login)."""

    default = False  # named explicitly in INSTALLED_APPS; "portal" itself is PortalConfig

    default_site = "portal.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp's own device admin is in English and shows secrets; portal/admin.py lists
        # authenticators in Chinese with an audited reset instead.
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
        # The task library's own result list is in English and shows raw arguments; 后台任务
        # (portal/admin.py) shows each job's state, progress and error in Chinese, with 重试.
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
