"""Writes a PDF from its objects, for generated sample files (the demo's attachments, test rosters).
Enough for a real file that readers open and pypdf reads back; not a PDF library."""

from __future__ import annotations

import io


def write(objects: list[bytes], *, binary_marker: bool = False) -> bytes:
    """The file of `objects` (numbered from 1, object 1 the catalogue): header, bodies, the
    cross-reference table and the trailer with the byte offsets readers need."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" if binary_marker else b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
