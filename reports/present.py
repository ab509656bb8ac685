"""Turning a report's figures into rows for templates, Word and Excel (labels from layout.py)."""

from __future__ import annotations

from . import narrative
from .layout import (
    APPLICANT_COLUMNS,
    OTHER_MATTERS,
    RESULT_COLUMNS,
    SECTIONS,
    TABLE2_BLOCKS,
    TABLE2_POLICY_COLUMNS,
    TABLE3_COLUMN_IDS,
    TABLE3_ROWS,
    TABLE4_GROUPS,
    table4_header_ids,
)
from .tables import KEY_FIGURE_LABELS


def table2_blocks(data: dict) -> list[dict]:
    t2 = data["table2"]
    blocks = []
    for b, (title, headers, rows, span) in enumerate(TABLE2_BLOCKS, 1):
        block_id = f"t2-b{b}"
        head_ids = [f"{block_id}-h{h}" for h in range(len(headers))]
        out_rows = []
        for key, label in rows:
            row_id = f"{block_id}-{key}"
            if span == 1:
                values = [t2[key][col] for col, _ in TABLE2_POLICY_COLUMNS]
            else:
                values = [t2[key]]
            cells = [
                {"value": v, "colspan": span, "headers": " ".join([block_id, head_ids[i], row_id])}
                for i, v in enumerate(values)
            ]
            out_rows.append({"id": row_id, "label": label, "key": key, "cells": cells})
        blocks.append(
            {
                "id": block_id,
                "title": title,
                "headers": [{"text": h, "colspan": span, "id": head_ids[i]} for i, h in enumerate(headers)],
                "content_id": f"{block_id}-content",
                "rows": out_rows,
            }
        )
    return blocks


def table3_rows(data: dict) -> list[dict]:
    rows = []
    for layout_row, values in zip(TABLE3_ROWS, data["table3"], strict=True):
        cells = []
        for (key, _), value in zip(APPLICANT_COLUMNS, values, strict=True):
            cells.append({"value": value, "headers": " ".join(TABLE3_COLUMN_IDS[key] + layout_row.header_ids)})
        rows.append({"key": layout_row.key, "label": layout_row.label, "labels": layout_row.cells, "cells": cells})
    return rows


def table4_cells(data: dict) -> list[dict]:
    cells = []
    for g, _ in enumerate(TABLE4_GROUPS):
        for r, (key, _) in enumerate(RESULT_COLUMNS):
            cells.append({"value": data["table4"][g * 5 + r], "headers": " ".join(table4_header_ids(g, key))})
    return cells


def comparison(data: dict) -> list[dict]:
    return [
        {"label": label, "current": data["current"][key], "previous": data["previous"][key]}
        for key, label in KEY_FIGURE_LABELS
    ]


def other_matters(report, data: dict) -> list[dict]:
    texts = {"fee": "", "key_points": "", "proposals": "", "innovation": ""}
    if report is not None:
        texts = {
            "fee": report.fee_note,
            "key_points": report.key_points,
            "proposals": report.proposals,
            "innovation": report.innovation,
        }
    return [
        {"key": key, "title": title, "html": texts[key], "computed": narrative.fee_text(data) if key == "fee" else ""}
        for key, title in OTHER_MATTERS
    ]


def view_model(report, data: dict) -> dict:
    return {
        "sections": SECTIONS,
        "overview": report.overview if report is not None else narrative.draft_overview(data),
        "problems": report.problems if report is not None else "",
        "other_matters": other_matters(report, data),
        "table2": table2_blocks(data),
        "table3": table3_rows(data),
        "table4": table4_cells(data),
        "applicant_columns": APPLICANT_COLUMNS,
        "result_columns": RESULT_COLUMNS,
        "outcome_groups": narrative.outcome_group_totals(data),
        "comparison": comparison(data),
        "months": list(range(1, 13)),
    }
