from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Category, DisclosureItem


class ItemSitemap(Sitemap):
    limit = 5000  # protocol allows 50,000; smaller files render in a fraction of a second

    def items(self):
        return DisclosureItem.objects.published().only("id", "published_at", "updated_at").order_by("id")

    def lastmod(self, item):
        return item.published_at

    def get_latest_lastmod(self):
        # The index's date, from one aggregate: Django's default builds every item (100k objects,
        # seconds per request) to take the max of `lastmod`.
        return self.items().order_by().aggregate(latest=Max("published_at"))["latest"]


class CategorySitemap(Sitemap):
    def items(self):
        return Category.objects.only("path").order_by("path")


class PageSitemap(Sitemap):
    def items(self):
        return ["disclosures:home", "disclosures:catalog", "disclosures:guide", "disclosures:site_map"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"items": ItemSitemap, "catalog": CategorySitemap, "pages": PageSitemap}
