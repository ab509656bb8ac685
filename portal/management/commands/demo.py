"""python manage.py demo — load the demo data set (idempotent; refuses foreign data)."""

import importlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from portal.demo import DEMO_PASSWORD, USERS, Demo, feature_app_labels, load_core
from portal.models import Organization, SiteProfile


def loaders() -> list[str]:
    """Each feature app with a `demo` module contributes its part, in the order of INSTALLED_APPS."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    names = []
    for label in feature_app_labels():
        config = apps.get_app_config(label)
        if module_has_submodule(config.module, "demo"):
            names.append(f"{config.name}.demo")
    return names


class Command(BaseCommand):
    help = (
        "加载演示数据：龙陵县民政局（含2016年年报种子信息）、第二个机构、公开目录、各类信息及各种审核状态、"
        "依申请公开和年度报告示例，以及 editor / reviewer / leader / admin 四个演示账号。"
        "可重复运行；数据库中已有非演示数据时拒绝执行。"
    )

    def handle(self, *args, **options):
        profile = SiteProfile.objects.first()
        if profile is not None and profile.demo:
            self.stdout.write("演示数据已经加载，无需重复加载。")
            self._print_logins()
            return
        if profile is not None or Organization.objects.exists() or get_user_model().objects.exists():
            raise CommandError(
                "数据库中已有非演示数据，demo 命令不会修改它。请使用空数据库（例如删除 db.sqlite3 后重新 migrate）。"
            )
        # Notifications of the demo's own workflow steps go nowhere (they are sent on commit,
        # so the override must outlive the transaction).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            SiteProfile.objects.create(
                site_name="龙陵县政府信息公开平台",
                site_domain="www.longling.gov.cn",
                sponsor="龙陵县人民政府办公室",
                site_code="5305230001",
                icp_number="滇ICP备05001234号-1",
                psb_number="滇公网安备 53052302000001号",
                phone="0875-6121234",
                email="llxzf@example.gov.cn",
                address="云南省保山市龙陵县龙山镇",
                parent_portal_name="云南省人民政府",
                parent_portal_url="https://www.yn.gov.cn/",
                # 党政机关网站标识 left empty on purpose: the self-inspection shows what is missing.
                jiucuo_url="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5305230001",
                demo=True,
            )
            demo = load_core(Demo())
            for name in loaders():
                importlib.import_module(name).load(demo)
                self.stdout.write(f"已加载：{name}")
        self.stdout.write(self.style.SUCCESS("演示数据加载完成。"))
        self._print_logins()

    def _print_logins(self):
        self.stdout.write("后台地址：http://127.0.0.1:8000/admin/")
        for username, name, role, _ in USERS:
            self.stdout.write(f"  {role.label:　<4} 用户名 {username:<9} 密码 {DEMO_PASSWORD}（{name}）")
