"""Which editor images the public may load: those shown by a public item.

When the public version of an item changes (publication, revision approval, withdrawal …), the
images its body shows are recorded (PublicImage); portal.views.editor_image asks `is_public`.
Images of drafts, of pending revisions and of withdrawn items stay private to staff.
"""

from __future__ import annotations

import re

from .models import DisclosureItem, PublicImage

EDITOR_IMAGE = re.compile(r"/media/editor/([A-Za-z0-9._-]{1,100})")


def names_in(html: str) -> set[str]:
    return set(EDITOR_IMAGE.findall(html or ""))


def refresh(item: DisclosureItem) -> None:
    PublicImage.objects.filter(item=item).delete()
    if item.is_public:
        PublicImage.objects.bulk_create([PublicImage(item=item, name=name) for name in sorted(names_in(item.body))])


def is_public(name: str) -> bool:
    return PublicImage.objects.filter(name=name, item__in=DisclosureItem.objects.published()).exists()


def on_public_version_changed(sender, item: DisclosureItem, **kwargs) -> None:
    refresh(DisclosureItem.objects.get(pk=item.pk))


def on_public_versions_changed(sender, items, **kwargs) -> None:
    """Bulk form of the above (site import): two queries for the whole batch."""
    PublicImage.objects.filter(item__in=[item.pk for item in items]).delete()
    rows = [
        PublicImage(item=item, name=name) for item in items if item.is_public for name in sorted(names_in(item.body))
    ]
    PublicImage.objects.bulk_create(rows)
