"""The uncached ("cold") render of the public pages does no repeated work (issue 12, “Cold pages”):
the site profile and the catalogue tree are read once per content version in each process
(portal.pagecache.memo), the filter selects and the list rows skip template machinery — and the
pages stay exactly what they were: the same HTML, and every change visible at once."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosures.filters import ItemFilter
from disclosures.models import Category, DisclosureItem
from portal import pagecache
from portal.models import Organization, SiteProfile

_miss = iter(range(10**6))


def cold(client, url: str) -> str:
    """A page-cache miss: a query string of its own, rendered afresh."""
    response = client.get(f"{url}{'&' if '?' in url else '?'}cold={next(_miss)}")
    assert response.status_code == 200, url
    assert "X-Page-Cache" not in response
    return response.content.decode()


# ---- the same HTML -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"kind": "general", "year": "2025"},
        {"organization": "no-such-org", "validity": "valid"},
        {"year": '<script>"&'},
    ],
)
def test_the_filter_selects_are_what_djangos_select_template_renders(build, data):
    filterset = ItemFilter(data, queryset=DisclosureItem.objects.all())
    filterset.form.is_valid()
    for field in filterset.form:
        fast = str(field)
        widget = field.field.widget
        field.field.widget = forms.Select(attrs=widget.attrs, choices=widget.choices)
        assert fast == str(field), field.name
        field.field.widget = widget


def test_item_urls_are_what_reverse_gives(build):
    item = build.item()
    assert item.get_absolute_url() == reverse("disclosures:item", args=[item.pk])


def test_ymd_is_the_date_filter_in_the_current_time_zone(settings):
    template = engines["django"].from_string(
        "{% load portal_tags %}{{ at|ymd }}|{{ at|date:'Y-m-d' }}|{{ day|ymd }}|{{ day|date:'Y-m-d' }}|{{ none|ymd }}"
    )
    at = datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)  # 3月2日 01:30 in Asia/Shanghai
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert template.render({"at": at, "day": datetime.date(2026, 1, 5), "none": None}) == (
        "2026-03-02|2026-03-02|2026-01-05|2026-01-05|"
    )


# ---- no repeated work, every change at once --------------------------------------------------------


def test_site_profile_and_catalogue_are_read_once_per_version(client, build, site_profile, page_cache):
    item = build.item()
    node = build.category.get_absolute_url()
    for url in ("/", node, item.get_absolute_url()):
        cold(client, url)  # fills the per-process data of this version
    for url in ("/", node, item.get_absolute_url()):
        with CaptureQueriesContext(connection) as queries:
            cold(client, url)
        sql = "\n".join(q["sql"] for q in queries.captured_queries)
        assert "portal_siteprofile" not in sql, url
        assert 'FROM "disclosures_category"' not in sql, url  # joins of the item queries only


def test_a_site_profile_edit_shows_on_the_next_cold_page(client, build, site_profile, page_cache, commits):
    build.item()
    assert "测试县政府信息公开平台" in cold(client, "/")
    SiteProfile.objects.filter(pk=site_profile.pk).update(site_name="偷偷改的名称")  # no signal, no bump
    assert "偷偷改的名称" not in cold(client, "/")  # the same version: the profile read once
    profile = SiteProfile.current()
    profile.site_name = "新的网站名称"
    commits(profile.save)
    html = cold(client, "/")
    assert "新的网站名称" in html and "测试县政府信息公开平台" not in html


def test_a_catalogue_edit_shows_on_the_next_cold_page(client, build, site_profile, page_cache, commits):
    item = build.item()
    node = Category.objects.get(pk=build.category.pk)
    assert node.name in cold(client, item.get_absolute_url())
    node.name = "改名后的目录"
    commits(node.save)
    assert "改名后的目录" in cold(client, item.get_absolute_url())
    assert "改名后的目录" in cold(client, node.get_absolute_url())
    child = commits(Category.objects.create, parent=node, code="newchild", name="新建的下级目录")
    assert "新建的下级目录" in cold(client, node.get_absolute_url())
    assert Client().get(child.get_absolute_url()).status_code == 200
    commits(child.delete)
    assert Client().get(f"{child.get_absolute_url()}?x=1").status_code == 404


def test_the_organization_filter_is_read_once_per_version_and_follows_an_edit(
    client, build, site_profile, page_cache, commits
):
    build.item()
    url = build.category.get_absolute_url()
    assert f'<option value="{build.org.slug}">{build.org.name}</option>' in cold(client, url)
    Organization.objects.filter(pk=build.org.pk).update(name="偷偷改的机构名")  # no signal, no new version
    assert "偷偷改的机构名" not in cold(client, url)  # the same version: the choices were kept
    build.org.name = "改名后的民政局"
    commits(build.org.save)
    html = cold(client, url)
    assert f'<option value="{build.org.slug}">改名后的民政局</option>' in html
    filtered = cold(client, f"{url}?organization={build.other_org.slug}")
    assert "没有符合条件的信息。" in filtered and "无效" not in filtered
    assert "参数“发布机构”的取值“no-such-org”无效" in cold(client, f"{url}?organization=no-such-org")


def test_requests_outside_the_page_cache_read_everything_afresh(client, build, site_profile, page_cache):
    build.item()
    cold(client, "/")
    SiteProfile.objects.filter(pk=site_profile.pk).update(site_name="偷偷改的名称")
    staff = Client()
    staff.force_login(build.leader)  # a session: the page cache steps aside, so does the memo
    assert "偷偷改的名称" in staff.get("/").content.decode()


def test_without_a_version_memo_builds_every_time(rf):
    calls = []
    request = rf.get("/")
    for _ in range(2):
        pagecache.memo(request, "test-memo", lambda: calls.append(1))
    assert len(calls) == 2
    request.page_version = "v1"
    for _ in range(2):
        pagecache.memo(request, "test-memo", lambda: calls.append(1))
    assert len(calls) == 3
    request.page_version = "v2"
    pagecache.memo(request, "test-memo", lambda: calls.append(1))
    assert len(calls) == 4


def test_a_scheduled_item_is_never_kept_by_the_memo(client, build, site_profile, page_cache, commits):
    """The memo keeps catalogue and profile only: items are read on every cold render."""
    build.item("已公开的信息")
    cold(client, "/")
    later = build.item("定时发布的信息", state="scheduled")
    assert "定时发布的信息" not in cold(client, "/")
    DisclosureItem.objects.filter(pk=later.pk).update(
        status=DisclosureItem.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert "定时发布的信息" in cold(client, "/")
