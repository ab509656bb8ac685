"""成文日期 unknown (NULL, items taken over from an old site) and 成文日期 before the work calendar's
first year: the 公开时限 rule, the dashboard, public pages, open data and revisions
(docs/rules.md “成文日期未知”)."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from disclosures import queues, revision_diff, revisions, timeliness, workflow
from disclosures.models import DisclosureItem
from portal.workcalendar import Calendar

D = datetime.date


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# ---- the rule -------------------------------------------------------------------------------------


def test_unknown_written_date_gives_an_unknown_deadline_never_on_time_nor_late(db):
    calendar = Calendar.load()
    deadline = timeliness.deadline(None, 20, calendar)
    assert not deadline.known and deadline.date is None
    assert deadline.basis == timeliness.Basis.UNKNOWN
    assert str(deadline) == "未知（成文日期未知）"
    assert timeliness.on_time(None, D(2025, 3, 1), 20, calendar.workdays_between) is None


def test_a_date_before_the_work_calendar_counts_weekends_only_and_says_so(db):
    calendar = Calendar.load()
    first = calendar.first_year
    assert first == 2004  # seeded from chinesecalendar (portal/migrations/0002)
    written = D(2003, 9, 26)  # 国庆 2003 (10-01…10-07) is not in the calendar: weekdays count
    deadline = timeliness.deadline(written, 10, calendar)
    assert deadline.basis == timeliness.Basis.WEEKENDS
    assert deadline.date == D(2003, 10, 10)  # 10 weekdays after Friday 09-26, holidays not known
    assert deadline.note == "按双休日推算，工作日历自 2004 年起"
    assert str(deadline) == "2003-10-10（按双休日推算，工作日历自 2004 年起）"
    # From the first year on: the calendar, and nothing to say (国庆 2025 moves the deadline).
    ordinary = timeliness.deadline(D(2025, 9, 26), 10, calendar)
    assert ordinary.basis == timeliness.Basis.CALENDAR and ordinary.note == ""
    assert ordinary.date == calendar.add_workdays(D(2025, 9, 26), 10) > D(2025, 10, 10)
    assert str(ordinary) == ordinary.date.isoformat()


def test_without_any_calendar_year_every_deadline_is_weekends_only(db):
    from portal.models import CalendarYear

    CalendarYear.objects.all().delete()
    deadline = timeliness.deadline(D(2025, 3, 3), 20, Calendar.load())
    assert deadline.basis == timeliness.Basis.WEEKENDS and deadline.note == "按双休日推算，工作日历未录入"


# ---- the dashboard --------------------------------------------------------------------------------


def test_dashboard_never_lists_undated_items_as_overdue_and_counts_them(client, build):
    undated_draft = build.item("成文日期未知的草稿", state="draft", written=None)
    undated_pending = build.item("成文日期未知的待审", state="pending_review", written=None)
    build.item("成文日期未知已发布", written=None)  # public: not a pending item at all
    early = build.item("二〇〇三年的文件", state="pending_review", written=D(2003, 9, 26))
    found = queues.overdue_items([build.org], today=D(2026, 12, 3))
    assert [o.item for o in found] == [early]
    assert found[0].deadline.basis == timeliness.Basis.WEEKENDS
    assert queues.undated_not_public([build.org]) == 2
    client.force_login(build.reviewer)
    page = client.get("/admin/").content.decode()
    overdue = page.split('id="q-overdue"')[1].split("</section>")[0]
    assert undated_draft.title not in overdue and undated_pending.title not in overdue
    assert "成文日期未知 2 条" in overdue
    assert "时限 2003-10-24，按双休日推算，工作日历自 2004 年起" in overdue  # 20 weekdays


def test_dashboard_says_nothing_about_undated_items_when_there_are_none(client, build):
    build.item("有成文日期", state="pending_review")
    client.force_login(build.reviewer)
    assert "成文日期未知" not in client.get("/admin/").content.decode()


# ---- public pages and open data -------------------------------------------------------------------


@pytest.fixture
def undated(build, site_profile, commit):
    with commit():
        return build.item("旧网站迁移的通知", written=None, document_number="测民发〔2015〕8号")


def test_item_page_shows_unknown_written_date(client, undated):
    for url in (undated.get_absolute_url(), undated.get_absolute_url() + "?print=1"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<dt>成文日期</dt><dd>未知</dd>" in html  # the row is kept, like 文号 “无”


def test_open_data_gives_null_in_json_and_an_empty_cell_in_csv(client, undated):
    row = client.get("/api/items.json").json()["results"][0]
    assert row["index_number"] == undated.index_number and row["written_date"] is None
    response = client.get("/api/items.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, values = rows[0], rows[1]
    assert values[header.index("成文日期")] == "" and values[header.index("索引号")] == undated.index_number


def test_lists_feeds_sitemap_and_search_show_undated_items(client, undated):
    pages = [
        "/",
        undated.category.get_absolute_url(),
        "/feeds/latest/",
        "/search/?q=旧网站迁移",
        "/search/?q=旧网站迁移&sort=date",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert undated.get_absolute_url() in response.content.decode(), url
    assert undated.get_absolute_url() in client.get("/sitemap-items.xml").content.decode()


# ---- revisions ------------------------------------------------------------------------------------


def test_a_revision_of_an_undated_item_can_keep_it_unknown_or_give_it(client, build):
    item = build.item("旧网站的政策", written=None)
    revision = workflow.start_revision(item, build.editor)
    assert revision.written_date is None
    revision.title, revision.change_note = "旧网站的政策（修订）", "更正标题"
    revision.save()
    live = revisions.snapshot(item)
    labels = {c.label: c for c in revision_diff.compare(live, revision)}
    assert "成文日期" not in labels  # unknown → unknown is no change
    revision.written_date = D(2015, 6, 1)
    revision.save()
    change = {c.label: c for c in revision_diff.compare(live, revision)}["成文日期"]
    assert (change.old, change.new) == ("未知", "2015-06-01")
    workflow.submit_revision(revision, build.editor)
    workflow.review_revision(revision, build.reviewer, secrecy_confirmed=True)
    workflow.approve_revision(revision, build.leader)
    item.refresh_from_db()
    assert item.written_date == D(2015, 6, 1)
    client.force_login(build.reviewer)
    page = client.get(f"/admin/disclosures/revision/{revision.pk}/change/").content.decode()
    superseded = page.split("被本修订替代的版本")[1]
    assert "<dt>成文日期</dt><dd>未知</dd>" in superseded


def test_undated_item_goes_through_the_workflow(build):
    item = build.item("待发布的旧网站信息", state="draft", written=None)
    workflow.submit(item, build.editor)
    workflow.review(item, build.reviewer, secrecy_confirmed=True)
    workflow.approve(item, build.leader)
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.PUBLISHED and item.written_date is None
    assert item.index_number and timezone.localdate(item.published_at) == timezone.localdate()


def test_staff_pages_of_an_undated_item_open(client, build):
    item = build.item("旧网站迁移的信息", written=None)
    draft = build.item("旧网站迁移的草稿", state="draft", written=None)
    client.force_login(build.editor)
    for url in (
        "/admin/disclosures/disclosureitem/",
        f"/admin/disclosures/disclosureitem/{item.pk}/change/",
        f"/admin/disclosures/disclosureitem/{draft.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
