"""Cells of CSV and Excel exports that hold user-entered text.

Spreadsheet programs run a cell that starts with = + - @ (or a tab / carriage return before them)
as a formula: `=HYPERLINK(…)` or `+cmd|…` typed into a title would execute on a clerk's machine
(CSV/formula injection). Such text is written with a leading apostrophe, which Excel and WPS show
as plain text; numbers stay numbers.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` as it may go into a CSV or XLSX cell: text that would start a formula is neutralized."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
