"""Chinese full-text search (issue 4): tokenizer, exhaustive recall and precision over a generated
corpus, public visibility, the /search/ page, staff search and the commands. The same tests run on
SQLite (FTS5) and PostgreSQL (tsvector + GIN); results are compared with a brute-force oracle and a
golden file, so both backends are shown to return identical results."""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from disclosures import corpus, search, workflow
from disclosures.models import DisclosureItem, SearchEntry
from portal.sanitize import plain_text

GOLDEN = Path(__file__).parent / "data" / "search_golden.json"


def ids(text, filters=None, sort="relevance"):
    return list(search.search(search.parse_query(text), filters, sort=sort).entries)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the workflow's public_version_changed) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# ---- tokenizer --------------------------------------------------------------------------------


def test_normalize_folds_width_case_brackets_and_space():
    assert search.normalize("ＰＤＦ版　龙民发[2016]12号\n\n附件") == "pdf版龙民发201612号\n附件"
    assert search.normalize("ＰＤＦ 版 \t x  y") == "pdf 版 x y"
    assert search.normalize("（２０１６）【Ａ】") == "2016〔a〕"


def test_document_tokens_bigrams_last_char_and_number_suffixes():
    tokens = search.document_tokens(search.normalize("关于2024年政府信息公开（ＰＤＦ版）"))
    assert tokens == [
        "关于",
        "于",
        "2024",
        "024",
        "24",
        "4",
        "年政",
        "政府",
        "府信",
        "信息",
        "息公",
        "公开",
        "开",
        "pdf",
        "df",
        "f",
        "版",
    ]


def test_query_tokens_edges_are_prefixes_or_suffixes():
    assert search.query_tokens("年度报告") == [("年度", False), ("度报", False), ("报告", False)]
    assert search.query_tokens("公") == [("公", True)]
    assert search.query_tokens("16年") == [("16", False), ("年", True)]
    assert search.query_tokens("01") == [("01", True)]
    assert search.query_tokens("〔〕") == []


def test_parse_query_terms_phrases_and_wenhao():
    q = search.parse_query('低保  "年度 报告"  低保')
    assert [t.text for t in q.terms] == ["低保", "年度报告"]  # a space between Han characters is dropped
    assert q.terms[1].phrase
    assert search.parse_query("龙民发[2016]12号").document_number == "龙民发201612号"
    assert search.parse_query("龙民发（2016）12号").document_number == "龙民发201612号"
    unclosed = search.parse_query('"信息公开')
    assert [t.text for t in unclosed.terms] == ["信息公开"]
    assert search.parse_query("，。！").terms == []
    assert search.parse_query("x\x00y").texts == ["x", "y"]
    assert search.parse_query("字" * 300).notes


# ---- corpus: exhaustive recall, precision, identical results ---------------------------------

TRICKY = [
    (
        "关于印发龙民发〔2016〕12号文件的通知（ＰＤＦ版）",
        "<p>附件1：Excel表格abc123，联系电话0875-6121234。</p><p>二〇一六年度城乡低保金按月发放&lt;到户&gt;。</p>",
    ),
    ("雾", "<p>霾</p><p>治理 雾霾，A-B测试 COVID-19 防控</p>"),
]


@pytest.fixture
def small_corpus(build, commit):
    corpus.generate(6, seed=7)
    with commit():
        for title, body in TRICKY:
            build.item(title, body=body)
        build.item("草稿中的保密字句", state="draft", body="<p>草稿独有的句子甲乙丙</p>")
        build.item("待审核的独有标题", state="pending_review", body="<p>待审独有内容丁戊己</p>")
        build.item("已撤回的独有标题", state="withdrawn", body="<p>撤回独有内容庚辛壬</p>")
    return list(DisclosureItem.objects.published())


def _oracle(entries: dict[int, str], text: str) -> set[int]:
    """Brute force: the items whose normalized text contains every term of the parsed query (Chinese
    quotes “” are query syntax, like ASCII quotes)."""
    terms = search.parse_query(text).texts
    return {pk for pk, haystack in entries.items() if all(t in haystack for t in terms)}


def _substrings(text: str, lo=2, hi=8):
    for n in range(lo, hi + 1):
        for i in range(len(text) - n + 1):
            yield text[i : i + n]


def test_every_substring_of_title_and_body_finds_the_item_and_nothing_false(small_corpus):
    entries = dict(SearchEntry.objects.values_list("item_id", "search_text"))
    assert set(entries) == {i.pk for i in small_corpus}
    wanted: dict[str, set[int]] = {}
    for item in small_corpus:
        for text in (item.title, plain_text(item.body)):
            normalized = search.normalize(text)
            assert normalized in entries[item.pk]
            for sub in _substrings(text):
                norm = search.normalize(sub)
                # contains a letter, digit or Han character; a fragment cut inside a folded form (“发〔”
                # of 龙民发〔2016〕12号, indexed as 龙民发201612号) is not in the normalized text and
                # cannot be found (precision is still checked for it below)
                if search.query_tokens(norm) and norm in normalized:
                    wanted.setdefault(sub, set()).add(item.pk)
                elif search.query_tokens(norm):
                    assert set(ids(f'"{sub}"')) == _oracle(entries, f'"{sub}"'), sub
    assert len(wanted) > 2000
    for sub, items in wanted.items():
        found = set(ids(f'"{sub}"'))
        assert items <= found, f"recall: {sub!r} missed {items - found}"
        assert found == _oracle(entries, f'"{sub}"'), f"precision: {sub!r}"


def test_random_phrases_return_exactly_the_items_containing_them(small_corpus):
    entries = dict(SearchEntry.objects.values_list("item_id", "search_text"))
    chars = sorted({c for text in entries.values() for c in text if c.strip()})
    rng = random.Random(11)
    texts = list(entries.values())
    probes = []
    for _ in range(300):
        source = rng.choice(texts)
        i = rng.randrange(max(1, len(source) - 6))
        probes.append(source[i : i + rng.randint(2, 6)][::-1])  # reversed: 报告年度 for 年度报告
        probes.append("".join(rng.choice(chars) for _ in range(rng.randint(1, 4))))
    for probe in probes:
        if search.parse_query(f'"{probe}"').terms:
            assert set(ids(f'"{probe}"')) == _oracle(entries, f'"{probe}"'), probe


def test_terms_are_anded_and_single_characters_work(small_corpus):
    entries = dict(SearchEntry.objects.values_list("item_id", "search_text"))
    both = _oracle(entries, "低保") & _oracle(entries, "发放")
    assert set(ids("低保 发放")) == both
    assert set(ids("雾")) == _oracle(entries, "雾")
    assert set(ids("霾")) == _oracle(entries, "霾")
    assert ids("霾")
    assert set(ids("pdf")) == set(ids("ＰＤＦ")) == _oracle(entries, "pdf")
    assert set(ids("016")) == _oracle(entries, "016")


def test_unpublished_never_found(small_corpus):
    for probe in ["草稿独有", "甲乙丙", "待审独有", "待审核的独有标题", "撤回独有", "庚辛壬", "已撤回的独有"]:
        assert ids(probe) == [], probe


def test_golden_results_identical_on_every_backend(db):
    """Fixed corpus, fixed queries: the ordered 索引号 lists match the committed golden file, which
    both the SQLite and the PostgreSQL runs check."""
    corpus.generate(60, seed=2026)
    queries = [
        "救助",
        "公开",
        "特困人员",
        "养老 补贴",
        '"工作会议"',
        "龙",
        "2019",
        "龙民发〔2020〕1号",
        "龙自然发[2018]1号",
        "量子纠缠",
        "村",
        "采购 公告",
        "情况 通报",
        "0875",
        "镇",
    ]
    numbers = dict(DisclosureItem.objects.values_list("pk", "index_number"))
    got = {}
    for q in queries:
        got[q] = [numbers[pk] for pk in ids(q)]
        got[q + " #date"] = [numbers[pk] for pk in ids(q, sort="date")][:10]
    if not GOLDEN.exists():  # first run writes it; commit the file
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1), encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


# ---- following the workflow ------------------------------------------------------------------


def test_index_follows_publish_withdraw_and_validity(build, commit):
    with commit():
        item = build.item(
            "关于规范殡葬服务收费的通知",
            state="pending_approval",
            category=build.policy_category,
            kind="policy",
            validity="valid",
            body="<p>殡葬服务收费标准</p>",
        )
    assert ids("殡葬服务") == []
    with commit():
        workflow.approve(item, build.leader)
    assert ids("殡葬服务") == [item.pk]
    with commit():
        workflow.set_validity(item, build.leader, validity="repealed", on=datetime.date(2026, 5, 1), reason="新规施行")
    assert ids("殡葬服务") == [item.pk]  # 废止 stays findable
    assert SearchEntry.objects.get(pk=item.pk).validity == "repealed"
    with commit():
        workflow.withdraw(item, build.leader, reason="信息有误")
    assert ids("殡葬服务") == []
    assert not SearchEntry.objects.filter(pk=item.pk).exists()


def test_scheduled_item_found_only_after_publication(build, commit):
    from django.utils import timezone

    with commit():
        item = build.item("定时发布的救灾物资通知", state="scheduled")
    assert ids("救灾物资") == []
    # The scheduled time comes (moved into the past instead of waiting), and cron publishes it.
    DisclosureItem.objects.filter(pk=item.pk).update(scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    with commit():
        workflow.publish_due()
    assert ids("救灾物资") == [item.pk]


def test_attachment_text_is_indexed(build, commit):
    from django.core.files.base import ContentFile

    from disclosures.models import Attachment

    item = build.item("附件测试", state="draft")
    Attachment.objects.create(
        item=item,
        file=ContentFile("名单,金额\n勐糯镇张某,300\n".encode(), name="a.csv"),
        original_name="名单.csv",
        file_type="csv",
        content_type="text/csv",
    )
    with commit():
        workflow.submit(item, build.editor)
        workflow.review(item, build.reviewer, secrecy_confirmed=True)
        workflow.approve(item, build.leader)
    assert ids("勐糯镇张某") == [item.pk]


def test_reindex_is_idempotent_and_drops_stale_entries(build, commit):
    with commit():
        a = build.item("道路维修工程中标结果公告")
        b = build.item("校舍维修改造项目合同公示")
    SearchEntry.objects.filter(pk=a.pk).delete()
    DisclosureItem.objects.filter(pk=b.pk).update(status=DisclosureItem.Status.WITHDRAWN)  # as if the signal was lost
    call_command("reindex", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    call_command("reindex", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert ids("维修") == [a.pk]


def test_generate_corpus_is_deterministic_with_unique_index_numbers(db):
    out = open("/dev/null", "w")
    call_command("generate_corpus", 30, "--seed", "5", stdout=out, stderr=out)
    first = list(DisclosureItem.objects.order_by("pk").values_list("title", "document_number", "published_at"))
    DisclosureItem.objects.all().delete()
    call_command("generate_corpus", 30, "--seed", "5", stdout=out, stderr=out)
    second = list(DisclosureItem.objects.order_by("pk").values_list("title", "document_number", "published_at"))
    assert first == second
    numbers = list(DisclosureItem.objects.values_list("index_number", flat=True))
    assert None not in numbers and len(set(numbers)) == 30
    assert DisclosureItem.objects.published().count() == SearchEntry.objects.count() == 30
    from portal.models import AuditEntry

    assert AuditEntry.objects.filter(action="corpus.generate").count() == 2


# ---- the /search/ page --------------------------------------------------------------------------


@pytest.fixture
def site(build, commit, site_profile):
    with commit():
        report = build.item(
            "龙陵县民政局2016年政府信息公开工作年度报告",
            document_number="龙民发〔2016〕12号",
            body="<p>本报告由龙陵县民政局编制，年度报告全文如下。</p>",
        )
        mention = build.item("关于转发年度报告编制要求的通知", body="<p>请参照县民政局龙民发〔2016〕12号执行。</p>")
        other = build.item(
            "城乡低保资金发放公示",
            org=build.other_org,
            category=build.policy_category,
            kind="policy",
            validity="expired",
            body="<p>低保金按月发放。</p>",
        )
        build.item("草稿：年度报告修改稿", state="draft", body="<p>年度报告草稿</p>")
    return {"report": report, "mention": mention, "other": other}


def test_search_page_ranks_wenhao_first_in_both_spellings(client, site):
    for q in ["龙民发〔2016〕12号", "龙民发[2016]12号", "龙民发(2016)12号"]:
        page = client.get(reverse("disclosures:search"), {"q": q})
        assert page.status_code == 200
        assert [i.pk for i in page.context["items"]] == [site["report"].pk, site["mention"].pk]


def test_search_page_title_matches_first_then_recency_and_marks(client, site):
    page = client.get(reverse("disclosures:search"), {"q": "年度报告"})
    items = page.context["items"]
    assert [i.pk for i in items] == [site["mention"].pk, site["report"].pk]  # both in the title: newest first
    older_title_hit = client.get(reverse("disclosures:search"), {"q": "民政局"}).context["items"]
    assert [i.pk for i in older_title_hit] == [site["report"].pk, site["mention"].pk]  # title before body
    html = page.content.decode()
    assert "<mark>年度报告</mark>" in html
    assert "草稿" not in "".join(i.title for i in items)
    dated = client.get(reverse("disclosures:search"), {"q": "民政局", "sort": "date"}).context["items"]
    assert [i.pk for i in dated] == [site["mention"].pk, site["report"].pk]


def test_search_page_filters_and_counts_with_and_without_query(client, site, build):
    page = client.get(reverse("disclosures:search"), {"q": "发放"})
    assert [i.pk for i in page.context["items"]] == [site["other"].pk]
    page = client.get(reverse("disclosures:search"), {"validity": "expired"})
    assert [i.pk for i in page.context["items"]] == [site["other"].pk]
    facets = {key: values for key, _, values, _ in page.context["facets"]}
    assert [(name, n) for name, n, _, _ in facets["validity"]] == [("失效", 1)]
    page = client.get(reverse("disclosures:search"), {"organization": build.org.slug})
    facets = {key: values for key, _, values, _ in page.context["facets"]}
    assert {name: n for name, n, _, _ in facets["organization"]} == {build.org.name: 2, build.other_org.name: 1}
    assert len(page.context["items"]) == 2
    page = client.get(reverse("disclosures:search"), {"q": "年度报告", "category": "fdzdgk/zcwj"})
    assert page.context["items"] == []
    page = client.get(reverse("disclosures:search"), {"q": "年度报告", "number": "龙民发[2016]"})
    assert [i.pk for i in page.context["items"]] == [site["report"].pk]
    year = site["report"].published_at.year
    page = client.get(
        reverse("disclosures:search"),
        {"q": "年度报告", "year": year, "date_from": "2000-01-01", "date_to": "2100-01-01"},
    )
    assert len(page.context["items"]) == 2


def test_search_page_escapes_user_and_stored_text(client, build, commit, site_profile):
    with commit():
        build.item("<script>alert(1)</script>公告", body="<p>&lt;b&gt;粗体&lt;/b&gt;公告内容</p>")
    html = client.get(reverse("disclosures:search"), {"q": "<script> 公告"}).content.decode()
    assert "<script>alert" not in html
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;<mark>公告</mark>" in html
    assert "<b>粗体" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "'\"\\%_*:&|!()"},
        {"q": "a" * 5000},
        {"page": "abc"},
        {"page": "-3", "q": "公"},
        {"year": "二〇一六"},
        {"date_from": "2016-13-45"},
        {"organization": "nope"},
        {"category": "../.."},
        {"kind": "x"},
        {"validity": "'; drop"},
        {"sort": "evil"},
        {"q": "'公':* & !"},
        {"q": '"""'},
        {"date_from": "2026-05-01", "date_to": "2016-01-01"},
        {"q": "年度报告", "page": "999999"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"year": "2200"},
        {"q": "AND OR NOT NEAR"},
        {"q": "龙民发〔2016〕12号" * 3},
        {"number": "[["},
        {"q": "一二三四五六七八九十" * 10},
    ],
)
def test_malformed_input_never_fails(client, site, params):
    page = client.get(reverse("disclosures:search"), params)
    assert page.status_code == 200


def test_empty_result_page_helps(client, site, build):
    html = client.get(reverse("disclosures:search"), {"q": "龙民发〔2099〕1号", "organization": build.org.slug}).content
    html = html.decode()
    assert "没有找到" in html and "核对写法" in html and "取消全部筛选条件" in html


def test_single_character_query(client, site):
    items = client.get(reverse("disclosures:search"), {"q": "保"}).context["items"]
    assert {i.pk for i in items} == {site["other"].pk}


def _query_count(client, django_assert_max_num_queries, params):
    # 6 + at most 5 for a page of ids (count and rows per tier); PostgreSQL adds SAVEPOINT,
    # SET LOCAL enable_seqscan and RELEASE around the counting query.
    from django.db import connection

    with django_assert_max_num_queries(14 if connection.vendor == "postgresql" else 11):
        assert client.get(reverse("disclosures:search"), params).status_code == 200


def test_fixed_query_count_small_and_larger(client, build, commit, site_profile, django_assert_max_num_queries):
    with commit():
        build.item("低保年度报告", body="<p>附件中才有</p>")
    for params in [
        {"q": "低保"},
        {"q": "年度报告", "organization": build.org.slug, "sort": "date"},
        {"kind": "policy"},
    ]:
        _query_count(client, django_assert_max_num_queries, params)
    corpus.generate(120, seed=4)
    for params in [{"q": "低保"}, {"q": "公开 工作", "year": "2020"}, {"validity": "valid"}, {"q": "村", "page": "3"}]:
        _query_count(client, django_assert_max_num_queries, params)


def test_snippet_marks_full_width_match_and_escapes():
    q = search.parse_query("pdf 年度报告")
    html = search.snippet("关于2016年度政府信息公开工作年度报告予以公布。附件（ＰＤＦ格式）<i>", q)
    assert "<mark>年度报告</mark>" in html and "<mark>ＰＤＦ</mark>" in html and "&lt;i&gt;" in html


# ---- staff search in the admin -------------------------------------------------------------------


def test_admin_search_finds_public_items_and_own_drafts_only(client, build, commit):
    with commit():
        public = build.item("公开的养老服务补贴通知")
        draft = build.item("本单位养老服务补贴草稿", state="draft")
        foreign = build.item("外单位养老服务补贴草稿", state="draft", org=build.other_org)
    staff = build.user("staff1", "editor", org=build.org)
    client.force_login(staff)
    page = client.get(reverse("admin:disclosures_disclosureitem_changelist"), {"q": "养老服务补贴"})
    assert page.status_code == 200
    found = {obj.pk for obj in page.context["cl"].result_list}
    assert public.pk in found and draft.pk in found and foreign.pk not in found


# ---- PostgreSQL specifics --------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_uses_gin_index_for_bigrams(build, commit):
    from django.db import connection

    corpus.generate(50, seed=1)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT item_id FROM disclosures_searchentry "
            "WHERE disclosures_search_tokens(search_text) @@ '低保'::tsquery"  # the expression index (0011)
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disclosures_searchentry_gin" in plan


def test_demo_items_are_all_searchable_and_only_them(db, django_capture_on_commit_callbacks):
    """The demo publishes through the workflow; the signal indexes each item after commit."""
    import os

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=open(os.devnull, "w"))
    published = list(DisclosureItem.objects.published())
    assert published and set(SearchEntry.objects.values_list("pk", flat=True)) == {i.pk for i in published}
    entries = dict(SearchEntry.objects.values_list("item_id", "search_text"))
    for item in published:
        body = plain_text(item.body)
        for probe in (item.title[-6:], body[len(body) // 2 : len(body) // 2 + 5]):
            if search.parse_query(f'"{probe}"').terms:
                found = ids(f'"{probe}"')
                assert item.pk in found and set(found) == _oracle(entries, f'"{probe}"'), probe
    hidden = DisclosureItem.objects.exclude(pk__in=[i.pk for i in published])
    assert hidden.exists()
    for item in hidden:
        assert item.pk not in ids(f'"{item.title}"')


def test_pages_read_tier_by_tier_equal_one_sorted_query(db):
    corpus.generate(150, seed=9)
    number = DisclosureItem.objects.exclude(document_number="").order_by("pk").first().document_number
    for text in ["村", "工作", number.replace("〔", "[").replace("〕", "]"), "公开 情况", "龙"]:
        query = search.parse_query(text)
        result = search.search(query)
        expected = list(
            search.match(SearchEntry.objects.all(), query)
            .annotate(relevance=search.query._relevance(query))
            .order_by("relevance", "-published_at", "-item_id")
            .values_list("item_id", flat=True)
        )
        assert list(result.entries) == expected and result.total == len(expected)
        for size in (7, 20):
            paged = []
            for start in range(0, len(expected), size):
                paged += search.search(query).entries[start : start + size]  # fresh: no tier size known yet
            assert paged == expected
        assert expected
        assert search.search(query).entries[len(expected) - 3 : len(expected) + 5] == expected[-3:]


def test_cached_counts_follow_every_index_change(build, commit, client, site_profile, settings):
    from django.core.cache import cache

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "search-test"},
    }
    cache.clear()
    with commit():
        first = build.item("森林草原防火通告")
    assert client.get(reverse("disclosures:search"), {"q": "防火"}).context["page"].paginator.count == 1
    with commit():
        second = build.item("防火期野外用火管理规定")
    page = client.get(reverse("disclosures:search"), {"q": "防火"})
    assert page.context["page"].paginator.count == 2 and len(page.context["items"]) == 2
    with commit():
        workflow.withdraw(second, build.leader, reason="有误")
    page = client.get(reverse("disclosures:search"), {"q": "防火"})
    assert page.context["page"].paginator.count == 1 and [i.pk for i in page.context["items"]] == [first.pk]
    cache.clear()


def test_index_number_finds_its_item(client, build, site_profile, commit):
    with commit():
        item = build.item("按索引号查找的信息")
        other = build.item("另一条信息")
    html = client.get("/search/", {"q": item.index_number}).content.decode()
    assert item.get_absolute_url() in html and other.get_absolute_url() not in html


def test_a_match_only_in_an_attachment_shows_the_attachment_text_with_its_punctuation(build, commit, client):
    from django.core.files.base import ContentFile

    from disclosures.models import Attachment

    item = build.item("附件摘要测试", state="draft", keywords="主题词甲")
    Attachment.objects.create(
        item=item,
        file=ContentFile("说明：补助标准，每人每月三百元。\n".encode(), name="b.txt"),
        original_name="补助说明.txt",
        file_type="txt",
        content_type="text/plain",
    )
    with commit():
        workflow.submit(item, build.editor)
        workflow.review(item, build.reviewer, secrecy_confirmed=True)
        workflow.approve(item, build.leader)
    item.refresh_from_db()
    page = client.get(reverse("disclosures:search"), {"q": "补助标准"}).content.decode()
    assert "<mark>补助标准</mark>，每人每月" in page  # the attachment's own text, Chinese comma kept
    at = page.index("<mark>补助标准</mark>")
    assert "主题词甲" not in page[at - 120 : at + 120]  # not the index text with 主题词 run into it
