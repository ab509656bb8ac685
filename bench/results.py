"""Where the benchmarks write their numbers: each script owns one section of bench/RESULTS.md,
between the markers `<!-- NAME -->` and `<!-- /NAME -->`, and rewrites only that section."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, text: str, heading: str = "") -> None:
    """Replace the section `name` with `text` (appended, after `heading`, if there is none yet)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    section = f"{start}\n{text.strip(chr(10))}\n{end}"
    if start in current and end in current:
        current = current[: current.index(start)] + section + current[current.index(end) + len(end) :]
    else:
        current = current.rstrip("\n") + "\n\n" + heading + section + "\n"
    RESULTS.write_text(current, encoding="utf-8")
    print(text)
