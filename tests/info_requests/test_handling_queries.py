"""Each handling step runs a fixed number of queries, whatever else the database holds."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from info_requests import handling
from tests.info_requests.helpers import application

D = datetime.date


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def run_steps(build) -> list[int]:
    app = application(build, D(2026, 3, 2))
    counts = [count(lambda: handling.notify_correction(app, build.editor, D(2026, 3, 4), "请写明文号"))]
    counts.append(count(lambda: handling.receive_correction(app, build.editor, D(2026, 3, 9))))
    counts.append(count(lambda: handling.draft_reply(app, build.editor, "disclose")))
    counts.append(count(lambda: handling.send_reply(app, build.editor, D(2026, 3, 20))))
    return counts


def test_steps_cost_the_same_with_more_applications_and_stay_small(build):
    small = run_steps(build)
    for _ in range(10):
        application(build, D(2026, 3, 2))
    assert run_steps(build) == small
    assert max(small) <= 30, small
