"""Reading an attachment once, when it is stored, with hard limits.

The text (for search) and the findings of the personal-data scan (disclosures/pii.py) are kept on
the attachment row (`StoredFile`); the workflow panel, the checks before publication and the search
index use them, so no page view re-reads a file. A file that cannot be read within the limits of
portal/textextract.py (size unpacked, compression ratio, parts, pages, time, memory) is marked
无法检查: that is itself a finding, blocking publication until the file is replaced or a leader
overrides it with a reason.

Big or risky files are read in a child process with a memory and time cap, so a crafted file can
fail only itself, never stall the web worker or the site.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

from portal.textextract import CONTAINERS, LIMITS, MAX_CHARS, container_refusal, extract_text

IN_PROCESS_BYTES = 2 * 1024 * 1024  # smaller files (after the container check) are read in-process
FINDING_LABELS = {"unreadable": "无法检查的附件"}


@dataclass(frozen=True)
class StoredFinding:
    """A finding as kept on the attachment: where, what kind, and the value masked (never raw)."""

    kind: str
    where: str
    masked: str

    @property
    def label(self) -> str:
        from .pii import KIND_LABELS

        return FINDING_LABELS.get(self.kind) or KIND_LABELS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"{self.where}：{self.label} {self.masked}"


def inspect(path: str, file_type: str, name: str) -> dict:
    """Text and findings of one stored file (runs in the child process or in-process)."""
    from .pii import scan_file

    with open(path, "rb") as handle:
        if file_type in CONTAINERS:
            refusal = container_refusal(handle)
            if refusal:
                return {"status": "unreadable", "note": refusal, "text": "", "findings": []}
        text = extract_text(handle, file_type)[:MAX_CHARS]
        handle.seek(0)
        data = handle.read()
    findings = [{"kind": f.kind, "where": f.where, "masked": f.masked} for f in scan_file(data, file_type, name)]
    return {"status": "ok", "note": "", "text": text, "findings": findings}


def _limit_child() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (LIMITS.memory_bytes, LIMITS.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (LIMITS.seconds, LIMITS.seconds + 1))


def _inspect_in_child(path: str, file_type: str, name: str) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "disclosures.attachment_scan", path, file_type, name],
            capture_output=True,
            timeout=LIMITS.seconds,
            preexec_fn=_limit_child,  # noqa: PLW1509 - only sets rlimits
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "unreadable", "note": f"读取超过{LIMITS.seconds}秒，已停止。", "text": "", "findings": []}
    if done.returncode != 0:
        return {"status": "unreadable", "note": "文件无法在限定的内存和时间内读取。", "text": "", "findings": []}
    return json.loads(done.stdout.decode("utf-8"))


def _needs_child(path: str, file_type: str) -> bool:
    return file_type in ("pdf", *CONTAINERS) and os.path.getsize(path) > IN_PROCESS_BYTES


def scan(stored) -> None:
    """Read `stored` (an Attachment or RevisionAttachment) and keep the results on its row."""
    try:
        path = stored.file.path
    except (ValueError, NotImplementedError):
        return
    if not os.path.exists(path):
        result = {"status": "unreadable", "note": "文件不存在。", "text": "", "findings": []}
    elif _needs_child(path, stored.file_type):
        result = _inspect_in_child(path, stored.file_type, stored.original_name)
    else:
        result = inspect(path, stored.file_type, stored.original_name)
    stored.scan_status = result["status"]
    stored.scan_note = result["note"][:300]
    stored.text = result["text"]
    stored.findings = result["findings"]
    stored.scanned_file = stored.file.name
    type(stored).objects.filter(pk=stored.pk).update(
        scan_status=stored.scan_status,
        scan_note=stored.scan_note,
        text=stored.text,
        findings=stored.findings,
        scanned_file=stored.scanned_file,
    )


def is_current(stored) -> bool:
    return stored.scan_status != "pending" and stored.scanned_file == stored.file.name


def findings_of(stored) -> list[StoredFinding]:
    """The stored findings of an attachment (read now if it was never read, or was replaced)."""
    if not is_current(stored):
        scan(stored)
    where = f"附件“{stored.original_name}”"
    if stored.scan_status == "unreadable":
        return [StoredFinding("unreadable", where, stored.scan_note or "无法读取")]
    return [StoredFinding(f["kind"], f["where"], f["masked"]) for f in stored.findings]


def copy_results(source, target) -> None:
    """A copy of the same stored file (a revision keeps a live attachment) keeps its results."""
    for name in ("scan_status", "scan_note", "scanned_file", "text", "findings"):
        setattr(target, name, getattr(source, name))


def on_saved(sender, instance, **kwargs) -> None:
    """post_save of attachments: a new or replaced file is read once, now."""
    if instance.file and not is_current(instance):
        scan(instance)


if __name__ == "__main__":  # the child process: python -m disclosures.attachment_scan PATH TYPE NAME
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    sys.stdout.write(json.dumps(inspect(sys.argv[1], sys.argv[2], sys.argv[3]), ensure_ascii=False))
