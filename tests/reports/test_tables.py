"""Annual report figures: the national form's labels and shape, and every number on a hand-computed
data set (tests/reports_data.py)."""

import datetime
import re
from html.parser import HTMLParser

import pytest

from reports import layout, tables

from . import data as rd

# The labels of the national form (docs/rules.md, 年度报告格式), copied verbatim (not from the code).
SPEC_SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
SPEC_TABLE3_LABEL_GRID = [
    ["一、本年新收政府信息公开申请数量"] * 3,
    ["二、上年结转政府信息公开申请数量"] * 3,
    ["三、本年度办理结果"] + ["（一）予以公开"] * 2,
    ["三、本年度办理结果"] + ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"] * 2,
    ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"],
    ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"],
    ["三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"],
    ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"],
    ["三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"],
    ["三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"],
    ["三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"],
    ["三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"],
    ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"],
    ["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"],
    ["三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"],
    ["三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"],
    ["三、本年度办理结果", "（五）不予处理", "2.重复申请"],
    ["三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"],
    ["三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"],
    ["三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"],
    ["三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    [
        "三、本年度办理结果",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ],
    ["三、本年度办理结果", "（六）其他处理", "3.其他"],
    ["三、本年度办理结果"] + ["（七）总计"] * 2,
    ["四、结转下年度继续办理"] * 3,
]
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
SPEC_TABLE3_HEADER_GRID = [
    [CORNER] * 3 + ["申请人情况"] * 7,
    [CORNER] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    [CORNER] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
SPEC_TABLE4_HEADER_GRID = [
    ["行政复议"] * 5 + ["行政诉讼"] * 10,
    RESULTS + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
    RESULTS + RESULTS + RESULTS,
]
SPEC_TABLE2_GRID = [
    ["第二十条第（一）项"] * 4,
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "n", "n", "n"],
    ["行政规范性文件", "n", "n", "n"],
    ["第二十条第（五）项"] * 4,
    ["信息内容"] + ["本年处理决定数量"] * 3,
    ["行政许可"] + ["n"] * 3,
    ["第二十条第（六）项"] * 4,
    ["信息内容"] + ["本年处理决定数量"] * 3,
    ["行政处罚"] + ["n"] * 3,
    ["行政强制"] + ["n"] * 3,
    ["第二十条第（八）项"] * 4,
    ["信息内容"] + ["本年收费金额（单位：万元）"] * 3,
    ["行政事业性收费"] + ["n"] * 3,
]


class TableGrid(HTMLParser):
    """Expands one HTML table (rowspan/colspan) into a grid of cell texts, per section."""

    def __init__(self):
        super().__init__()
        self.grids = {"thead": [], "tbody": []}
        self._section = "tbody"
        self._pending: dict[tuple[int, int], str] = {}
        self._row = None
        self._cell = None
        self._spans = (1, 1)
        self.rows: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            self._spans = (int(a.get("rowspan", 1)), int(a.get("colspan", 1)))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(("".join(self._cell).strip(), *self._spans))
            self._cell = None
        elif tag == "tr":
            self.rows.append((self._section, self._row))

    def grid(self):
        out, carry = [], {}
        for r, (section, cells) in enumerate(self.rows):
            row, c = [], 0
            cells = list(cells)
            while cells or (r, c) in carry:
                if (r, c) in carry:
                    row.append(carry.pop((r, c)))
                    c += 1
                    continue
                text, rowspan, colspan = cells.pop(0)
                for dc in range(colspan):
                    row.append(text)
                    for dr in range(1, rowspan):
                        carry[(r + dr, c + dc)] = text
                c += colspan
            out.append((section, row))
        return out


def table_grid(html: str, css_class: str):
    match = re.search(rf'<table class="report-table {css_class}">(.*?)</table>', html, re.S)
    assert match, css_class
    parser = TableGrid()
    parser.feed(match.group(0))
    return parser.grid()


@pytest.fixture
def data(build):
    rd.load(build)
    return tables.compute(build.org, 2025)


def test_section_titles_and_outcome_rows_follow_the_national_form():
    assert layout.SECTIONS == SPEC_SECTIONS
    assert len(layout.TABLE3_ROWS) == 25
    assert [key for key, _ in layout.APPLICANT_COLUMNS] == [
        "natural",
        "business",
        "research",
        "public_interest",
        "legal_service",
        "other_org",
        "total",
    ]


def test_table3_counts_every_cell_of_the_hand_computed_data(data):
    table = data["table3"]
    for row in layout.TABLE3_ROWS:
        expected = rd.EXPECTED_TABLE3.get(row.key, [0] * 7)
        assert table[layout.TABLE3_ROW_INDEX[row.key]] == expected, row.label


def test_table4_counts_cases_filed_in_the_year_with_their_result_at_year_end(data):
    assert data["table4"] == rd.EXPECTED_TABLE4


def test_table2_counts_published_rules_and_normative_documents_by_their_dates(data):
    for key, expected in rd.EXPECTED_TABLE2.items():
        assert data["table2"][key] == expected, key


def test_table2_staff_figures_come_from_the_yearly_figures_row(build):
    from reports.models import YearlyFigures

    figures = YearlyFigures.objects.create(
        organization=build.org,
        year=2025,
        license_decisions=12,
        penalty_decisions=3,
        enforcement_decisions=1,
        fee_amount="1.25",
        source="审批系统导出",
    )
    t2 = tables.compute(build.org, 2025, figures=figures)["table2"]
    assert (t2["license"], t2["penalty"], t2["enforcement"], t2["fee"], t2["source"]) == (
        12,
        3,
        1,
        "1.25",
        "审批系统导出",
    )


def test_next_year_carries_over_exactly_what_this_year_carried_out(data, build):
    next_year = tables.table3(build.org, 2026)
    assert next_year[layout.TABLE3_ROW_INDEX["carried_in"]] == rd.EXPECTED_TABLE3["carried_out"]


def test_county_aggregate_adds_every_organization(data, build):
    total = tables.table3(None, 2025)
    assert total[layout.TABLE3_ROW_INDEX["new"]][0] == 4 + 1  # A12 of the other organization
    assert tables.table4(None, 2025)[4] == 3 + 1


def test_answer_times_use_the_work_calendar(data):
    from portal.workcalendar import Calendar

    cal = Calendar.load()
    spans = [
        (rd.D(2024, 12, 20), rd.D(2025, 1, 10)),
        (rd.D(2025, 3, 3), rd.D(2025, 3, 20)),
        (rd.D(2025, 5, 5), rd.D(2025, 6, 1)),
        (rd.D(2025, 7, 1), rd.D(2025, 7, 15)),
        (rd.D(2025, 2, 2), rd.D(2025, 2, 10)),
        (rd.D(2025, 9, 1), rd.D(2025, 9, 30)),
        (rd.D(2024, 12, 30), rd.D(2025, 12, 31)),
    ]
    days = [cal.workdays_between(a, b) for a, b in spans]
    answers = data["answers"]
    assert answers["count"] == 7
    assert answers["average_workdays"] == f"{sum(days) / 7:.1f}"
    assert answers["within_limit"] == sum(1 for d in days if d <= 20)


def test_share_published_within_the_time_limit(build):
    from django.utils import timezone

    from disclosures.models import DisclosureItem

    tz = timezone.get_current_timezone()
    quick = build.item("及时公开", written=rd.D(2025, 3, 3))
    late = build.item("超期公开", written=rd.D(2025, 1, 2))
    DisclosureItem.objects.filter(pk=quick.pk).update(published_at=datetime.datetime(2025, 3, 10, 9, tzinfo=tz))
    DisclosureItem.objects.filter(pk=late.pk).update(published_at=datetime.datetime(2025, 3, 3, 9, tzinfo=tz))
    items = tables.published_items(build.org, 2025)
    assert items["total"] == 2
    assert items["on_time"] == 1 and items["on_time_share"] == "50.0"
    assert items["by_category"] == [{"name": "社会救助", "months": [0, 0, 2] + [0] * 9, "total": 2}]


def test_compute_runs_a_fixed_number_of_queries(build, django_assert_max_num_queries):
    rd.load(build)
    with django_assert_max_num_queries(22):  # 16 for the tables, 6 for the 互动回应 sentence
        tables.compute(build.org, 2025)
    for n in range(30):
        rd.application(
            build.org,
            "natural",
            rd.D(2025, 1, 1) + datetime.timedelta(days=n),
            rd.D(2025, 3, 1) + datetime.timedelta(days=n),
            "disclose",
        )
    with django_assert_max_num_queries(22):  # 16 for the tables, 6 for the 互动回应 sentence
        tables.compute(build.org, 2025)


# ---- rendered tables against the spec, cell for cell ------------------------------------------


@pytest.fixture
def rendered(build, data):
    from django.template.loader import render_to_string

    from reports import present

    view = present.view_model(None, data)
    return render_to_string("reports/_sections.html", {"data": data, "view": view, "for_item": True})


def test_rendered_table3_has_the_official_merged_layout(rendered):
    grid = table_grid(rendered, "t3")
    head = [row for section, row in grid if section == "thead"]
    body = [row for section, row in grid if section == "tbody"]
    assert head == SPEC_TABLE3_HEADER_GRID
    assert len(body) == 25
    assert [row[:3] for row in body] == SPEC_TABLE3_LABEL_GRID
    assert all(len(row) == 10 for row in body)
    for row, layout_row in zip(body, layout.TABLE3_ROWS, strict=True):
        assert [int(v) for v in row[3:]] == rd.EXPECTED_TABLE3.get(layout_row.key, [0] * 7)


def test_rendered_table4_has_the_official_merged_layout(rendered):
    grid = table_grid(rendered, "t4")
    head = [row for section, row in grid if section == "thead"]
    body = [row for section, row in grid if section == "tbody"]
    assert head == SPEC_TABLE4_HEADER_GRID
    assert [[int(v) for v in row] for row in body] == [rd.EXPECTED_TABLE4]


def test_rendered_table2_has_the_official_blocks(rendered):
    grid = [row for _, row in table_grid(rendered, "t2")]
    shape = [[("n" if re.fullmatch(r"[\d.]+", v) else v) for v in row] for row in grid]
    assert shape == SPEC_TABLE2_GRID
    assert grid[2][1:] == ["1", "1", "1"] and grid[3][1:] == ["1", "1", "2"]
    assert grid[13][1] == "0.00"


def test_rendered_sections_are_all_six_in_order(rendered):
    assert re.findall(r"<h2 id=\"s\d\">(.*?)</h2>", rendered) == SPEC_SECTIONS
    for title in [
        "（一）收取信息处理费情况",
        "（二）落实上级年度政务公开工作要点情况",
        "（三）人大代表建议和政协委员提案办理结果公开情况",
        "（四）政务公开工作创新情况",
    ]:
        assert title in rendered
