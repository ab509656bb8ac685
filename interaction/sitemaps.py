"""Sitemap sections of 互动回应: only what `public()` lets through (registered in apps.py)."""

from django.contrib.sitemaps import Sitemap

from .models import Consultation, Message


class MessageSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Message.objects.public().only("id", "published_at").order_by("id")

    def lastmod(self, message):
        return message.published_at


class ConsultationSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Consultation.objects.public().only("id").order_by("id")
