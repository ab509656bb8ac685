"""What an item page links to besides itself, read in ONE query whatever the data size: the
previous and next item of its catalogue node (上一篇/下一篇), the newest others there (相关信息),
a policy's 政策解读 and the policies an interpretation explains (三同步, disclosures/interpretation.py),
and the other stages of a procurement project (采购意向 → 公告 → 更正 → 结果 → 合同)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from portal.compiled import Compiled

from .models import DisclosureItem, ItemKind, ProcurementDetail, item_url

RELATED = 5
STAGE_ORDER = [value for value, _ in ProcurementDetail.Stage.choices]


@dataclass
class Related:
    previous: dict | None = None
    next: dict | None = None
    related: list[dict] = field(default_factory=list)
    interpretation: dict | None = None
    interprets: list[dict] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)


def _ids(qs, order: str, limit: int):
    return DisclosureItem.objects.filter(pk__in=qs.order_by(order, "-id").values("pk")[:limit]).order_by().values("pk")


def _build(shape: tuple[bool, bool], pk, category, published_at, now, interpretation=None, project=None):
    """The one query, for `portal.compiled` (its SQL depends only on `shape`: whether the item is a
    policy with a 解读 and whether it is a procurement with a project number)."""
    with_interpretation, with_project = shape
    public = DisclosureItem.objects.published(now=now)
    same_node = public.filter(category_id=category).exclude(pk=pk)
    parts = [
        _ids(same_node.filter(published_at__lt=published_at), "-published_at", 1),
        _ids(same_node.filter(published_at__gt=published_at), "published_at", 1),
        _ids(same_node, "-published_at", RELATED + 2),
        _ids(public.filter(policy__interpretation=pk), "-published_at", 10),
    ]
    if with_interpretation:
        parts.append(public.filter(pk=interpretation).order_by().values("pk"))
    if with_project:
        parts.append(_ids(public.filter(procurement__project_number=project).exclude(pk=pk), "published_at", 20))
    ids = parts[0].union(*parts[1:], all=True)
    return (
        public.filter(pk__in=ids)
        .values(
            "id",
            "title",
            "published_at",
            "category_id",
            "policy__interpretation_id",
            "procurement__stage",
            "procurement__project_number",
        )
        .order_by("-published_at", "-id")
    )


QUERY = Compiled(_build)


def for_item(item: DisclosureItem) -> Related:
    policy = getattr(item, "policy", None) if item.kind == ItemKind.POLICY else None
    procurement = getattr(item, "procurement", None) if item.kind == ItemKind.PROCUREMENT else None
    values = {"pk": item.pk, "category": item.category_id, "published_at": item.published_at, "now": timezone.now()}
    with_interpretation = policy is not None and policy.interpretation_id is not None
    with_project = procurement is not None and bool(procurement.project_number)
    if with_interpretation:
        values["interpretation"] = policy.interpretation_id
    if with_project:
        values["project"] = procurement.project_number
    rows = QUERY.rows(shape=(with_interpretation, with_project), **values)
    found = Related()
    for row in rows:
        row["url"] = item_url(row["id"])
    node = [r for r in rows if r["category_id"] == item.category_id]
    older = [r for r in node if (r["published_at"], r["id"]) < (item.published_at, item.pk)]
    newer = [r for r in node if (r["published_at"], r["id"]) > (item.published_at, item.pk)]
    found.previous = older[0] if older else None
    found.next = newer[-1] if newer else None
    found.related = node[:RELATED]
    found.interprets = [r for r in rows if r["policy__interpretation_id"] == item.pk]
    if policy is not None and policy.interpretation_id:
        found.interpretation = next((r for r in rows if r["id"] == policy.interpretation_id), None)
    if procurement is not None and procurement.project_number:
        stages = [r for r in rows if r["procurement__project_number"] == procurement.project_number]
        stages.append(
            {
                "id": item.pk,
                "title": item.title,
                "url": "",
                "procurement__stage": procurement.stage,
                "published_at": item.published_at,
                "current": True,
            }
        )
        labels = dict(ProcurementDetail.Stage.choices)
        for r in stages:
            r["stage_label"] = labels.get(r["procurement__stage"], "")
        found.stages = sorted(
            stages,
            key=lambda r: (
                STAGE_ORDER.index(r["procurement__stage"]) if r["procurement__stage"] in STAGE_ORDER else 99,
                r["published_at"],
            ),
        )
    return found
