from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, search_views, views
from .sitemaps import SITEMAPS

app_name = "disclosures"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<path:path>/", views.category, name="category"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:item_pk>/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("media/attachments/<path:path>", views.stored_attachment, name="stored_attachment"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:slug>/", views.guide, name="guide_org"),
    path("search/", search_views.search, name="search"),
    path("sitemap/", views.site_map, name="site_map"),
    path("api/items.json", views.api_items_json, name="api_json"),
    path("api/items.csv", views.api_items_csv, name="api_csv"),
    path("feeds/", views.feeds_index, name="feeds"),
    path("feeds/latest/", feeds.LatestItemsFeed(), name="feed_latest"),
    path("feeds/latest/rss/", feeds.LatestItemsRssFeed(), name="feed_latest_rss"),
    path("feeds/catalog/<path:path>/", feeds.CategoryFeed(), name="feed_category"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "disclosures:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
]
