"""Recall and precision of the personal-data scanner over generated 低保 rosters in every format the
guard reads and every way the numbers are written (full-width, grouped, +86, split by markup), and
over a list of numbers that are not personal (amounts, 文号, 索引号, dates, postcodes, office lines,
credit codes, order numbers). Recall must be 100%, and there must be no other finding."""

from __future__ import annotations

import pytest

from disclosures import pii

from . import pii_rosters as rosters

PEOPLE = rosters.make_people(12)


def scan(rendering: rosters.Rendering) -> list[pii.Finding]:
    if rendering.place == "summary":
        return pii.scan_text(rendering.content, "内容概述")
    if rendering.place == "body":
        return pii.scan_html(rendering.content, "正文")
    return pii.scan_file(rendering.content, rendering.file_type, rendering.name)


@pytest.mark.parametrize(("fmt", "variant"), list(rosters.combinations()))
def test_every_planted_number_is_found_where_it_is(fmt, variant):
    rendering = rosters.FORMATS[fmt](PEOPLE, variant)
    found = {(f.where, f.kind, f.value) for f in scan(rendering)}
    expected = set(rendering.expected)
    assert expected - found == set(), "missed"
    assert found - expected == set(), "extra"


@pytest.mark.parametrize("fmt", list(rosters.FORMATS))
def test_numbers_that_are_not_personal_are_not_findings(fmt):
    rendering = rosters.render_non_personal(fmt, rosters.non_personal())
    assert [str(f) for f in scan(rendering)] == []


@pytest.mark.parametrize(
    ("fmt", "variant"),
    [(f, v) for f, v in rosters.combinations() if f in ("body_table", "xlsx", "docx_table", "csv", "txt")],
)
def test_masking_removes_every_finding(fmt, variant):
    rendering = rosters.FORMATS[fmt](PEOPLE, variant)
    if rendering.place == "body":
        masked = pii.mask_html(rendering.content)
        assert pii.scan_html(masked, "正文") == []
        assert masked.count("<table") == rendering.content.count("<table")  # markup kept
    else:
        masked = pii.mask_file(rendering.content, rendering.file_type)
        assert pii.scan_file(masked, rendering.file_type, rendering.name) == []
