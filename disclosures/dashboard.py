"""The staff dashboard (工作台) on the admin index: my queues and the inspection checks
(国办秘函〔2019〕19号: 栏目不更新, 空白栏目; 条例第二十六条: 公开时限)."""

from __future__ import annotations

from . import links, queues

LIST_SIZE = 8


def for_user(user) -> dict:
    from portal.access import user_organizations

    organizations = user_organizations(user)
    stale, empty = queues.column_health()
    sections = [
        ("待我审核", queues.items_to_review(user), "review"),
        ("待我审批", queues.items_to_approve(user), "approve"),
        ("我被退回的", queues.my_returned_items(user), "returned"),
        ("应急发布待复核", queues.emergencies_to_confirm(user), "emergency"),
    ]
    revision_sections = [
        ("修订待我审核", queues.revisions_to_review(user), "review"),
        ("修订待我审批", queues.revisions_to_approve(user), "approve"),
        ("我被退回的修订", queues.my_returned_revisions(user), "returned"),
    ]
    return {
        "queues": [
            (label, list(qs.select_related("organization")[:LIST_SIZE]), qs.count(), key) for label, qs, key in sections
        ],
        "revision_queues": [
            (label, list(qs.select_related("item")[:LIST_SIZE]), qs.count(), key)
            for label, qs, key in revision_sections
        ],
        "overdue": queues.overdue_items(organizations),
        "undated": queues.undated_not_public(organizations),
        "imported_drafts": list(queues.imported_drafts(organizations).select_related("origin")[:LIST_SIZE]),
        "imported_draft_count": queues.imported_drafts(organizations).count(),
        "stale": stale,
        "empty": empty,
        "dead_links": list(links.broken(organizations)[:LIST_SIZE]),
        "dead_link_count": links.broken(organizations).count(),
    }
