"""网站迁移 (docs/import.md): import_items / export_items on real files, every rule of a row, re-import
without duplicates, nothing unsafe published, and the round trip export → import."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from disclosures import search
from disclosures.models import Attachment, DisclosureItem
from disclosures.site_import import columns
from disclosures.site_import.rows import parse_date
from disclosures.site_import.run import import_file
from portal.models import AuditEntry

FULL_ID = "530523199001011235"
HEADER = ["标题", "发布日期", "成文日期", "文号", "索引号", "公开目录", "正文", "有效性", "附件", "原网址"]
S = DisclosureItem.Status


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("root", password="pw-123456")


@pytest.fixture
def imp(django_capture_on_commit_callbacks):
    """import_file, with its on_commit callbacks (search index, public images) run as a real
    commit would run them."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return import_file(*args, **kwargs)

    return run


def write_csv(path, rows, header=HEADER, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def row(title="关于2016年低保提标的通知", published="2016-12-30", **extra):
    values = {"标题": title, "发布日期": published, "公开目录": "社会救助", "正文": "各乡镇：\n现将有关事项通知如下。"}
    values.update(extra)
    return [values.get(h, "") for h in HEADER]


def attachment_files(tmp_path):
    """A real roster (xlsx, with an identity number) and a real plan (docx) in a folder."""
    import docx
    from openpyxl import Workbook

    files = tmp_path / "files"
    files.mkdir()
    book = Workbook()
    book.active.append(["姓名", "身份证号"])
    book.active.append(["张三", FULL_ID])
    book.save(files / "名单.xlsx")
    document = docx.Document()
    document.add_paragraph("提标方案全文")
    document.save(files / "方案.docx")
    return files


def report_rows(summary):
    return list(csv.DictReader(io.StringIO(summary.report_csv().lstrip("\ufeff"))))


# ---- dates and columns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2016-12-30", datetime.date(2016, 12, 30)),
        ("2016/12/30", datetime.date(2016, 12, 30)),
        ("2016年12月30日", datetime.date(2016, 12, 30)),
        ("2016.1.5", datetime.date(2016, 1, 5)),
        ("20161230", datetime.date(2016, 12, 30)),
        ("2016-12-30 09:30:00", datetime.date(2016, 12, 30)),
        ("42734", datetime.date(2016, 12, 30)),  # an Excel serial day number
        (42734, datetime.date(2016, 12, 30)),
        (datetime.datetime(2016, 12, 30, 9, 30), datetime.date(2016, 12, 30)),
    ],
)
def test_dates_in_the_usual_forms(value, expected):
    assert parse_date(value)[0] == expected


@pytest.mark.parametrize("value", ["2016-13-01", "2016-02-30", "去年", "12/30/2016"])
def test_dates_that_are_not_dates(value):
    with pytest.raises(ValueError, match="日期"):
        parse_date(value)


def test_a_time_of_day_is_kept():
    assert parse_date("2016-12-30 09:30:15")[1] == datetime.time(9, 30, 15)


def test_map_option_parses_and_refuses_unknown_targets():
    assert columns.parse_map("发文字号=文号，发布时间=发布日期") == {"发文字号": "文号", "发布时间": "发布日期"}
    with pytest.raises(columns.MappingError, match="列映射"):
        columns.parse_map("发文字号=字号")


# ---- one good file ------------------------------------------------------------------------------


def test_a_good_row_is_published_with_its_original_dates_and_is_searchable(build, admin, tmp_path, imp):
    path = write_csv(
        tmp_path / "old.csv",
        [row(成文日期="2016年12月28日", 文号="龙民发[2016]12号", 原网址="http://old.example/1.html", 有效性="")],
    )
    summary = imp(path, user=admin, organization=build.org)
    assert (summary.read, summary.imported, summary.rejected, summary.flagged) == (1, 1, 0, 0)
    item = DisclosureItem.objects.get()
    assert item.status == S.PUBLISHED
    assert timezone.localtime(item.published_at).date() == datetime.date(2016, 12, 30)
    assert item.written_date == datetime.date(2016, 12, 28)
    assert item.document_number == "龙民发[2016]12号"  # kept as written …
    assert item.document_number_key == "龙民发201612号"  # … and normalized beside it
    assert item.index_number == "01526257-2-/2016-1230001"  # allocated in the original year
    assert item.category == build.category and item.organization == build.org
    assert item.body == "<p>各乡镇：</p><p>现将有关事项通知如下。</p>"
    assert item.origin.line == 2
    assert item.pk in list(search.search(search.parse_query("低保提标")).entries[:10])
    assert AuditEntry.objects.filter(action="item.import_published", object_id=str(item.pk)).exists()
    assert AuditEntry.objects.filter(action="site_import.run").count() == 1


def test_a_given_index_number_is_kept_exactly(build, admin, tmp_path, imp):
    path = write_csv(tmp_path / "old.csv", [row(索引号="01526257-2-/2016-1230009")])
    imp(path, user=admin, organization=build.org)
    assert DisclosureItem.objects.get().index_number == "01526257-2-/2016-1230009"


def test_unknown_written_date_stays_unknown(build, admin, tmp_path, imp):
    imp(write_csv(tmp_path / "old.csv", [row()]), user=admin, organization=build.org)
    assert DisclosureItem.objects.get().written_date is None


def test_gb18030_csv_is_read(build, admin, tmp_path, imp):
    path = write_csv(tmp_path / "old.csv", [row(title="关于做好冬春救助工作的通知")], encoding="gb18030")
    summary = imp(path, user=admin, organization=build.org)
    assert summary.imported == 1
    assert DisclosureItem.objects.get().title == "关于做好冬春救助工作的通知"


def test_xlsx_with_date_cells_and_a_mapped_header(build, admin, tmp_path, imp):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["信息标题", "发布日期", "公开目录", "发文字号"])
    sheet.append(
        [
            "关于2017年养老补贴的通知",
            datetime.datetime(2017, 3, 1, 10, 0),
            "法定主动公开内容/社会救助",
            "龙民发〔2017〕3号",
        ]
    )
    sheet.append(["关于2017年冬春救助的通知", 42800, "fdzdgk/shjz", ""])  # a serial number that lost its format
    path = tmp_path / "old.xlsx"
    book.save(path)
    summary = imp(str(path), user=admin, organization=build.org, mapping={"信息标题": "标题", "发文字号": "文号"})
    assert summary.imported == 2, summary.text()
    first = DisclosureItem.objects.get(document_number="龙民发〔2017〕3号")
    assert timezone.localtime(first.published_at) == timezone.make_aware(datetime.datetime(2017, 3, 1, 10, 0))


# ---- bad rows -------------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_line_column_and_reason_and_the_rest_imported(build, admin, tmp_path, imp):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    rows = [
        row(title="好的一行"),
        row(title=""),  # line 3
        row(title="日期不对", published="去年"),  # 4
        row(title="未来的日期", published=future),  # 5
        row(title="成文晚于发布", 成文日期="2017-01-05"),  # 6
        row(title="不存在的目录", 公开目录="不存在的栏目"),  # 7
        row(title="有效性不对", 有效性="作废"),  # 8
        row(title="太早", published="1930-01-01"),  # 9
        row(title="好的另一行", published="2016-12-29"),
    ]
    summary = imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org)
    assert (summary.read, summary.imported, summary.rejected) == (9, 2, 7)
    problems = {(p.line, p.column) for p in summary.problems()}
    assert problems == {
        (3, "标题"),
        (4, "发布日期"),
        (5, "发布日期"),
        (6, "成文日期"),
        (7, "公开目录"),
        (8, "有效性"),
        (9, "发布日期"),
    }
    reasons = " ".join(p.reason for p in summary.problems())
    assert "必填" in reasons and "不存在的栏目" in reasons and "晚于发布日期" in reasons
    assert set(DisclosureItem.objects.values_list("title", flat=True)) == {"好的一行", "好的另一行"}
    report = report_rows(summary)
    assert {r["行号"] for r in report if r["结果"] == "未导入"} == {"3", "4", "5", "6", "7", "8", "9"}


def test_an_unknown_category_is_never_silently_put_elsewhere(build, admin, tmp_path, imp):
    summary = imp(write_csv(tmp_path / "old.csv", [row(公开目录="")]), user=admin, organization=build.org)
    assert summary.rejected == 1 and not DisclosureItem.objects.exists()


def test_an_organization_by_name_or_code_and_unknown_ones_reported(build, admin, tmp_path, imp):
    header = [*HEADER, "发布机构"]
    rows = [
        [*row(title="财政局的"), "测试县财政局"],
        [*row(title="按代码的"), "01526257-2"],
        [*row(title="不认识的"), "某某县某局"],
    ]
    summary = imp(write_csv(tmp_path / "old.csv", rows, header=header), user=admin)
    assert summary.imported == 2 and summary.rejected == 1
    assert DisclosureItem.objects.get(title="财政局的").organization == build.other_org
    assert DisclosureItem.objects.get(title="按代码的").organization == build.org
    assert summary.problems()[0].column == "发布机构"


def test_without_an_organization_column_several_organizations_need_the_option(build, admin, tmp_path, imp):
    path = write_csv(tmp_path / "old.csv", [row()])
    assert imp(path, user=admin).rejected == 1  # two organizations exist: which one?
    assert imp(path, user=admin, organization=build.org).imported == 1


def test_an_index_number_clash_is_an_error(build, admin, tmp_path, imp):
    existing = build.item(state="published")
    # The row is another item (its own 原网址) but gives the 索引号 the existing item has.
    clash = row(索引号=existing.index_number, 原网址="http://old/99")
    summary = imp(write_csv(tmp_path / "old.csv", [clash]), user=admin, organization=build.org)
    assert summary.rejected == 1 and "已被信息" in summary.problems()[0].reason
    assert DisclosureItem.objects.count() == 1


def test_a_row_with_the_index_number_of_an_existing_item_is_that_item(build, admin, tmp_path, imp):
    existing = build.item(state="published")
    same = row(title=existing.title, 索引号=existing.index_number)
    summary = imp(write_csv(tmp_path / "old.csv", [same]), user=admin, organization=build.org)
    assert summary.conflicts == 1 and DisclosureItem.objects.count() == 1


def test_the_same_item_twice_in_one_file(build, admin, tmp_path, imp):
    rows = [row(原网址="http://old/1"), row(title="另一标题", 原网址="http://old/1")]
    summary = imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org)
    assert summary.imported == 1 and summary.rejected == 1
    assert "与第2行重复" in summary.problems()[0].reason


def test_a_file_that_is_not_a_spreadsheet_changes_nothing(build, admin, tmp_path, imp):
    fake = tmp_path / "old.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a spreadsheet")
    summary = imp(str(fake), user=admin, organization=build.org)
    assert "不是有效的 Excel" in summary.refused and not DisclosureItem.objects.exists()
    binary = tmp_path / "old.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00\x81\x30\x89")
    assert imp(str(binary), user=admin, organization=build.org).refused
    missing = write_csv(tmp_path / "nohead.csv", [["a", "b"]], header=["名称", "日期"])
    assert "缺少必填列：标题、发布日期" in imp(missing, user=admin, organization=build.org).refused


def test_an_xlsx_decompression_bomb_is_refused_before_parsing(build, admin, tmp_path, imp):
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * (300 * 1024 * 1024))
    summary = imp(str(bomb), user=admin, organization=build.org)
    assert "压缩炸弹" in summary.refused


# ---- nothing unsafe goes public -------------------------------------------------------------------


def test_a_row_with_personal_data_is_imported_as_a_draft_and_reported(build, admin, tmp_path, client, imp):
    rows = [row(title="低保名单", 正文=f"张三 {FULL_ID}"), row(title="正常的通知")]
    summary = imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org)
    assert (summary.imported, summary.flagged) == (1, 1)
    draft = DisclosureItem.objects.get(title="低保名单")
    assert draft.status == S.DRAFT and not draft.index_number and draft.published_at is None
    assert "个人隐私" in summary.problems()[0].reason
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert FULL_ID not in client.get("/search/?q=530523").content.decode()
    assert AuditEntry.objects.filter(action="item.import_draft", object_id=str(draft.pk)).exists()


def test_fixing_the_file_and_importing_again_publishes_the_draft_without_duplicates(build, admin, tmp_path, imp):
    path = tmp_path / "old.csv"
    write_csv(path, [row(title="低保名单", 正文=f"张三 {FULL_ID}", 原网址="http://old/7")])
    imp(str(path), user=admin, organization=build.org)
    write_csv(path, [row(title="低保名单", 正文="张三 530523********1235", 原网址="http://old/7")])
    summary = imp(str(path), user=admin, organization=build.org)
    assert summary.updated == 1 and summary.flagged == 0
    item = DisclosureItem.objects.get()
    assert item.status == S.PUBLISHED
    assert timezone.localtime(item.published_at).date() == datetime.date(2016, 12, 30)


def test_a_fix_made_in_the_admin_is_kept_when_the_same_old_file_is_imported_again(build, admin, tmp_path, imp):
    path = write_csv(tmp_path / "old.csv", [row(title="低保名单", 正文=f"张三 {FULL_ID}", 原网址="http://old/8")])
    imp(path, user=admin, organization=build.org)
    draft = DisclosureItem.objects.get()
    draft.body = "<p>张三 530523********1235</p>"  # the clerk masked it
    draft.save()
    summary = imp(path, user=admin, organization=build.org)
    draft.refresh_from_db()
    assert "********" in draft.body  # not overwritten by the unchanged old row …
    assert draft.status == S.PUBLISHED and summary.updated == 1  # … and now it is clear, so published


def test_re_import_creates_no_duplicates_and_reports_changes_to_published_items(build, admin, tmp_path, imp):
    path = tmp_path / "old.csv"
    rows = [row(title=f"通知{i}", 文号=f"龙民发〔2016〕{i}号") for i in range(1, 4)]
    write_csv(path, rows)
    assert imp(str(path), user=admin, organization=build.org).imported == 3
    again = imp(str(path), user=admin, organization=build.org)
    assert (again.imported, again.unchanged) == (0, 3)
    rows[0] = row(title="通知1", 文号="龙民发〔2016〕1号", 正文="改过的正文")
    write_csv(path, rows)
    changed = imp(str(path), user=admin, organization=build.org)
    assert changed.conflicts == 1 and "修订" in changed.problems()[0].reason
    assert DisclosureItem.objects.count() == 3
    assert "改过的正文" not in DisclosureItem.objects.get(title="通知1").body


def test_dry_run_saves_nothing_but_counts_like_the_real_run(build, admin, tmp_path, imp):
    rows = [row(), row(title="低保名单", 正文=f"张三 {FULL_ID}"), row(title="")]
    path = write_csv(tmp_path / "old.csv", rows)
    dry = imp(path, user=admin, organization=build.org, dry_run=True)
    assert (dry.imported, dry.flagged, dry.rejected) == (1, 1, 1)
    assert not DisclosureItem.objects.exists() and not AuditEntry.objects.filter(action__startswith="item.").exists()
    real = imp(path, user=admin, organization=build.org)
    assert real.counts() == dry.counts()
    assert DisclosureItem.objects.get(title="关于2016年低保提标的通知").index_number == "01526257-2-/2016-1230001"


# ---- attachments ----------------------------------------------------------------------------------


def test_attachments_are_stored_scanned_and_their_personal_data_blocks_publication(build, admin, tmp_path, imp):
    files = attachment_files(tmp_path)
    (files / "假的.pdf").write_bytes(b"not a pdf")
    rows = [
        row(title="有名单的", 附件="名单.xlsx"),
        row(title="有方案的", 附件="方案.docx"),
        row(title="坏附件", 附件="假的.pdf"),
        row(title="缺附件", 附件="没有这个.pdf"),
        row(title="越界的", 附件="../old.csv"),
    ]
    summary = imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org, attachments_dir=str(files))
    assert (summary.imported, summary.flagged, summary.rejected) == (1, 1, 3), summary.text()
    assert DisclosureItem.objects.get(title="有名单的").status == S.DRAFT
    published = DisclosureItem.objects.get(title="有方案的")
    attachment = published.attachments.get()
    assert attachment.original_name == "方案.docx" and "提标方案全文" in attachment.text


# ---- commands and the round trip ------------------------------------------------------------------


def test_import_command_writes_the_report_and_refuses_a_bad_map(build, admin, tmp_path, imp):
    path = write_csv(tmp_path / "old.csv", [row(), row(title="")])
    report = tmp_path / "report.csv"
    out = io.StringIO()
    call_command("import_items", path, "--organization", build.org.code, "--report", str(report), stdout=out)
    assert "导入并发布 1 行" in out.getvalue() and "第3行“标题”列" in out.getvalue()
    assert "第3行" not in report.read_text(encoding="utf-8") and "未导入" in report.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="列映射"):
        call_command("import_items", path, "--map", "x=y")


def test_export_then_import_into_an_empty_installation_gives_the_same_items(
    build, admin, tmp_path, django_db_blocker, imp
):
    files = attachment_files(tmp_path)
    rows = [
        row(title="甲", 成文日期="2016-12-28", 文号="龙民发〔2016〕1号", 附件="方案.docx"),
        row(title="乙", published="2016-12-31 16:05:00", 索引号="自定义-001"),
        row(title="丙", 公开目录="政策文件", 有效性="有效"),
    ]
    imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org, attachments_dir=str(files))
    before = _snapshot()
    assert len(before) == 3
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        call_command("export_items", str(out), stdout=io.StringIO())
        # “An empty installation”: the same organizations and 公开目录, no items.
        Attachment.objects.all().delete()
        DisclosureItem.objects.all().delete()
        summary = imp(str(out), user=admin, organization=build.org, attachments_dir=str(tmp_path / "export_附件"))
        assert summary.imported == 3, summary.text()
        assert _snapshot() == before


def _snapshot():
    return sorted(
        (
            i.title,
            i.index_number,
            timezone.localtime(i.published_at).isoformat(),
            i.written_date,
            i.document_number,
            i.category_id,
            i.organization_id,
            i.validity,
            i.body,
            tuple((a.original_name, a.size) for a in i.attachments.all()),
        )
        for i in DisclosureItem.objects.filter(status=S.PUBLISHED)
    )


def test_a_draft_left_by_the_import_is_listed_apart_on_the_dashboard_not_as_overdue(build, admin, tmp_path, imp):
    from disclosures import queues

    rows = [row(title="低保名单", 成文日期="2003-05-06", published="2003-05-08", 正文=f"张三 {FULL_ID}")]
    imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org)
    draft = DisclosureItem.objects.get()
    assert draft not in [o.item for o in queues.overdue_items([build.org])]
    assert list(queues.imported_drafts([build.org])) == [draft]


def test_the_admin_publishes_a_fixed_imported_draft_with_its_original_date_and_number(build, admin, tmp_path, imp):
    from disclosures import workflow
    from disclosures.admin.steps import ITEM_ACTIONS, workflow_buttons

    rows = [row(title="低保名单", 索引号="旧-2016-001", 正文=f"张三 {FULL_ID}")]
    imp(write_csv(tmp_path / "old.csv", rows), user=admin, organization=build.org)
    draft = DisclosureItem.objects.get()
    buttons = {name: decision for name, _, decision in workflow_buttons(draft, admin, ITEM_ACTIONS)}
    assert not buttons["import_published"] and "个人隐私" in buttons["import_published"].reason  # shown, disabled
    workflow.mask_pii(draft, build.editor)
    draft.refresh_from_db()
    ITEM_ACTIONS["import_published"].run(draft, admin, {}, None)
    draft.refresh_from_db()
    assert draft.status == S.PUBLISHED and draft.index_number == "旧-2016-001"
    assert timezone.localtime(draft.published_at).date() == datetime.date(2016, 12, 30)
    other = build.item(state="draft")  # a draft staff wrote: no such button
    assert "import_published" not in {name for name, _, _ in workflow_buttons(other, admin, ITEM_ACTIONS)}


def test_an_interrupted_import_keeps_its_finished_batches_and_a_re_run_completes_it(build, admin, tmp_path, imp):
    rows = [row(title=f"第{i}条通知", 原网址=f"http://old/{i}") for i in range(5)]
    path = write_csv(tmp_path / "old.csv", rows)
    batches = []

    def stop_after_the_second_batch(done, total, note):
        if "批" in note:
            batches.append(done)
            if len(batches) == 2:
                raise KeyboardInterrupt  # Ctrl-C, or a killed worker, between two batches

    with pytest.raises(KeyboardInterrupt):
        imp(path, user=admin, organization=build.org, batch_size=2, progress=stop_after_the_second_batch)
    assert DisclosureItem.objects.count() == 4  # two batches of two, each complete
    again = imp(path, user=admin, organization=build.org, batch_size=2)
    assert (again.imported, again.unchanged) == (1, 4)
    assert DisclosureItem.objects.filter(status=S.PUBLISHED).count() == 5
