"""Feeds in Beijing time with URI ids, the subscription page, and a 指南 that shows a real 索引号."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from django.utils import timezone

from disclosures.models import DisclosureItem

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_dates_are_beijing_time_and_ids_are_the_permanent_url(client, build, site_profile):
    item = build.item("凌晨发布的通知")
    late_night = timezone.make_aware(datetime.datetime(2026, 11, 20, 0, 51), timezone.get_default_timezone())
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=late_night)
    root = ET.fromstring(client.get("/feeds/latest/").content)
    entry = next(e for e in root.iter(f"{ATOM}entry") if e.find(f"{ATOM}title").text == "凌晨发布的通知")
    assert entry.find(f"{ATOM}updated").text.startswith("2026-11-20T00:51:00+08:00")
    assert entry.find(f"{ATOM}id").text.endswith(f"/items/{item.pk}/")
    rss = ET.fromstring(client.get("/feeds/latest/rss/").content)
    guid = next(i for i in rss.iter("item") if i.find("title").text == "凌晨发布的通知").find("guid").text
    assert guid.startswith("http") and guid.endswith(f"/items/{item.pk}/")


def test_the_footer_subscription_link_leads_to_a_page_listing_every_feed(client, build, site_profile):
    home = client.get("/").content.decode()
    assert 'href="/feeds/"' in home
    page = client.get("/feeds/").content.decode()
    assert "订阅（RSS/Atom）可以让您" in page
    assert f'href="/feeds/catalog/{build.category.path}/"' in page


def test_the_guide_shows_an_example_number_and_the_rule_in_words_not_the_template(client, build, site_profile):
    page = client.get(f"/guide/{build.org.slug}/").content.decode()
    assert "{code" not in page and "{seq" not in page
    today = timezone.localdate()
    assert f"01526257-2-/{today.year}-{today:%m%d}001" in page and "流水号（每天从1起编）" in page
    assert "更新日期" in page and 'aria-label="当前位置"' in page
