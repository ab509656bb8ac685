"""The national form of the annual report (国办公开办函〔2021〕30号): section titles, and the
labels and shape of tables 二, 三 and 四, verbatim from the national form (docs/rules.md, 年度报告格式).

Everything that renders a table (HTML, Word, Excel) reads its labels and merged cells from here,
so the three outputs cannot drift apart. The rows of table 三 follow `info_requests.outcomes`
(one outcome per leaf row), so a request's outcome lands in exactly one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from info_requests.outcomes import AppealKind, AppealResult, ApplicantType, Outcome

SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]

# 六、其他需要报告的事项: the four customary sub-items (docs/rules.md, 年度报告格式).
OTHER_MATTERS = [
    ("fee", "（一）收取信息处理费情况"),
    ("key_points", "（二）落实上级年度政务公开工作要点情况"),
    ("proposals", "（三）人大代表建议和政协委员提案办理结果公开情况"),
    ("innovation", "（四）政务公开工作创新情况"),
]

# ---- table 二 (主动公开) ------------------------------------------------------------------------

TABLE2_BLOCKS = [
    # (block title, column headers after 信息内容, rows [(key, label)], columns spanned by one value)
    (
        "第二十条第（一）项",
        ["本年制发件数", "本年废止件数", "现行有效件数"],
        [("rule", "规章"), ("normative", "行政规范性文件")],
        1,
    ),
    ("第二十条第（五）项", ["本年处理决定数量"], [("license", "行政许可")], 3),
    ("第二十条第（六）项", ["本年处理决定数量"], [("penalty", "行政处罚"), ("enforcement", "行政强制")], 3),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("fee", "行政事业性收费")], 3),
]
TABLE2_POLICY_COLUMNS = [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("valid", "现行有效件数")]

# ---- table 三 (依申请) --------------------------------------------------------------------------

TABLE3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_COLUMNS = [(t.value, t.label) for t in ApplicantType] + [("total", "总计")]
LEGAL_PERSON_GROUP = "法人或其他组织"


@dataclass
class LabelCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    id: str = ""


@dataclass
class Row3:
    key: str
    label: str  # the full label used in messages and Excel
    cells: list[LabelCell] = field(default_factory=list)  # label cells this row starts (merged layout)
    header_ids: list[str] = field(default_factory=list)  # ids of every label cell that covers the row


def _outcome_parts(outcome: Outcome) -> tuple[str, str]:
    """'（三）不予公开 1.属于国家秘密' → ('（三）不予公开', '1.属于国家秘密'); single rows give ('…', '')."""
    group, _, leaf = outcome.label.partition(" ")
    return group, leaf


def _table3_rows() -> list[Row3]:
    rows = [
        Row3(
            "new",
            "一、本年新收政府信息公开申请数量",
            [LabelCell("一、本年新收政府信息公开申请数量", colspan=3, id="t3-r-new")],
            ["t3-r-new"],
        ),
        Row3(
            "carried_in",
            "二、上年结转政府信息公开申请数量",
            [LabelCell("二、上年结转政府信息公开申请数量", colspan=3, id="t3-r-carried_in")],
            ["t3-r-carried_in"],
        ),
    ]
    outcomes = list(Outcome)
    group_sizes: dict[str, int] = {}
    for o in outcomes:
        group, leaf = _outcome_parts(o)
        if leaf:
            group_sizes[group] = group_sizes.get(group, 0) + 1
    group_ids: dict[str, str] = {}
    result_rows = len(outcomes) + 1  # the leaf rows plus （七）总计: 22
    for index, o in enumerate(outcomes):
        group, leaf = _outcome_parts(o)
        cells = []
        if index == 0:
            cells.append(LabelCell("三、本年度办理结果", rowspan=result_rows, id="t3-g-result"))
        if leaf:
            if group not in group_ids:
                group_ids[group] = f"t3-g{len(group_ids) + 3}"  # （三） → t3-g3 … （六） → t3-g6
                cells.append(LabelCell(group, rowspan=group_sizes[group], id=group_ids[group]))
            cells.append(LabelCell(leaf, id=f"t3-r-{o.value}"))
            ids = ["t3-g-result", group_ids[group], f"t3-r-{o.value}"]
        else:
            cells.append(LabelCell(group, colspan=2, id=f"t3-r-{o.value}"))
            ids = ["t3-g-result", f"t3-r-{o.value}"]
        rows.append(Row3(o.value, o.label, cells, ids))
    rows.append(
        Row3(
            "concluded",
            "（七）总计",
            [LabelCell("（七）总计", colspan=2, id="t3-r-concluded")],
            ["t3-g-result", "t3-r-concluded"],
        )
    )
    rows.append(
        Row3(
            "carried_out",
            "四、结转下年度继续办理",
            [LabelCell("四、结转下年度继续办理", colspan=3, id="t3-r-carried_out")],
            ["t3-r-carried_out"],
        )
    )
    return rows


TABLE3_ROWS = _table3_rows()
TABLE3_ROW_INDEX = {row.key: i for i, row in enumerate(TABLE3_ROWS)}
OUTCOME_KEYS = [o.value for o in Outcome]

# Column header ids, for the headers= attribute of every data cell.
TABLE3_COLUMN_IDS = {
    "natural": ["t3-applicant", "t3-c-natural"],
    **{t: ["t3-applicant", "t3-legal", f"t3-c-{t}"] for t, _ in APPLICANT_COLUMNS[1:6]},
    "total": ["t3-applicant", "t3-c-total"],
}

# ---- table 四 (复议、诉讼) ----------------------------------------------------------------------

RESULT_COLUMNS = [(r.value, r.label) for r in AppealResult] + [("total", "总计")]
TABLE4_GROUPS = [
    (AppealKind.REVIEW.value, "行政复议", ""),
    (AppealKind.LITIGATION_DIRECT.value, "行政诉讼", "未经复议直接起诉"),
    (AppealKind.LITIGATION_AFTER_REVIEW.value, "行政诉讼", "复议后起诉"),
]


def table4_column_labels() -> list[str]:
    """The 15 column labels, flattened (for messages and Excel)."""
    labels = []
    for _, top, sub in TABLE4_GROUPS:
        for _, result in RESULT_COLUMNS:
            labels.append("".join(p for p in (top, f"（{sub}）" if sub else "", result)))
    return labels


def table4_header_ids(group_index: int, result_key: str) -> list[str]:
    kind = TABLE4_GROUPS[group_index][0]
    if group_index == 0:
        return ["t4-review", f"t4-{kind}-{result_key}"]
    return ["t4-litigation", f"t4-{kind}", f"t4-{kind}-{result_key}"]
