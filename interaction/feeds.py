"""Atom feeds: new consultations and new published replies (dates in Asia/Shanghai, the site's
TIME_ZONE). Both read only the `public()` selectors."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from portal.models import SiteProfile

from .models import Consultation, Message

FEED_SIZE = 30


class ConsultationFeed(Feed):
    feed_type = Atom1Feed
    description = "新发布的意见征集"

    def title(self):
        return f"{SiteProfile.current().site_name} · 意见征集"

    def link(self):
        return reverse("interaction:consultations")

    def items(self):
        return (
            Consultation.objects.public()
            .select_related("organization", "item")
            .order_by("-item__published_at")[:FEED_SIZE]
        )

    def item_title(self, c):
        return c.title

    def item_description(self, c):
        return f"{c.organization.name}，征集时间{c.start_date:%Y-%m-%d}至{c.end_date:%Y-%m-%d}。{c.description[:200]}"

    def item_pubdate(self, c):
        return timezone.localtime(c.item.published_at)  # Asia/Shanghai (TIME_ZONE), not UTC

    def item_updateddate(self, c):
        return timezone.localtime(c.item.published_at)  # Asia/Shanghai (TIME_ZONE), not UTC

    def item_author_name(self, c):
        return c.organization.name


class ReplyFeed(Feed):
    feed_type = Atom1Feed
    description = "新公开的留言答复"

    def title(self):
        return f"{SiteProfile.current().site_name} · 留言选登"

    def link(self):
        return reverse("interaction:messages")

    def items(self):
        return Message.objects.public().select_related("reply__organization").order_by("-published_at")[:FEED_SIZE]

    def item_title(self, m):
        return m.title

    def item_description(self, m):
        return f"{m.reply.organization.name}答复：{m.reply.body[:200]}"

    def item_pubdate(self, m):
        return timezone.localtime(m.published_at)  # Asia/Shanghai (TIME_ZONE), not UTC

    def item_updateddate(self, m):
        return timezone.localtime(m.published_at)  # Asia/Shanghai (TIME_ZONE), not UTC

    def item_author_name(self, m):
        return m.reply.organization.name
