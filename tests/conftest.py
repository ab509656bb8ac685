"""Shared test setup: small builders instead of fixtures files; PostgreSQL-only tests are
deselected (not skipped) on SQLite, and run in CI's PostgreSQL pass."""

from __future__ import annotations

import datetime
import itertools
import os

import pytest
from django.db import connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    if on_postgres:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Builder:
    """Creates organizations, categories, users with roles and items in a given state."""

    def __init__(self):
        from disclosures.models import Category

        self.org = self.organization("测试县民政局", "csmzj", "01526257-2", "{code_raw}-/{year}-{mmdd}{seq:03d}")
        self.other_org = self.organization("测试县财政局", "csczj", "01526261-0")
        self.root = Category.objects.create(code="fdzdgk", name="法定主动公开内容", home_panel=False)
        self.category = Category.objects.create(
            code="shjz", name="社会救助", parent=self.root, kind="social_assistance", home_panel=True
        )
        self.policy_category = Category.objects.create(
            code="zcwj", name="政策文件", parent=self.root, kind="policy", home_panel=True
        )
        self.editor = self.user("editor", "editor")
        self.reviewer = self.user("reviewer", "reviewer")
        self.leader = self.user("leader", "leader")
        self.leader2 = self.user("leader2", "leader")

    def organization(self, name, slug, code, template="{code}/{year}-{seq:05d}"):
        from portal.models import Organization

        return Organization.objects.create(
            name=name,
            short_name=name[2:],
            slug=slug,
            code=code,
            index_template=template,
            phone="0875-1234567",
            office_address="测试县测试路1号",
            postcode="678300",
        )

    def user(self, username, role=None, org=None, **extra):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Permission

        from portal.models import Membership

        user = get_user_model().objects.create_user(
            username, password="pw-123456", is_staff=True, email=f"{username}@example.com", **extra
        )
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="disclosures"))
        if role:
            for organization in [org] if org else [self.org, self.other_org]:
                Membership.objects.create(user=user, organization=organization, role=role)
        return user

    def item(
        self,
        title=None,
        *,
        state="published",
        org=None,
        category=None,
        body="<p>正文内容</p>",
        written=datetime.date(2026, 3, 2),
        **fields,
    ):
        from disclosures import workflow
        from disclosures.models import DisclosureItem

        title = title or f"测试信息{next(_counter)}"
        item = DisclosureItem.objects.create(
            organization=org or self.org,
            category=category or self.category,
            title=title,
            body=body,
            written_date=written,
            created_by=self.editor,
            **fields,
        )
        item.contributors.add(self.editor)
        if state == "draft":
            return item
        workflow.submit(item, self.editor)
        if state == "pending_review":
            return item
        workflow.review(item, self.reviewer, secrecy_confirmed=True)
        if state == "pending_approval":
            return item
        if state == "scheduled":
            from django.utils import timezone

            return workflow.approve(item, self.leader, publish_at=timezone.now() + datetime.timedelta(days=3))
        workflow.approve(item, self.leader)
        if state == "withdrawn":
            workflow.withdraw(item, self.leader, reason="信息有误")
        item.refresh_from_db()
        return item


@pytest.fixture
def build(db):
    return Builder()


@pytest.fixture
def site_profile(db):
    from portal.models import SiteProfile

    return SiteProfile.objects.create(
        site_name="测试县政府信息公开平台",
        sponsor="测试县人民政府办公室",
        site_code="5305230001",
        icp_number="滇ICP备05001234号-1",
        psb_number="滇公网安备 53052302000001号",
        phone="0875-1234567",
    )


@pytest.fixture
def page_cache(settings, db):
    """The page cache on in the database cache (the embedded default), empty."""
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "portal.dbcache.PageDatabaseCache", "LOCATION": "test_page_cache"},
    }
    settings.PAGE_CACHE_SECONDS = 60
    call_command("createcachetable", verbosity=0)
    caches["pages"].clear()
    return caches["pages"]


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run each change's after-commit work (the page-cache version bump) as a real commit would."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def on_postgres() -> bool:
    return connection.vendor == "postgresql"
