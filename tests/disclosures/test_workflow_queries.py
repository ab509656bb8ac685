"""Each workflow step runs a fixed number of queries, whatever else the database holds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures import workflow


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def run_steps(build) -> list[int]:
    item = build.item(state="draft")
    counts = [count(lambda: workflow.submit(item, build.editor))]
    counts.append(count(lambda: workflow.review(item, build.reviewer, secrecy_confirmed=True)))
    counts.append(count(lambda: workflow.approve(item, build.leader)))
    counts.append(count(lambda: workflow.withdraw(item, build.leader, reason="有误")))
    return counts


def test_steps_cost_the_same_with_more_items_and_stay_small(build):
    build.item()  # the day's 索引号 sequence exists (its first use creates the row once)
    small = run_steps(build)
    for _ in range(15):
        build.item()
    assert run_steps(build) == small
    assert max(small) <= 30, small


def test_queues_are_one_query_each(build, django_assert_max_num_queries):
    build.item(state="pending_review")
    with django_assert_max_num_queries(1):
        list(workflow.ITEM_FLOW.queue(build.reviewer, "review"))
