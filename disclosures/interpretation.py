"""政策解读 “三同步”: a policy document is organised, signed off and released together with its
interpretation (同步组织、同步审签、同步部署; see docs/rules.md). A 行政规范性文件 links to its
解读 (PolicyDetail.interpretation); both public pages link to each other; a leader approving such a
file without a 解读 is warned, or stopped when the site sets POLICY_INTERPRETATION_RULE=block; the
self-inspection lists published files without one.
"""

from __future__ import annotations

from django.conf import settings

from .models import DisclosureItem, ItemKind, PolicyDetail


def rule() -> str:
    return getattr(settings, "POLICY_INTERPRETATION_RULE", "warn")


def missing(item: DisclosureItem) -> bool:
    """A 行政规范性文件 with no 解读 linked."""
    if item.kind != ItemKind.POLICY:
        return False
    policy = getattr(item, "policy", None)
    return policy is not None and policy.doc_type == PolicyDetail.DocType.NORMATIVE and not policy.interpretation_id


WARNING = "该行政规范性文件尚未关联政策解读。按照政策解读“三同步”要求，文件与解读应同步审签、同步发布。"


def refusal(item: DisclosureItem) -> str:
    """The approval guard: only when the site chose to block (the default only warns)."""
    if rule() == "block" and isinstance(item, DisclosureItem) and missing(item):
        return WARNING + "请先关联解读后再审批。"
    return ""


def links(item: DisclosureItem) -> list[tuple[str, DisclosureItem]]:
    """For the public page: the policy's 解读, or the policies this item interprets (public ones only)."""
    found = []
    policy = getattr(item, "policy", None) if item.kind == ItemKind.POLICY else None
    if policy is not None and policy.interpretation_id:
        target = DisclosureItem.objects.published().filter(pk=policy.interpretation_id).only("id", "title").first()
        if target is not None:
            found.append(("政策解读", target))
    else:
        interpreted = DisclosureItem.objects.published().filter(policy__interpretation=item).only("id", "title")
        found += [("解读的文件", target) for target in interpreted[:10]]
    return found


def policies_without(organizations=None):
    qs = DisclosureItem.objects.published().filter(
        kind=ItemKind.POLICY, policy__doc_type=PolicyDetail.DocType.NORMATIVE, policy__interpretation__isnull=True
    )
    if organizations is not None:
        qs = qs.filter(organization__in=organizations)
    return qs.select_related("organization").order_by("-published_at")
