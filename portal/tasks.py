"""Background work: the one place that enqueues long jobs and reads their state.

Long work (an import of a whole old site, attachment scanning, reindexing, link checks, reminders)
must not run inside a web request. It runs in a worker process of the Django tasks API — the
`django-tasks` backport of what Django 6 ships, with the `django-tasks-db` database backend, so
the embedded default needs nothing beyond the database: `./dev demo` starts a worker beside the
server; production runs `manage.py db_worker` on one or more machines (README “后台任务”).

Every job is a `BackgroundJob` row (portal/models.py) that administrators see in the admin with its
state, progress and error, and can retry. A feature app declares a job handler with `@job("名称")`:

    @job("导入历史信息")
    def run_import(progress, *, path, ...):
        progress.set(10, total=1000, note="第1批")
        return {"imported": 10}          # kept as the job's result (JSON)

and starts it with `enqueue(run_import, label=…, params={…}, user=…)`. The worker runs the one
library task `run_job(job_id)`, which calls the handler with a `Progress` and the params, and
records the result or the error. `retry(job, user)` puts a failed job back in the queue (audited).
"""

from __future__ import annotations

import datetime
import time
import traceback
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .audit import record, register_labels
from .models import BackgroundJob

Status = BackgroundJob.Status

register_labels(
    {
        "task.enqueued": "提交后台任务",
        "task.retried": "重试后台任务",
    }
)


# A job still 运行中 this long after it started is taken to have lost its worker (killed, power
# loss) and may be retried like a failed one.
STALE_AFTER = datetime.timedelta(hours=6)


class JobError(Exception):
    """A job that cannot go on for a reason the administrator should read (Chinese message)."""


def job(label: str) -> Callable:
    """Mark `func(progress, **params)` as a background job handler named `label`."""

    def mark(func: Callable) -> Callable:
        func.job_label = label
        func.job_path = f"{func.__module__}.{func.__qualname__}"
        return func

    return mark


class Progress:
    """What a running job reports: done of total, and a short note. Written to the job's row at
    most every `interval` seconds (and always at the end), so a tight loop stays cheap."""

    def __init__(self, job_row: BackgroundJob | None, interval: float = 0.5):
        self.job = job_row
        self.interval = interval
        self._last = 0.0
        self.done = 0
        self.total = 0
        self.note = ""

    def set(self, done: int, *, total: int | None = None, note: str | None = None, force: bool = False) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if note is not None:
            self.note = note[:200]
        now = time.monotonic()
        if self.job is None or (not force and now - self._last < self.interval):
            return
        self._last = now
        BackgroundJob.objects.filter(pk=self.job.pk).update(
            progress_done=self.done, progress_total=self.total, progress_note=self.note
        )


def _queue(job_row: BackgroundJob) -> None:
    result = run_job.enqueue(job_row.pk)
    BackgroundJob.objects.filter(pk=job_row.pk).update(task_id=str(result.id))
    job_row.task_id = str(result.id)


def enqueue(handler: Callable, *, label: str = "", params: dict | None = None, user=None, organization=None):
    """Create the job row and put it in the queue. With the database backend the queue entry is a
    row written in the same transaction: if the caller's transaction rolls back, neither exists."""
    path = getattr(handler, "job_path", "")
    if not path:
        raise ValueError("not a @job handler")
    row = BackgroundJob.objects.create(
        handler=path,
        label=(label or handler.job_label)[:200],
        params=params or {},
        created_by=user if getattr(user, "pk", None) else None,
        organization=organization,
    )
    record("task.enqueued", actor=user, obj=row, organization=organization, to_state=Status.QUEUED.label)
    _queue(row)
    return row


def retry(job_row: BackgroundJob, user, *, request=None) -> BackgroundJob:
    """Put a failed (or stale, see STALE_AFTER) job back in the queue with the same parameters; audited."""
    with transaction.atomic():
        row = BackgroundJob.objects.select_for_update().get(pk=job_row.pk)
        if not retriable(row):
            raise JobError(f"任务“{row.label}”当前状态为“{row.get_status_display()}”，只有失败的任务可以重试。")
        before = row.get_status_display()
        row.status = Status.QUEUED
        row.error = ""
        row.progress_done = row.progress_total = 0
        row.progress_note = ""
        row.started_at = row.finished_at = None
        row.save()
        record(
            "task.retried",
            actor=user,
            obj=row,
            organization=row.organization,
            from_state=before,
            to_state=Status.QUEUED.label,
            request=request,
        )
        _queue(row)
    return row


def retriable(row: BackgroundJob) -> bool:
    if row.status == Status.FAILED:
        return True
    stale = row.started_at is not None and row.started_at < timezone.now() - STALE_AFTER
    return row.status == Status.RUNNING and stale


def state(job_id: int) -> BackgroundJob | None:
    """The job's row as it is now (for progress pages)."""
    return BackgroundJob.objects.filter(pk=job_id).first()


def _handler(path: str) -> Callable:
    func = import_string(path)
    if not getattr(func, "job_label", None):  # only functions marked with @job may be run
        raise JobError(f"“{path}”不是后台任务。")
    return func


@task()
def run_job(job_id: int):
    """The library task every job runs through (called by the worker, never in a request)."""
    row = BackgroundJob.objects.filter(pk=job_id).first()
    if row is None or row.status not in (Status.QUEUED, Status.RUNNING):
        return None  # deleted, or already finished (a duplicate queue entry)
    row.status = Status.RUNNING
    row.attempts += 1
    row.started_at = timezone.now()
    row.save(update_fields=["status", "attempts", "started_at"])
    progress = Progress(row)
    try:
        result = _handler(row.handler)(progress, **row.params)
    except Exception as exc:
        message = str(exc) if isinstance(exc, JobError) else f"{type(exc).__name__}: {exc}"
        BackgroundJob.objects.filter(pk=row.pk).update(
            status=Status.FAILED,
            error=f"{message}\n\n{traceback.format_exc()}"[:20000],
            finished_at=timezone.now(),
            progress_done=progress.done,
            progress_total=progress.total,
            progress_note=progress.note,
        )
        raise
    BackgroundJob.objects.filter(pk=row.pk).update(
        status=Status.SUCCEEDED,
        result=result or {},
        finished_at=timezone.now(),
        progress_done=progress.total or progress.done,
        progress_total=progress.total,
        progress_note=progress.note,
    )
    return None


def run_pending() -> None:
    """Run every queued task now, in this process (tests, and `manage.py` helpers): the same
    worker command production runs, in batch mode."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
