"""Revisions of published items: the live version as plain data, and writing an approved revision
onto the live item. The steps a revision goes through are in disclosures/workflow.py."""

from __future__ import annotations

import datetime

from .attachment_scan import copy_results
from .models import KIND_DETAIL_MODELS, Attachment, DisclosureItem, Revision, RevisionAttachment


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # Decimal


def detail_fields(kind: str):
    """The kind detail model's editable fields (name → model field)."""
    model = KIND_DETAIL_MODELS.get(kind)
    if model is None:
        return {}
    return {f.name: f for f in model._meta.concrete_fields if f.name not in ("id", "item") and not f.is_relation}


def snapshot(item: DisclosureItem) -> dict:
    """The live version of an item as plain data: kept with each revision (superseded versions)."""
    data = {name: _json_value(getattr(item, name)) for name in Revision.CONTENT_FIELDS}
    detail = item.detail
    data["detail"] = (
        {name: _json_value(getattr(detail, name)) for name in detail_fields(item.kind)} if detail is not None else {}
    )
    data["attachments"] = [
        {"id": a.pk, "name": a.original_name, "file": a.file.name, "type": a.file_type, "size": a.size}
        for a in item.attachments.all()
    ]
    return data


def copy_attachments(item: DisclosureItem, revision: Revision) -> None:
    """A new revision starts with the live attachments (kept, not copied: same stored files)."""
    for a in item.attachments.all():
        kept = RevisionAttachment(
            revision=revision,
            source=a,
            file=a.file.name,
            original_name=a.original_name,
            size=a.size,
            file_type=a.file_type,
            content_type=a.content_type,
            order=a.order,
        )
        copy_results(a, kept)
        kept.save()


def apply(revision: Revision, item: DisclosureItem) -> None:
    """Write the revision's content onto the live item (索引号 and 发布日期 are untouched)."""
    for name in Revision.CONTENT_FIELDS:
        setattr(item, name, getattr(revision, name))
    item.save()
    fields = detail_fields(item.kind)
    if fields and revision.detail:
        detail = item.detail or KIND_DETAIL_MODELS[item.kind](item=item)
        for name, value in revision.detail.items():
            if name in fields:
                setattr(
                    detail,
                    name,
                    fields[name].to_python(value) if value not in (None, "") else (None if fields[name].null else ""),
                )
        detail.save()
    proposed = list(revision.attachments.select_related("source"))
    keep = {ra.source_id for ra in proposed if ra.source_id and ra.source and ra.file.name == ra.source.file.name}
    # Rows of dropped attachments go; their files stay in storage and in `superseded`.
    item.attachments.exclude(pk__in=keep).delete()
    for ra in proposed:
        if ra.source_id in keep:
            Attachment.objects.filter(pk=ra.source_id).update(order=ra.order)
        else:
            added = Attachment(
                item=item,
                file=ra.file.name,
                original_name=ra.original_name,
                size=ra.size,
                file_type=ra.file_type,
                content_type=ra.content_type,
                order=ra.order,
            )
            copy_results(ra, added)
            added.save()
