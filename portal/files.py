"""Sending a stored file as a download: never rendered by the browser (nosniff, attachment), and
kept out of shared caches when it is not public. Every file view of every app uses `download`."""

from __future__ import annotations

from django.http import FileResponse, Http404


def download(fieldfile, filename: str = "", content_type: str = "", *, private: bool = True) -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("文件不存在") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or fieldfile.name.rsplit("/", 1)[-1],
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
