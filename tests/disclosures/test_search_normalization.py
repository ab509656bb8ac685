"""Search finds what people type (issue 13): 文号 typed with 第, 年, without or with other brackets,
stray spaces between Han characters, other dashes in year ranges, ○ for 〇, full-width letters and
digits. One normalization (disclosures/search/tokens.py `normalize`) is applied to the indexed text
and to the query; recall is checked over a corpus that holds these forms, and precision (a different
文号, a different year) against a brute-force oracle. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosures import search
from disclosures.models import SearchEntry


def ids(text, filters=None):
    return set(search.search(search.parse_query(text), filters).entries)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def forms(build, commit):
    """Items whose stored text has the forms people type differently."""
    with commit():
        made = {
            "n12": build.item("关于印发城乡低保实施细则的通知", document_number="龙民发〔2016〕12号"),
            "n1": build.item("关于调整临时救助标准的通知", document_number="龙民发〔2016〕1号"),
            "n112": build.item("关于养老服务补贴的通知", document_number="龙民发〔2016〕112号"),
            "n2026": build.item("关于2026年殡葬改革的意见", document_number="龙民发〔2026〕18号"),
            "n2017": build.item("关于婚姻登记的通知", document_number="龙民发〔2017〕12号"),
            # the 文号 only in the body, in other brackets and with 第
            "body": build.item("转发文件的通知", body="<p>请参照龙财规【2019】第7号执行。</p>"),
            # stray spaces of every kind between Han characters, in the title and the body
            "spaces": build.item(
                "政府\u3000信息 公开\u2002工作\xa0年度报告",
                body="<p>全县\u3000\u3000殡葬 改革\u2003推进情况</p>",
            ),
            "range": build.item("十四五规划（2021—2025年）中期评估", body="<p>实施期2021年～2025年。</p>"),
            "numerals": build.item("龙陵县国土空间总体规划（二○二一—二○三五年）"),
            "width": build.item("ＰＤＦ格式的Ｅｘｃｅｌ表格下载", body="<p>编号ＡＢ１２３</p>"),
            "paragraphs": build.item("段落测试", body="<p>第一段结尾是民政</p><p>局长讲话在第二段</p>"),
        }
    return {k: v.pk for k, v in made.items()}


@pytest.mark.parametrize(
    "typed",
    [
        "龙民发〔2016〕12号",
        "龙民发〔2016〕第12号",
        "龙民发201612号",
        "龙民发2016年12号",
        "龙民发2016年第12号",
        "龙民发[2016]12号",
        "龙民发［2016］12号",
        "龙民发【2016】12号",
        "龙民发(2016)12号",
        "龙民发（2016）12号",
        "龙民发〈2016〉12号",
        "龙民发《2016》12号",
        "龙民发﹝2016﹞12号",
        "龙民发 〔2016〕 12 号",
        "龙民发〔２０１６〕１２号",
    ],
)
def test_wenhao_in_any_spelling_finds_exactly_that_document(forms, typed):
    assert ids(typed) == {forms["n12"]}, typed


def test_wenhao_precision_other_numbers_and_years_do_not_match(forms):
    assert ids("龙民发〔2016〕1号") == {forms["n1"]}
    assert ids("龙民发20161号") == {forms["n1"]}
    assert ids("龙民发2016年1号") == {forms["n1"]}
    assert ids("龙民发〔2016〕112号") == {forms["n112"]}
    assert ids("龙民发〔2017〕12号") == {forms["n2017"]}
    assert ids("龙民发〔2016〕13号") == set()
    assert ids("龙民发〔2015〕12号") == set()
    assert forms["n12"] not in ids("龙民发201611号")


def test_wenhao_prefixes_find_every_document_of_that_year(forms):
    assert ids("龙民发2026") == {forms["n2026"]}
    assert ids("龙民发〔2026〕") == {forms["n2026"]}
    assert ids("龙民发2016") == {forms["n12"], forms["n1"], forms["n112"]}
    assert ids("龙民发") == {forms["n12"], forms["n1"], forms["n112"], forms["n2026"], forms["n2017"]}


def test_wenhao_in_the_body_with_other_brackets_and_di(forms):
    for typed in ["龙财规〔2019〕7号", "龙财规[2019]7号", "龙财规2019年7号", "龙财规〔2019〕第7号", "龙财规20197号"]:
        assert ids(typed) == {forms["body"]}, typed
    assert ids("龙财规〔2019〕70号") == set()


def test_wenhao_page_ranks_the_document_first(client, forms, site_profile):
    page = client.get(reverse("disclosures:search"), {"q": "龙民发2016年第12号"})
    assert [i.pk for i in page.context["items"]] == [forms["n12"]]
    assert "<mark>" in page.content.decode()


def test_stray_spaces_between_han_characters_are_ignored(forms):
    for typed in ["政府信息公开工作年度报告", "信息公开", "公开工作", "工作年度", "政府 信息", "政府\u3000信息公开"]:
        assert forms["spaces"] in ids(typed), typed
    assert ids('"全县殡葬改革推进"') == {forms["spaces"]}
    assert ids("殡葬\u3000改革推进") == {forms["spaces"]}


def test_paragraphs_do_not_run_together(forms):
    assert forms["paragraphs"] in ids("民政")
    assert forms["paragraphs"] not in ids('"民政局长"')


@pytest.mark.parametrize("dash", ["-", "–", "—", "－", "‐", "~", "～", "——", " - "])
def test_year_ranges_with_any_dash(forms, dash):
    assert forms["range"] in ids(f"2021{dash}2025"), dash
    assert forms["range"] in ids(f"2021年{dash}2025年"), dash


def test_chinese_numerals_with_circle_or_letter_o(forms):
    for typed in ["二〇三五", "二○三五", "二O三五", "二Ｏ三五", "二0三五", "二〇二一-二〇三五", "二○二一—二○三五年"]:
        assert ids(typed) == {forms["numerals"]}, typed
    assert ids("二〇三六") == set()
    assert search.normalize("二○三五") == search.normalize("二〇三五") == "二〇三五"
    assert search.normalize("google二") == "google二"  # a Latin word is not a numeral


def test_full_width_letters_and_digits(forms):
    assert ids("pdf") == ids("ＰＤＦ") == {forms["width"]}
    assert ids("excel表格") == {forms["width"]}
    assert ids("ab123") == ids("ＡＢ１２３") == {forms["width"]}


def test_every_form_equals_the_oracle(forms):
    """Precision for every probe: the result is exactly the items whose normalized text contains the
    normalized query."""
    entries = dict(SearchEntry.objects.values_list("item_id", "search_text"))
    probes = [
        "龙民发2016",
        "2016",
        "201612",
        "12号",
        "〔2016〕",
        "第12号",
        "2021-2025",
        "二〇",
        "规划二",
        "政府信息",
        "公开 工作",
    ]
    for probe in probes:
        terms = search.parse_query(probe).texts
        expected = {pk for pk, text in entries.items() if all(t in text for t in terms)}
        assert ids(probe) == expected, probe


def test_normalize_with_map_points_back_to_the_original():
    text = "龙民发〔２０１６〕第12号，政府　信息（二○三五）"
    norm, origin = search.normalize_with_map(text)
    assert norm == search.normalize(text) == "龙民发201612号,政府信息〔二〇三五〕"
    assert len(origin) == len(norm)
    assert [text[i] for i in origin[:3]] == ["龙", "民", "发"]
    assert text[origin[norm.index("二")]] == "二"
    assert text[origin[norm.index("〇")]] == "○"


def test_snippet_marks_the_original_spelling(forms):
    q = search.parse_query("龙财规2019年7号")
    html = search.snippet("请参照龙财规【2019】第7号执行。", q)
    assert "<mark>龙财规【2019】第7号</mark>" in html and "。" in html
    html = search.snippet("政府　信息公开，工作", search.parse_query("政府信息"))
    assert "<mark>政府 信息</mark>公开，工作" in html  # blanks shown as one space, “，” kept


def test_reindex_applies_the_normalization_to_existing_entries(forms, commit):
    """Entries stored with an older normalization are rebuilt by `reindex` (README 全文检索)."""
    SearchEntry.objects.filter(item_id=forms["n12"]).update(
        search_text="关于印发城乡低保实施细则的通知 龙民发〔2016〕12号", document_number="龙民发〔2016〕12号"
    )
    from django.core.management import call_command

    call_command("reindex", verbosity=0)
    assert ids("龙民发2016年12号") == {forms["n12"]}
    assert SearchEntry.objects.get(item_id=forms["n12"]).document_number == "龙民发201612号"
