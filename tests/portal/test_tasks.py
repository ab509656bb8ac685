"""Background jobs (portal/tasks.py) run for real: the worker command of the database backend
(`db_worker --batch`) runs in-process and executes the queued jobs."""

from __future__ import annotations

import pytest

from portal import tasks
from portal.models import AuditEntry, BackgroundJob

# The worker closes and reopens its database connection between tasks, as it does in production,
# so these tests commit for real (transactional tests).
pytestmark = pytest.mark.django_db(transaction=True)

FAIL_FIRST = {"left": 1}


@tasks.job("测试任务")
def sample_job(progress, *, count, fail=False):
    for i in range(count):
        progress.set(i + 1, total=count, note=f"第{i + 1}项")
    if fail and FAIL_FIRST["left"]:
        FAIL_FIRST["left"] -= 1
        raise tasks.JobError("模拟的失败：文件不存在")
    return {"counted": count}


@pytest.fixture
def admin_user(build):
    return build.user("siteadmin", is_superuser=True)


def test_a_job_runs_in_the_worker_and_keeps_progress_and_result(build, admin_user):
    row = tasks.enqueue(sample_job, label="数一数", params={"count": 5}, user=admin_user)
    assert row.status == BackgroundJob.Status.QUEUED and row.task_id
    tasks.run_pending()
    row.refresh_from_db()
    assert row.status == BackgroundJob.Status.SUCCEEDED
    assert row.result == {"counted": 5}
    assert (row.progress_done, row.progress_total, row.percent) == (5, 5, 100)
    assert row.attempts == 1 and row.started_at and row.finished_at
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(id=row.task_id).status == "SUCCESSFUL"
    assert AuditEntry.objects.filter(action="task.enqueued", object_id=str(row.pk)).exists()


def test_a_failed_job_shows_its_error_and_can_be_retried_from_the_admin(client, build, admin_user):
    FAIL_FIRST["left"] = 1
    row = tasks.enqueue(sample_job, label="会失败的任务", params={"count": 2, "fail": True}, user=admin_user)
    tasks.run_pending()
    row.refresh_from_db()
    assert row.status == BackgroundJob.Status.FAILED
    assert "模拟的失败：文件不存在" in row.error

    client.force_login(admin_user)
    page = client.get(f"/admin/portal/backgroundjob/{row.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "失败" in text and "模拟的失败" in text
    listing = client.get("/admin/portal/backgroundjob/")
    assert "会失败的任务" in listing.content.decode() and "<progress" in listing.content.decode()

    answer = client.post(
        "/admin/portal/backgroundjob/",
        {"action": "retry_failed", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "已重新排队 1 个任务" in answer.content.decode()
    row.refresh_from_db()
    assert row.status == BackgroundJob.Status.QUEUED
    assert AuditEntry.objects.filter(action="task.retried", object_id=str(row.pk)).exists()
    tasks.run_pending()
    row.refresh_from_db()
    assert row.status == BackgroundJob.Status.SUCCEEDED and row.attempts == 2


def test_only_failed_jobs_are_retried_and_only_by_site_administrators(client, build, admin_user):
    row = tasks.enqueue(sample_job, params={"count": 1}, user=admin_user)
    with pytest.raises(tasks.JobError, match="只有失败的任务可以重试"):
        tasks.retry(row, admin_user)
    client.force_login(build.editor)
    assert client.get("/admin/portal/backgroundjob/").status_code == 200
    # the editor sees only jobs they started, and is offered no retry
    page = client.get("/admin/portal/backgroundjob/").content.decode()
    assert "测试任务" not in page and "retry_failed" not in page


def test_only_marked_functions_run(build):
    row = BackgroundJob.objects.create(handler="os.getcwd", label="不是任务")
    tasks._queue(row)
    tasks.run_pending()
    row.refresh_from_db()
    assert row.status == BackgroundJob.Status.FAILED and "不是后台任务" in row.error


def test_a_job_that_lost_its_worker_may_be_retried_after_a_while(build, admin_user):
    import datetime

    from django.utils import timezone

    row = tasks.enqueue(sample_job, params={"count": 1}, user=admin_user)
    BackgroundJob.objects.filter(pk=row.pk).update(status="running", started_at=timezone.now())
    row.refresh_from_db()
    assert not tasks.retriable(row)
    row.started_at = timezone.now() - tasks.STALE_AFTER - datetime.timedelta(minutes=1)
    row.save()
    tasks.retry(row, admin_user)
    tasks.run_pending()
    row.refresh_from_db()
    assert row.status == BackgroundJob.Status.SUCCEEDED
