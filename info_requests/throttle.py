"""Abuse protection without CAPTCHAs (适老化 W9): attempts counted in the database.

The database is shared by every app server, so the limits hold behind a load balancer without a
shared atomic cache (which django-ratelimit would need). Keys are HMAC digests of the IP address
and the 查询码, and the blind index of the identity number (portal/crypto.py): nothing here
identifies a person in the clear.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit import client_ip
from portal.crypto import blind_index

from .models import ThrottleHit, ThrottleKey


@dataclass(frozen=True)
class Limit:
    scope: str
    max_hits: int
    window: datetime.timedelta


# Online applications: per address and per applicant identity (第三十五条 still lets staff treat
# genuine mass requests; this only stops scripted floods).
APPLY_PER_IP = Limit("apply-ip", 10, datetime.timedelta(hours=1))
APPLY_PER_IDENTITY = Limit("apply-id", 5, datetime.timedelta(days=1))
# Tracking: failed lookups per address and per 查询码 (the second factor has only 10,000 values).
TRACK_FAIL_PER_IP = Limit("track-ip", 10, datetime.timedelta(minutes=30))
TRACK_FAIL_PER_CODE = Limit("track-code", 5, datetime.timedelta(hours=24))


def digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def identity_key(id_number: str) -> str:
    """The applicant's identity for the per-applicant limit: the blind index stored beside the
    encrypted number (Application.identity_key); '' without a number."""
    return blind_index(id_number, "identity")


def client_key(request) -> str:
    """The client's address as a digest. The address comes from portal.audit.client_ip, which
    trusts X-Forwarded-For only behind the configured number of proxies (README, 生产部署)."""
    return digest("ip:" + (client_ip(request) or "unknown"))


def blocked(limit: Limit, key: str, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return ThrottleHit.objects.filter(scope=limit.scope, key=key, at__gt=now - limit.window).count() >= limit.max_hits


def hit(limit: Limit, key: str, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    ThrottleHit.objects.create(scope=limit.scope, key=key, at=now)


def take(*pairs: tuple[Limit, str], now: datetime.datetime | None = None) -> Limit | None:
    """Count one attempt against every (limit, key) pair, atomically: if any limit is reached,
    nothing is counted and that limit is returned; otherwise all are counted and None is returned.
    The check and the count happen under a lock per key, so concurrent requests on several workers
    cannot slip past a limit (on SQLite every transaction takes the write lock first: settings)."""
    now = now or timezone.now()
    pairs = tuple((limit, key) for limit, key in pairs if key)
    with transaction.atomic():
        for limit, key in sorted(pairs, key=lambda p: (p[0].scope, p[1])):  # one order: no deadlock
            ThrottleKey.objects.get_or_create(scope=limit.scope, key=key)
            ThrottleKey.objects.select_for_update().filter(scope=limit.scope, key=key).exists()
        for limit, key in pairs:
            if blocked(limit, key, now):
                return limit
        ThrottleHit.objects.bulk_create([ThrottleHit(scope=limit.scope, key=key, at=now) for limit, key in pairs])
    return None


def purge(before: datetime.datetime | None = None) -> int:
    """Drop records older than every window (called by remind_deadlines)."""
    before = before or timezone.now() - datetime.timedelta(days=2)
    removed = ThrottleHit.objects.filter(at__lt=before).delete()[0]
    ThrottleKey.objects.exclude(key__in=ThrottleHit.objects.values("key")).delete()
    return removed
