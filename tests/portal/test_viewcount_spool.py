"""View counts through per-worker spool files (portal/viewcounts.py, the default without Redis).

Real files in a temporary directory, a real child process killed with SIGKILL, the real database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from portal import viewcounts
from portal.models import PendingView, ViewCountBatch


@pytest.fixture
def spool(settings, tmp_path, db):
    folder = tmp_path / "views"
    settings.VIEW_COUNT_SPOOL_DIR = str(folder)
    settings.VIEW_COUNT_SPOOL_SECONDS = 3600  # the tests rotate by hand
    viewcounts.SPOOL.forget()
    yield folder
    viewcounts.SPOOL.forget()


def spool_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.views"))


def shown(url: str) -> str:
    """The page rendered afresh (a query string of its own: never a cached copy)."""
    response = Client().get(url, {"fresh": uuid.uuid4().hex})
    assert response.status_code == 200
    return response.content.decode()


def test_views_are_spooled_not_written_to_the_database_and_folded_exactly_once(
    client, build, site_profile, page_cache, spool
):
    item = build.item()
    url = item.get_absolute_url()
    for _ in range(7):
        assert client.get(url).status_code == 200  # one render, six cache hits
    client.head(url)
    client.get(url, {"print": "1"})
    assert not PendingView.objects.exists()
    assert len(spool_files(spool)) == 1
    assert "<dd data-live-count>8</dd>" in shown(url)  # the 7 spooled, and this view itself
    assert viewcounts.fold() == 0  # the file is still held by this process: not complete yet
    viewcounts.SPOOL.rotate()
    assert viewcounts.fold() == 8
    item.refresh_from_db()
    assert item.view_count == 8
    assert not spool_files(spool) and not ViewCountBatch.objects.exists()
    assert viewcounts.fold() == 0
    assert "<dd data-live-count>9</dd>" in shown(url)  # folded 8, none pending, plus this one


def test_a_killed_worker_loses_no_view(build, site_profile, spool):
    """A child process records 50 views and is killed with SIGKILL before it rotates or folds."""
    item = build.item()
    code = textwrap.dedent(
        f"""
        from django.conf import settings
        settings.configure(VIEW_COUNT_SPOOL_DIR={str(spool)!r}, VIEW_COUNT_SPOOL_SECONDS=3600)
        from portal import viewcounts
        for _ in range(50):
            viewcounts.hit("item", {item.pk})
        print("recorded", flush=True)
        import time
        time.sleep(120)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=django_settings.BASE_DIR, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "recorded"
        assert viewcounts.fold() == 0  # alive and holding its file
        assert viewcounts.shown("item", item, 0) == 50  # but the page already shows the views
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        child.kill()
        child.stdout.close()
    assert viewcounts.fold() == 50
    item.refresh_from_db()
    assert item.view_count == 50 and not spool_files(spool)


def test_a_fold_interrupted_after_its_commit_does_not_count_twice(build, site_profile, spool):
    item = build.item()
    spool.mkdir()
    # As if a folder died between committing this file's counts (with its batch record) and
    # deleting the file:
    leftover = spool / "elsewhere-1-2-abcdef01.views"
    leftover.write_bytes(f"item {item.pk}\n".encode() * 3)
    ViewCountBatch.objects.create(name=f"spool:{leftover.name}")
    assert viewcounts.fold() == 0
    item.refresh_from_db()
    assert item.view_count == 0 and not spool_files(spool)
    assert not ViewCountBatch.objects.exists()  # the record goes with its file


def test_unknown_counters_and_garbled_lines_are_skipped(build, site_profile, spool):
    item = build.item()
    spool.mkdir()
    (spool / "elsewhere-1.views").write_bytes(
        f"item {item.pk}\nnothing 5\nitem x\n\xff\xfe\nitem {item.pk}\n".encode("latin-1")
    )
    assert viewcounts.fold() == 2
    item.refresh_from_db()
    assert item.view_count == 2


def test_each_process_folds_after_a_request_without_a_timer(client, build, site_profile, spool, settings):
    item = build.item()
    url = item.get_absolute_url()
    client.get(url)
    client.get(url)
    viewcounts.SPOOL.rotate()
    settings.VIEW_COUNT_SPOOL_SECONDS = 0  # due at once
    client.get(url)  # written to a new file; once answered (request_finished) the let-go one is folded
    item.refresh_from_db()
    assert item.view_count == 2


def test_the_rotation_thread_lets_files_go(build, site_profile, spool, settings):
    import time

    item = build.item()
    settings.VIEW_COUNT_SPOOL_SECONDS = 0.2
    viewcounts.hit("item", item.pk)
    deadline = time.monotonic() + 10
    while viewcounts.fold() == 0:
        assert time.monotonic() < deadline, "the spool file was never let go"
        time.sleep(0.1)
    item.refresh_from_db()
    assert item.view_count == 1


def test_a_replaced_rotation_thread_never_lets_the_new_file_go(build, site_profile, spool, settings):
    import time

    item = build.item()
    settings.VIEW_COUNT_SPOOL_SECONDS = 0.2
    viewcounts.hit("item", item.pk)  # starts a thread that rotates every 0.2 s
    viewcounts.SPOOL.forget()  # as after a fork: that thread is no longer this state's
    settings.VIEW_COUNT_SPOOL_SECONDS = 3600
    viewcounts.hit("item", item.pk)  # a new file, held, and a new thread
    time.sleep(0.5)  # the old thread wakes meanwhile and must leave the new file alone
    assert viewcounts.fold() == 1  # only the first file (let go by forget), not the one still held


def test_an_unwritable_directory_falls_back_to_the_database(build, site_profile, settings, tmp_path, db):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.VIEW_COUNT_SPOOL_DIR = str(blocker / "views")
    viewcounts.SPOOL.forget()
    item = build.item()
    try:
        viewcounts.hit("item", item.pk)
        viewcounts.hit("item", item.pk)
    finally:
        viewcounts.SPOOL.forget()
    assert PendingView.objects.filter(object_id=item.pk).count() == 2
    assert viewcounts.fold() == 2


def test_a_forked_child_writes_its_own_file(build, site_profile, spool):
    item = build.item()
    viewcounts.hit("item", item.pk)
    pid = os.fork()
    if pid == 0:  # the child: its parent's file is not its own
        try:
            viewcounts.hit("item", item.pk)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    files = spool_files(spool)
    assert len(files) == 2
    assert viewcounts.fold() == 1  # the child's file, let go when it exited; the parent still holds its own
    viewcounts.SPOOL.rotate()
    assert viewcounts.fold() == 1


def test_the_spool_comes_before_redis_and_both_are_folded(build, site_profile, spool, settings):
    from tests.portal.test_pagecache import REDIS_TEST_URL, _redis_or_skip

    redis = _redis_or_skip()
    for key in redis.scan_iter("vc:*"):
        redis.delete(key)
    settings.VIEW_COUNT_REDIS_URL = REDIS_TEST_URL
    item = build.item()
    viewcounts.hit("item", item.pk)
    assert not list(redis.scan_iter("vc:*")) and len(spool_files(spool)) == 1
    redis.hincrby("vc:pending:item", str(item.pk), 2)  # recorded before the spool was configured
    try:
        assert viewcounts.shown("item", item, 0) == 3
        viewcounts.SPOOL.rotate()
        assert viewcounts.fold() == 3
    finally:
        for key in redis.scan_iter("vc:*"):
            redis.delete(key)
    item.refresh_from_db()
    assert item.view_count == 3
