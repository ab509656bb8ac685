"""Atom and RSS feeds of published items: site-wide and per catalogue node. Dates are Beijing time
(an item published at 00:51 is dated that day, not the previous one); entry ids are the item's
permanent URL, as Atom and RSS expect of an id (the 索引号 is not a URI)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from portal.models import SiteProfile

from .models import Category, DisclosureItem

FEED_SIZE = 30


class LatestItemsFeed(Feed):
    feed_type = Atom1Feed
    description = "最新主动公开的政府信息"

    def title(self):
        return f"{SiteProfile.current().site_name} · 最新公开信息"

    def link(self):
        return reverse("disclosures:home")

    def items(self):
        return DisclosureItem.objects.published().select_related("organization")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        when = timezone.localtime(item.published_at)
        return item.summary or f"{item.organization.name} 发布于 {when:%Y-%m-%d}（索引号 {item.index_number}）"

    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(item.published_at)

    def item_author_name(self, item):
        return item.organization.name


class LatestItemsRssFeed(LatestItemsFeed):
    feed_type = Rss201rev2Feed


class CategoryFeed(LatestItemsFeed):
    def get_object(self, request, path):
        return get_object_or_404(Category, path=path.strip("/"))

    def title(self, category):
        return f"{category.name} · 公开信息"

    def link(self, category):
        return category.get_absolute_url()

    def items(self, category):
        return (
            DisclosureItem.objects.published()
            .filter(category.descendant_q())
            .select_related("organization")[:FEED_SIZE]
        )
