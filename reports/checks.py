"""The reconciliation rules of the national form (docs/rules.md, 年度报告格式). A report that breaks
one of the blocking rules cannot be submitted or approved; each problem names the table, row and
column of the wrong cell in Chinese.

Blocking rules:
  1. 表三 every row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他.
  2. 表三 every column: （七）总计 = the sum of the outcome rows （一）…（六）.
  3. 表三 every column: 一 + 二 = （七）+ 四 (the rule written in the form's top-left cell).
  4. 表三 every column: this year's 二 = last year's 四 (when last year's report is in the system).
  5. 表四 each group: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
Warning (shown, not blocking; our proposal, docs/design.md):
  6. 表二: 现行有效 = last year's 现行有效 + 本年制发 − 本年废止.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import APPLICANT_COLUMNS, OUTCOME_KEYS, TABLE3_ROW_INDEX, TABLE3_ROWS, TABLE4_GROUPS, table4_column_labels


@dataclass(frozen=True)
class Problem:
    table: str  # "表二" / "表三" / "表四"
    row: str
    column: str
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return self.message


def _col(c: int) -> str:
    return APPLICANT_COLUMNS[c][1]


def run(data: dict, previous: dict | None = None) -> list[Problem]:
    """All problems of one report's figures. `previous` is last year's report data, if any."""
    problems: list[Problem] = []
    t3 = data["table3"]
    for r, row in enumerate(t3):
        if row[6] != sum(row[:6]):
            label = TABLE3_ROWS[r].label
            problems.append(
                Problem(
                    "表三",
                    label,
                    "总计",
                    f"表三“{label}”行的“总计”为{row[6]}，但自然人至其他各列之和为{sum(row[:6])}。",
                )
            )
    concluded = TABLE3_ROW_INDEX["concluded"]
    new, carried_in, carried_out = (TABLE3_ROW_INDEX[k] for k in ("new", "carried_in", "carried_out"))
    for c in range(7):
        outcomes = sum(t3[TABLE3_ROW_INDEX[k]][c] for k in OUTCOME_KEYS)
        if t3[concluded][c] != outcomes:
            problems.append(
                Problem(
                    "表三",
                    "（七）总计",
                    _col(c),
                    f"表三“（七）总计”行“{_col(c)}”列为{t3[concluded][c]}，但（一）至（六）各项之和为{outcomes}。",
                )
            )
        left = t3[new][c] + t3[carried_in][c]
        right = t3[concluded][c] + t3[carried_out][c]
        if left != right:
            problems.append(
                Problem(
                    "表三",
                    "一+二 与 （七）+四",
                    _col(c),
                    f"表三“{_col(c)}”列不符合勾稽关系：一、本年新收（{t3[new][c]}）加二、上年结转（{t3[carried_in][c]}）"
                    f"等于{left}，但（七）总计（{t3[concluded][c]}）加四、结转下年度（{t3[carried_out][c]}）等于{right}。",
                )
            )
    if previous is not None:
        last = previous["table3"][carried_out]
        for c in range(7):
            if t3[carried_in][c] != last[c]:
                problems.append(
                    Problem(
                        "表三",
                        "二、上年结转政府信息公开申请数量",
                        _col(c),
                        f"表三“二、上年结转政府信息公开申请数量”行“{_col(c)}”列为{t3[carried_in][c]}，"
                        f"但{previous['year']}年度报告“四、结转下年度继续办理”为{last[c]}，两者应当相等。",
                    )
                )
    labels = table4_column_labels()
    t4 = data["table4"]
    for g in range(len(TABLE4_GROUPS)):
        parts = t4[g * 5 : g * 5 + 4]
        total = t4[g * 5 + 4]
        if total != sum(parts):
            problems.append(
                Problem(
                    "表四",
                    "",
                    labels[g * 5 + 4],
                    f"表四“{labels[g * 5 + 4]}”为{total}，但结果维持、结果纠正、其他结果、尚未审结之和为{sum(parts)}。",
                )
            )
    for values, where in [(sum(t3, []), "表三"), (t4, "表四")]:
        if any(v < 0 for v in values):
            problems.append(Problem(where, "", "", f"{where}中有负数，件数不能为负。"))
    if previous is not None:
        for key, label in (("rule", "规章"), ("normative", "行政规范性文件")):
            now, before = data["table2"][key], previous["table2"][key]
            # 成文日期 unknown: in 现行有效 from the year of its 发布日期, never 本年制发 (docs/rules.md
            # “成文日期未知”); older snapshots have no such count.
            undated = now.get("undated", 0)
            expected = before["valid"] + now["issued"] + undated - now["repealed"]
            if now["valid"] != expected:
                undated_text = f" + 成文日期未知、本年发布{undated}" if undated else ""
                problems.append(
                    Problem(
                        "表二",
                        label,
                        "现行有效件数",
                        f"表二“{label}”的现行有效件数为{now['valid']}，按上年度报告推算应为{expected}"
                        f"（上年现行有效{before['valid']} + 本年制发{now['issued']}{undated_text}"
                        f" − 本年废止{now['repealed']}），请核实。",
                        blocking=False,
                    )
                )
    return problems


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]


def explain(problems: list[Problem]) -> str:
    """One Chinese message for a refused submission or approval."""
    lines = [f"{n}. {p.message}" for n, p in enumerate(blocking(problems), 1)]
    return "年度报告数据未通过校验，不能提交或审批：\n" + "\n".join(lines)
