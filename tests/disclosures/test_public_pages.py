"""Public pages: what they show, that unpublished things never show, fixed query counts, and
malformed input never answering 500."""

import csv
import datetime
import io
import json
import re
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import close_old_connections
from django.utils.http import parse_http_date

from disclosures.models import Attachment, DisclosureItem


@pytest.fixture
def published(build, site_profile):
    return build.item("龙山镇低保金发放情况公示", document_number="测民发〔2026〕3号")


def test_home_shows_latest_and_panels(client, published, build):
    html = client.get("/").content.decode()
    assert published.title in html
    assert "社会救助" in html  # the home panel of the category
    for label in ("政府信息公开指南", "政府信息公开目录", "依申请公开", "年报"):
        assert label in html
    for footer in ("测试县人民政府办公室", "5305230001", "滇ICP备05001234号-1", "滇公网安备", "网站地图"):
        assert footer in html


def test_item_page_metadata_block_in_standard_order(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    labels = ["索引号", "发布机构", "公开目录", "发布日期", "成文日期", "文号", "浏览量"]
    positions = [html.index(f"<dt>{label}</dt>") for label in labels]
    assert positions == sorted(positions)
    assert html.index("<dt>索引号</dt>") < html.index("<h1>")
    assert published.index_number in html and "测民发〔2026〕3号" in html


def test_empty_document_number_shows_none_label(client, build, site_profile):
    item = build.item()
    assert "<dt>文号</dt><dd>无</dd>" in client.get(item.get_absolute_url()).content.decode()


def test_view_count_increments(client, published):
    from portal import viewcounts

    client.get(published.get_absolute_url())
    html = client.get(published.get_absolute_url()).content.decode()
    assert "<dd data-live-count>2</dd>" in html  # pending views are shown before they are folded
    assert viewcounts.fold() == 2
    published.refresh_from_db()
    assert published.view_count == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_view_count_loses_nothing_under_concurrency(build, site_profile):
    from django.test import Client

    item = build.item()
    url = item.get_absolute_url()

    def hit():
        c = Client()
        for _ in range(10):
            assert c.get(url).status_code == 200
        close_old_connections()

    threads = [threading.Thread(target=hit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from portal import viewcounts

    assert viewcounts.fold() == 60
    item.refresh_from_db()
    assert item.view_count == 60


@pytest.mark.parametrize("state", ["draft", "pending_review", "pending_approval", "scheduled"])
def test_unpublished_items_are_invisible_everywhere(client, build, site_profile, state):
    secret = build.item(f"未公开信息{state}", state=state)
    att = Attachment(item=secret, original_name="a.pdf", size=8, file_type="pdf", content_type="application/pdf")
    att.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(att.get_absolute_url()).status_code == 404
    for url in [
        "/",
        "/catalog/",
        "/catalog/fdzdgk/shjz/",
        "/api/items.json",
        "/api/items.csv",
        "/feeds/latest/",
        "/sitemap-items.xml",
        f"/search/?q={secret.title}",
    ]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert secret.get_absolute_url() not in body.decode(), url
        if "search" not in url:  # the search page echoes the query itself
            assert secret.title not in body.decode(), url


def test_withdrawn_item_keeps_its_page_with_banner_and_leaves_lists(client, build, site_profile):
    item = build.item("已撤回的信息", state="withdrawn")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "本信息已撤回" in html and "信息有误" in html
    assert "已撤回的信息" not in client.get("/").content.decode()
    assert "已撤回的信息" not in client.get("/catalog/fdzdgk/shjz/").content.decode()


def test_published_attachment_downloads_with_original_name(client, published):
    att = Attachment(item=published, original_name="名单.pdf", size=8, file_type="pdf", content_type="application/pdf")
    att.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=True)
    response = client.get(att.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_roster_attachment_closes_after_publicity_period(client, build, site_profile):
    from disclosures.models import SocialAssistanceDetail

    item = build.item("初审名单公示", kind="social_assistance")
    SocialAssistanceDetail.objects.create(
        item=item,
        program="dibao",
        period="2026年",
        publicity_start=datetime.date(2026, 1, 1),
        publicity_end=datetime.date(2026, 1, 7),
    )
    att = Attachment(item=item, original_name="名单.xlsx", size=8, file_type="xlsx", content_type="x")
    att.file.save("x.xlsx", ContentFile(b"PK"), save=True)
    assert client.get(att.get_absolute_url()).status_code == 404
    assert "公示期已满" in client.get(item.get_absolute_url()).content.decode()


def test_catalog_lists_counts_and_filters(client, build, site_profile):
    build.item("二〇二六年的信息")
    build.item("财政局的信息", org=build.other_org)
    html = client.get("/catalog/").content.decode()
    assert "社会救助" in html and "（2）" in html
    html = client.get("/catalog/fdzdgk/shjz/?organization=csczj").content.decode()
    assert "财政局的信息" in html and "二〇二六年的信息" not in html


def test_api_json_and_csv(client, published):
    data = json.loads(client.get("/api/items.json").content)
    assert data["count"] == 1
    row = data["results"][0]
    assert row["index_number"] == published.index_number
    assert row["url"].endswith(published.get_absolute_url())
    response = client.get("/api/items.csv?bom=1")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff索引号,名称")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][0] == published.index_number


def test_guide_is_built_from_organization_data(client, build, site_profile):
    html = client.get("/guide/").content.decode()
    for part in ("分类与编排体系", "获取方式", "测试县测试路1号", "0875-1234567", "依申请公开", "信息处理费"):
        assert part in html


def test_feeds_and_sitemap(client, published):
    assert published.title in client.get("/feeds/latest/").content.decode()
    assert published.get_absolute_url() in client.get("/sitemap-items.xml").content.decode()
    assert client.get("/sitemap.xml").status_code == 200
    assert "Sitemap:" in client.get("/robots.txt").content.decode()


MALFORMED = [
    "/?page=abc",
    "/catalog/fdzdgk/shjz/?page=abc",
    "/catalog/fdzdgk/shjz/?year=3000x",
    "/catalog/fdzdgk/shjz/?page=-1&year=%00&organization=%ff%fe&kind=<script>&validity=x",
    "/catalog/fdzdgk/shjz/?page=99999999999999999999",
    "/api/items.json?page=abc&year=abc",
    "/api/items.csv?page=0",
    "/search/?q=%00&page=x",
    "/catalog/fdzdgk/shjz/?organization=%00",
    "/api/items.json?kind=a%00b",
    "/items/abc/",
    "/items/99999999/",
    "/catalog/nonexistent/",
    "/guide/nope/",
    "/feeds/catalog/nope/",
    "/items/1/attachments/999/",
    "/search/?q=" + "长" * 5000,
]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_input_never_answers_500(client, published, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    if response.status_code == 404:
        assert "页面不存在" in response.content.decode()


def test_malformed_page_shows_chinese_message(client, published):
    html = client.get("/catalog/fdzdgk/shjz/?page=abc&year=3000x").content.decode()
    assert "页码“abc”无效" in html and "“3000x”无效" in html
    assert published.title in html


def _fill(build, n):
    for i in range(n):
        build.item(
            f"批量信息{i}",
            category=build.policy_category if i % 2 else build.category,
            kind="policy" if i % 2 else "general",
            validity="valid" if i % 2 else "",
        )


PAGES = {
    "/": 5,
    "/catalog/": 4,
    "/catalog/fdzdgk/shjz/": 7,
    "/guide/": 4,
    "/api/items.json": 4,
    "/feeds/latest/": 3,
    "/sitemap-items.xml": 3,
    "/sitemap.xml": 7,  # the index: a count and one latest date per section, whatever the item count
    "/sitemap/": 3,
}


@pytest.mark.parametrize("path,limit", PAGES.items())
def test_public_pages_keep_a_fixed_number_of_queries(
    client, build, site_profile, django_assert_max_num_queries, path, limit
):
    _fill(build, 10)
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200
    _fill(build, 190)
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200


def test_sitemap_index_dates_from_one_aggregate_not_from_every_item(client, build, site_profile):
    _fill(build, 12)
    latest = DisclosureItem.objects.published().order_by("-published_at").first().published_at
    response = client.get("/sitemap.xml")
    # The items section's <lastmod> is the newest publication (Django's template, ISO 8601 in the
    # site's time zone). The Last-Modified header is the content version's time (portal/pagecache.py),
    # never earlier than that publication; comparing it to the second was a race with the clock.
    stamps = re.findall(r"<loc>[^<]*sitemap-items\.xml</loc>\s*<lastmod>([^<]+)</lastmod>", response.content.decode())
    assert [datetime.datetime.fromisoformat(s) for s in stamps] == [latest]
    assert parse_http_date(response["Last-Modified"]) >= int(latest.timestamp())


def test_item_page_query_count_is_fixed(client, build, site_profile, django_assert_max_num_queries):
    item = build.item()
    with django_assert_max_num_queries(7):
        client.get(item.get_absolute_url())
    _fill(build, 50)
    with django_assert_max_num_queries(7):
        client.get(item.get_absolute_url())


def test_print_view_and_display_preferences(client, published):
    html = client.get(published.get_absolute_url() + "?print=1").content.decode()
    assert "本页网址" in html and "打印版本" not in html
    response = client.get("/?fontsize=large")
    assert 'data-fontsize="large"' in response.content.decode()
    assert response.cookies["fontsize"].value == "large"
    assert 'data-fontsize="large"' in client.get("/").content.decode()


def test_csp_header_on_public_pages(client, published):
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp


def test_custom_404_is_chinese(client, site_profile):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
