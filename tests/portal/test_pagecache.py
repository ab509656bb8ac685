"""The shared page cache (portal/pagecache.py) and exact view counts (portal/viewcounts.py).

The cache runs here on the database cache (the default of a site without Redis), the real table;
a Redis variant runs when Redis answers at REDIS_TEST_URL. Every public-state change is tested the
same way: the page is cached (proved by a write that bypasses every signal not being shown), the
state changes through its usual function, and the next GET is fresh.
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from disclosures import workflow
from disclosures.models import Category, DisclosureItem
from portal import pagecache, viewcounts
from portal.models import SiteProfile

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
if worker := os.environ.get("PYTEST_XDIST_WORKER"):  # gw0, gw1…: each test process its own database
    _base, _, _number = REDIS_TEST_URL.rpartition("/")
    REDIS_TEST_URL = f"{_base}/{int(_number) + int(worker.removeprefix('gw'))}"


def entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM test_page_cache WHERE cache_key LIKE %s", ["%pc:page:%"])
        return cursor.fetchone()[0]


def text(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def behind_the_caches_back(item, **fields):
    """A write no signal sees: if the next page still shows the old value, it came from the cache."""
    DisclosureItem.objects.filter(pk=item.pk).update(**fields)


# ---- what is cached, for whom ------------------------------------------------------------------


def test_anonymous_public_page_is_served_from_the_cache(client, build, site_profile, page_cache):
    item = build.item("原来的标题")
    assert "原来的标题" in text(client, "/")
    assert entries() == 1
    behind_the_caches_back(item, title="偷偷改的标题")
    html = text(client, "/")
    assert "原来的标题" in html and "偷偷改的标题" not in html
    assert "偷偷改的标题" in text(Client(), "/?x=1")  # another key (query) is rendered afresh


def test_cache_hit_runs_no_query(client, build, site_profile, page_cache, django_assert_max_num_queries):
    build.item()
    text(client, "/guide/")
    with django_assert_max_num_queries(1):  # the one shared-cache read (version and page together)
        text(client, "/guide/")


def test_staff_sessions_never_get_the_cached_page_and_never_fill_it(client, build, site_profile, page_cache):
    item = build.item("公开标题")
    text(client, item.get_absolute_url())
    behind_the_caches_back(item, title="新的标题")
    staff = Client()
    staff.force_login(build.leader)
    assert "新的标题" in text(staff, item.get_absolute_url())
    before = entries()
    text(staff, "/catalog/")
    assert entries() == before  # what staff saw is never stored


def test_display_preferences_get_their_own_pages(client, build, site_profile, page_cache):
    build.item()
    assert 'data-fontsize="medium"' in text(client, "/")
    large = Client()
    large.cookies["fontsize"] = "large"
    assert 'data-fontsize="large"' in text(large, "/")
    contrast = Client()
    contrast.cookies["contrast"] = "high"
    assert 'data-contrast="high"' in text(contrast, "/")
    assert 'data-fontsize="medium"' in text(Client(), "/") and 'data-contrast="normal"' in text(Client(), "/")
    assert entries() == 3
    # Choosing a preference sets a cookie: that answer is never stored, so nobody else gets it.
    chooser = Client()
    response = chooser.get("/?fontsize=large")
    assert response.cookies["fontsize"].value == "large"
    assert entries() == 3
    assert 'data-fontsize="medium"' in text(Client(), "/?fontsize=large".replace("fontsize=large", "a=1"))


def test_pages_with_a_csrf_form_are_never_cached(client, build, site_profile, page_cache):
    for url in ("/apply/", "/interact/ask/", "/interact/track/", "/apply/track/"):
        response = client.get(url)
        assert response.status_code == 200
    assert entries() == 0


def test_unpublished_items_never_enter_the_cache(client, build, site_profile, page_cache, commits):
    draft = build.item("草稿信息", state="pending_approval")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "草稿信息" not in text(client, "/")
    staff = Client()
    staff.force_login(build.editor)
    staff.get(f"/admin/disclosures/disclosureitem/{draft.pk}/change/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM test_page_cache")
        stored = b"".join(bytes(row[0], "utf-8") if isinstance(row[0], str) else bytes(row[0]) for row in cursor)
    assert "草稿信息".encode() not in stored
    commits(workflow.approve, draft, build.leader)
    assert "草稿信息" in text(client, "/")
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_page_rendered_before_a_commit_is_never_served_after_it(client, build, site_profile, page_cache):
    """The version is read before rendering; a copy made from older data carries an older version."""
    build.item()
    version = pagecache.current_version()
    text(client, "/")
    pagecache.bump()  # what a commit's after-commit work does
    assert pagecache.current_version() != version
    before = client.get("/")
    assert before.status_code == 200 and entries() == 1  # re-rendered and stored again under the new version


def test_errors_posts_and_admin_are_not_cached(client, build, site_profile, page_cache):
    assert client.get("/items/999999/").status_code == 404
    client.post("/search/", {"q": "x"})
    client.get("/admin/login/")
    assert entries() == 0


# ---- invalidation: every public-state change --------------------------------------------------


def test_publication_is_visible_at_once(client, build, site_profile, page_cache, commits):
    pending = build.item("待审批的信息", state="pending_approval")
    assert "待审批的信息" not in text(client, "/")
    assert "待审批的信息" not in text(client, build.category.get_absolute_url())
    commits(workflow.approve, pending, build.leader)
    assert "待审批的信息" in text(client, "/")
    assert "待审批的信息" in text(client, build.category.get_absolute_url())


def test_scheduled_publication_is_visible_at_once(client, build, site_profile, page_cache, commits):
    scheduled = build.item("定时发布的信息", state="scheduled")
    assert "定时发布的信息" not in text(client, "/")
    DisclosureItem.objects.filter(pk=scheduled.pk).update(scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    commits(workflow.publish_due)
    assert "定时发布的信息" in text(client, "/")


def test_revision_approval_is_visible_at_once(client, build, site_profile, page_cache, commits):
    item = build.item("修订前的标题")
    assert "修订前的标题" in text(client, item.get_absolute_url())
    revision = workflow.start_revision(item, build.editor)
    revision.title = "修订后的标题"
    revision.change_note = "更正标题"
    revision.save()
    workflow.submit(revision, build.editor)
    workflow.review(revision, build.reviewer, secrecy_confirmed=True)
    assert "修订前的标题" in text(client, item.get_absolute_url())  # the public keeps the live version
    commits(workflow.approve_revision, revision, build.leader)
    assert "修订后的标题" in text(client, item.get_absolute_url())


def test_withdrawal_shows_its_banner_at_once(client, build, site_profile, page_cache, commits):
    item = build.item("将被撤回的信息")
    assert "已撤回" not in text(client, item.get_absolute_url())
    assert "将被撤回的信息" in text(client, "/")
    commits(workflow.withdraw, item, build.leader, reason="信息有误")
    assert "已撤回" in text(client, item.get_absolute_url())
    assert "将被撤回的信息" not in text(client, "/")


def test_validity_change_is_visible_at_once(client, build, site_profile, page_cache, commits):
    item = build.item("一份政策", category=build.policy_category)
    assert "废止" not in text(client, item.get_absolute_url())
    commits(
        workflow.set_validity, item, build.leader, validity="repealed", on=timezone.localdate(), reason="已被新文件取代"
    )
    assert "废止" in text(client, item.get_absolute_url())


def test_catalogue_and_site_profile_edits_are_visible_at_once(client, build, site_profile, page_cache, commits):
    build.item()
    assert "社会救助" in text(client, "/catalog/")

    def rename():
        node = Category.objects.get(pk=build.category.pk)
        node.name = "社会救助信息"
        node.save()

    commits(rename)
    assert "社会救助信息" in text(client, "/catalog/")

    def retitle():
        profile = SiteProfile.current()
        profile.site_name = "改名后的政务公开网"
        profile.save()

    commits(retitle)
    assert "改名后的政务公开网" in text(client, "/")


def test_organization_edit_is_visible_at_once(client, build, site_profile, page_cache, commits):
    assert "0875-1234567" in text(client, "/guide/")

    def rephone():
        build.org.phone = "0875-7654321"
        build.org.save()

    commits(rephone)
    assert "0875-7654321" in text(client, "/guide/")


def test_report_publication_is_visible_at_once(client, build, site_profile, page_cache, commits):
    from reports import workflow as rw

    from ..reports import data as rd

    Category.objects.create(code="nb", name="政府信息公开年报", kind="annual_report")
    rd.load(build)
    report = rw.create_report(build.org, 2025, build.editor)
    before = text(client, "/reports/")
    rw.submit(report, build.editor)
    rw.review(report, build.reviewer, secrecy_confirmed=True)
    commits(rw.approve, report, build.leader)
    after = text(client, "/reports/")
    assert after != before and report.get_absolute_url() in after


def test_message_selection_and_unpublishing_are_visible_at_once(client, build, site_profile, page_cache, commits):
    from interaction import workflow as iw

    from ..interaction.conftest import Interaction

    message = Interaction(build).message("answered", title="关于路灯的咨询")
    assert "关于路灯的咨询" not in text(client, "/interact/messages/")
    commits(iw.publish, message, build.leader2)
    assert "关于路灯的咨询" in text(client, "/interact/messages/")
    commits(iw.unpublish, message, build.leader2, reason="留言人要求撤下")
    assert "关于路灯的咨询" not in text(client, "/interact/messages/")


def test_every_audited_state_change_invalidates(build, site_profile, page_cache, commits):
    """The one place every state change passes (portal.audit.record): any action but logins."""
    from portal.audit import record

    version = pagecache.current_version()
    commits(record, "report.approve", actor=build.leader)
    assert pagecache.current_version() != version
    version = pagecache.current_version()
    commits(record, "auth.logged_in", actor=build.leader)
    assert pagecache.current_version() == version


# ---- view counts and conditional requests -----------------------------------------------------


def test_every_full_view_counts_once_cached_or_not(client, build, site_profile, page_cache):
    item = build.item()
    url = item.get_absolute_url()
    for _ in range(7):
        assert client.get(url).status_code == 200
    assert entries() == 1  # six of them were cache hits
    client.head(url)
    client.get(url + "?print=1")
    assert viewcounts.fold() == 7
    item.refresh_from_db()
    assert item.view_count == 7
    assert viewcounts.fold() == 0  # folding again adds nothing


def test_revalidation_gets_304_and_does_not_count(client, build, site_profile, page_cache):
    item = build.item()
    url = item.get_absolute_url()
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # from the cache
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    caches["pages"].clear()
    again = client.get(url)  # rendered afresh with a higher count: same ETag
    assert again["ETag"] == etag and again.status_code == 200
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert viewcounts.fold() == 2


def test_etag_is_stable_without_the_page_cache(client, build, site_profile):
    item = build.item()
    url = item.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert "<dd data-live-count>2</dd>" in second.content.decode()
    assert first["ETag"] == second["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert viewcounts.fold() == 2


def test_shown_count_includes_views_not_yet_folded(client, build, site_profile):
    item = build.item()
    for _ in range(3):
        client.get(item.get_absolute_url())
    assert "<dd data-live-count>4</dd>" in text(client, item.get_absolute_url())
    viewcounts.fold()
    assert "<dd data-live-count>5</dd>" in text(client, item.get_absolute_url())


def test_counts_live_in_shared_storage_not_in_the_worker(client, build, site_profile):
    """A view is stored when answered: nothing waits in a worker's memory for a killed worker to
    lose. The rows are there for any other process to fold."""
    item = build.item()
    client.get(item.get_absolute_url())
    from portal.models import PendingView

    assert PendingView.objects.filter(counter="item", object_id=item.pk).count() == 1
    call_command("flush_view_counts", stdout=open(os.devnull, "w"))
    item.refresh_from_db()
    assert item.view_count == 1 and not PendingView.objects.exists()


def _redis_or_skip():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL)
        client.ping()
    except Exception:
        pytest.fail(f"Redis is required at {REDIS_TEST_URL} (CI and this machine run it; see README Tests and CI)")
    return client


@pytest.fixture
def redis_mode(settings, db):
    client = _redis_or_skip()
    for key in client.scan_iter("vc:*"):
        client.delete(key)
    settings.VIEW_COUNT_REDIS_URL = REDIS_TEST_URL
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL},
    }
    caches["pages"].clear()
    yield client
    for key in client.scan_iter("vc:*"):
        client.delete(key)
    caches["pages"].clear()


def test_redis_counts_are_exact_and_an_interrupted_fold_is_neither_lost_nor_doubled(
    client, build, site_profile, redis_mode, commits
):
    item = build.item("Redis 计数")
    url = item.get_absolute_url()
    for _ in range(5):
        assert client.get(url).status_code == 200
    assert "<dd data-live-count>6</dd>" in text(Client(), url + "?fresh=1")  # pending shown from Redis
    # A fold that died after renaming the hash, before adding it up:
    redis_mode.rename("vc:pending:item", "vc:folding:item:died")
    client.get(url)
    assert viewcounts.fold() == 7
    item.refresh_from_db()
    assert item.view_count == 7
    # A fold that died after committing, before deleting its batch: not added again.
    redis_mode.hset("vc:folding:item:died", str(item.pk), 6)
    assert viewcounts.fold() == 0
    item.refresh_from_db()
    assert item.view_count == 7 and not list(redis_mode.scan_iter("vc:folding:*"))


def test_redis_page_cache_invalidates_at_once(client, build, site_profile, redis_mode, commits):
    item = build.item("Redis 页面")
    text(client, item.get_absolute_url())
    behind_the_caches_back(item, title="没有通知缓存的标题")
    assert "没有通知缓存的标题" not in text(client, item.get_absolute_url())
    commits(workflow.withdraw, item, build.leader, reason="信息有误")
    assert "已撤回" in text(client, item.get_absolute_url())


# ---- the worker's own first level (pagecache.LOCAL) -----------------------------------------------


def another_worker_bumps(page_cache) -> None:
    """What a commit in another process does: only the shared version changes, not this worker's."""
    page_cache.set(pagecache.VERSION_KEY, "9999999999.000000:other", None)


def test_a_repeated_hit_is_served_from_the_workers_memory_without_any_query(
    client, build, site_profile, page_cache, django_assert_num_queries
):
    build.item()
    text(client, "/guide/")
    with django_assert_num_queries(0):
        text(client, "/guide/")


def test_another_workers_change_is_seen_once_the_local_version_is_older_than_its_bound(
    client, build, site_profile, page_cache, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.5
    item = build.item("旧标题")
    text(client, item.get_absolute_url())
    behind_the_caches_back(item, title="另一个进程改的标题")
    another_worker_bumps(page_cache)
    # Within the bound this worker may still serve its copy …
    assert "旧标题" in text(client, item.get_absolute_url())
    # … and once its version is older than the bound it reads the shared one and renders afresh.
    pagecache.LOCAL.read_at -= 0.6
    assert "另一个进程改的标题" in text(client, item.get_absolute_url())


def test_without_a_local_bound_every_request_reads_the_shared_version(
    client, build, site_profile, page_cache, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    item = build.item("旧标题")
    text(client, item.get_absolute_url())
    behind_the_caches_back(item, title="新标题")
    another_worker_bumps(page_cache)
    assert "新标题" in text(client, item.get_absolute_url())


def test_local_copies_expire_with_the_shared_ones(client, build, site_profile, page_cache):
    item = build.item("旧标题")
    text(client, item.get_absolute_url())
    behind_the_caches_back(item, title="新标题")
    for entry in pagecache.LOCAL.pages.values():
        entry["stored"] -= 61
    page_cache.clear()  # the shared copy has expired too
    pagecache.LOCAL.read_at -= 1
    assert "新标题" in text(client, item.get_absolute_url())


def test_local_memory_is_bounded(client, build, site_profile, page_cache, settings):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 3
    build.item()
    for n in range(6):
        text(client, f"/guide/?n={n}")
    assert len(pagecache.LOCAL.pages) == 3
    assert pagecache.LOCAL.bytes == sum(len(e["content"]) for e in pagecache.LOCAL.pages.values())
