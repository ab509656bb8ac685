"""User-entered text never becomes a formula in a CSV or Excel export (CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from portal.spreadsheets import safe_cell


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","点击")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_leading_text_is_neutralized(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_values_are_kept():
    assert safe_cell("龙民发〔2016〕12号") == "龙民发〔2016〕12号"
    assert safe_cell(12) == 12


def test_open_data_csv_writes_no_formula(client, build, site_profile):
    build.item('=HYPERLINK("http://evil.example/","点我")', summary="+cmd|' /C calc'!A0")
    body = b"".join(client.get("/api/items.csv").streaming_content).decode()
    row = next(r for r in csv.reader(io.StringIO(body)) if "HYPERLINK" in ",".join(r))
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert "'=HYPERLINK" in row[1] or "'=HYPERLINK" in ",".join(row)
