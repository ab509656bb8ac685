"""Dead-link checks (死链): every link in the bodies and attachments of public items.

Internal links (this site's own addresses) are checked against the database: an item page must be
public and not withdrawn, an attachment downloadable, an editor image public, any other address
must resolve. External links are fetched (HEAD, then GET when a server refuses HEAD) with a short
timeout and a pause between requests to one host, so the check is polite; only the status counts.
Results are kept with the item (LinkCheck) and listed on the dashboard and in the self-inspection;
the workflow panel checks a draft's internal links on the spot, before publication.

Dead links and empty or stale columns cost points in the website inspection (国办秘函〔2019〕19号).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from portal.tasks import job

from .models import Attachment, DisclosureItem, LinkCheck

HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"'<>\s]+)["']""", re.IGNORECASE)
BARE_URL = re.compile(r"https?://[^\s\"'<>，。；）)]+")
TIMEOUT = 5  # seconds per external request
PAUSE = 1.0  # seconds between two requests to the same host
USER_AGENT = "ZhengwuPortal-LinkCheck/1.0 (+government website self-inspection)"


@dataclass(frozen=True)
class Result:
    url: str
    ok: bool
    note: str
    status: int | None = None
    external: bool = False


def links_in(item: DisclosureItem) -> list[str]:
    """Links of the body (href/src) and URLs written in the attachments' text, in order, once each."""
    found = HREF.findall(item.body or "")
    for attachment in item.attachments.all():
        found += BARE_URL.findall(attachment.text or "")
    seen, ordered = set(), []
    for url in found:
        if url.startswith(("mailto:", "#", "tel:")) or url in seen:
            continue
        seen.add(url)
        ordered.append(url)
    return ordered


def _own_hosts() -> set[str]:
    from portal.models import SiteProfile

    hosts = {h.lower() for h in settings.ALLOWED_HOSTS if h not in ("*",)}
    domain = SiteProfile.current().site_domain
    if domain:
        hosts.add(domain.lower())
    return hosts


def is_internal(url: str) -> bool:
    """A relative link, or one to this site's own host on the standard port."""
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return True
    try:
        port = parts.port
    except ValueError:
        return False
    return port is None and (parts.hostname or "").lower() in _own_hosts()


def check_internal(url: str) -> Result:
    path = urlsplit(url).path or "/"
    try:
        match = resolve(path)
    except Resolver404:
        return Result(url, False, "本站地址不存在")
    name = match.url_name
    if name == "item":
        item = DisclosureItem.objects.viewable().filter(pk=match.kwargs["pk"]).only("status").first()
        if item is None:
            return Result(url, False, "链接的信息不存在或尚未发布")
        if item.status == DisclosureItem.Status.WITHDRAWN:
            return Result(url, False, "链接的信息已撤回")
    elif name == "attachment":
        from .views import attachments_closed

        attachment = (
            Attachment.objects.filter(pk=match.kwargs["pk"], item_id=match.kwargs["item_pk"])
            .select_related("item", "item__social_assistance")
            .first()
        )
        if attachment is None or not attachment.item.is_public or attachments_closed(attachment.item):
            return Result(url, False, "链接的附件不存在或不提供下载")
        if not attachment.file.storage.exists(attachment.file.name):
            return Result(url, False, "附件文件丢失")
    elif name == "editor_image":
        from portal.uploads import image_is_public

        if not image_is_public(match.kwargs["path"].rsplit("/", 1)[-1]):
            return Result(url, False, "链接的图片不存在或未公开")
    return Result(url, True, "")


def check_external(url: str, *, opener=None) -> Result:
    opener = opener or urllib.request.build_opener()
    headers = {"User-Agent": USER_AGENT}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                return Result(url, response.status < 400, "", response.status, external=True)
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD; ask again with GET
            return Result(url, exc.code < 400, f"HTTP {exc.code}", exc.code, external=True)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Result(url, False, f"无法访问（{str(reason)[:80]}）", external=True)
    return Result(url, False, "无法访问", external=True)


class _Polite:
    """Pause between two requests to the same host."""

    def __init__(self, pause: float = PAUSE):
        self.pause = pause
        self.last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        since = time.monotonic() - self.last.get(host, -1e9)
        if since < self.pause:
            time.sleep(self.pause - since)
        self.last[host] = time.monotonic()


def check_url(url: str, *, external: bool = True, polite: _Polite | None = None) -> Result | None:
    if is_internal(url):
        return check_internal(url)
    if not external or not url.startswith(("http://", "https://")):
        return None
    if polite is not None:
        polite.wait(url)
    return check_external(url)


def internal_problems(item) -> list[Result]:
    """For the workflow panel: the draft's internal links checked now (no network)."""
    return [r for r in (check_internal(u) for u in links_in(item) if is_internal(u)) if not r.ok]


def check_item(item: DisclosureItem, *, external: bool = True, polite: _Polite | None = None) -> list[Result]:
    """Check one item's links and keep the results with it (replacing earlier ones)."""
    polite = polite or _Polite()
    results = [r for r in (check_url(u, external=external, polite=polite) for u in links_in(item)) if r is not None]
    now = timezone.now()
    with transaction.atomic():
        LinkCheck.objects.filter(item=item).exclude(url__in=[r.url for r in results]).delete()
        for r in results:
            LinkCheck.objects.update_or_create(
                item=item,
                url=r.url[:500],
                defaults={
                    "ok": r.ok,
                    "note": r.note[:200],
                    "http_status": r.status,
                    "external": r.external,
                    "checked_at": now,
                },
            )
    return results


def check_all(*, external: bool = True, progress=None) -> dict:
    """Every public item's links (the command and the background task run this)."""
    polite = _Polite()
    items = DisclosureItem.objects.published().prefetch_related("attachments").order_by("pk")
    summary = {"items": 0, "links": 0, "broken": 0}
    for item in items.iterator(chunk_size=200):
        results = check_item(item, external=external, polite=polite)
        summary["items"] += 1
        summary["links"] += len(results)
        summary["broken"] += sum(not r.ok for r in results)
        if progress is not None:
            progress(item)
    LinkCheck.objects.exclude(item__in=DisclosureItem.objects.published()).delete()
    return summary


@job("检查链接")
def check_links_job(progress, *, external: bool = True) -> dict:
    """check_all as a background job (portal/tasks.py), started from the 网站自查 page."""
    total = DisclosureItem.objects.published().count()
    progress.set(0, total=total, note="检查已公开信息中的链接", force=True)
    done = 0

    def step(item):
        nonlocal done
        done += 1
        progress.set(done)

    summary = check_all(external=external, progress=step)
    progress.set(done, force=True)
    return summary


def broken(organizations=None):
    qs = LinkCheck.objects.filter(ok=False, item__in=DisclosureItem.objects.published())
    if organizations is not None:
        qs = qs.filter(item__organization__in=organizations)
    return qs.select_related("item").order_by("item_id", "url")
