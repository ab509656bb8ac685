"""PII guard on realistic 低保 rosters (xlsx, docx, pdf, csv, txt): findings block submission and
approval, say where they are, can be masked from the admin or overridden by a leader (audited), and
do not fire on 文号, dates, amounts or 索引号."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from disclosures import pii, workflow
from disclosures.models import Attachment, DisclosureItem
from portal.models import AuditEntry

# Valid 18-digit IDs (checksums computed below), mobiles and a Luhn-valid card number.
ID_BASES = ["53052319580304121", "53052319620715252", "53052319750922083", "53052320010101094"]


def with_check(base: str) -> str:
    total = sum(int(d) * w for d, w in zip(base, pii.ID_WEIGHTS, strict=True))
    return base + pii.ID_CHECK[total % 11]


IDS = [with_check(b) for b in ID_BASES]
CARD = "6217001234567890122"  # 19 digits
assert pii.luhn_ok(CARD)

ROSTER_HEADER = [
    "序号",
    "乡镇",
    "村（社区）",
    "户主姓名",
    "身份证号码",
    "家庭人口",
    "保障金额（元/月）",
    "联系电话",
    "银行卡号",
    "备注",
]


def roster_rows():
    return [
        [1, "龙山镇", "龙新社区", "杨某某", IDS[0], 3, 1215, "13812345678", CARD, "龙民发〔2026〕6号"],
        [2, "龙山镇", "白塔村", "李某某", IDS[1], 2, 810, "139 1234 5678", "", "2026-11-16 公示"],
        [3, "镇安镇", "镇安社区", "段某某", IDS[2], 4, 1620, "", "", "01526257-2-/2016-1230002"],
        [4, "勐糯镇", "勐糯村", "赵某某", IDS[3], 1, 405, "", "", "金额5238640.00元"],
    ]


def roster_xlsx(rows=None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "低保名单"
    ws.append(["龙陵县2026年第四季度城乡最低生活保障对象名单"])
    ws.append(ROSTER_HEADER)
    for row in rows or roster_rows():
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_docx() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("龙陵县2026年第四季度城乡最低生活保障对象名单（龙民发〔2026〕6号）")
    table = doc.add_table(rows=1, cols=len(ROSTER_HEADER))
    for cell, text in zip(table.rows[0].cells, ROSTER_HEADER, strict=True):
        cell.text = text
    for row in roster_rows():
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def roster_csv() -> bytes:
    lines = [",".join(ROSTER_HEADER)] + [",".join(str(v) for v in row) for row in roster_rows()]
    return ("\n".join(lines) + "\n").encode("gb18030")  # Excel in China saves CSV as GBK


def roster_pdf() -> bytes:
    from disclosures.demo import _minimal_pdf

    return _minimal_pdf(f"Roster: Yang {IDS[0]} household 3 amount 1215 tel 13812345678")


def attach(item, name, data, file_type):
    attachment = Attachment(
        item=item, original_name=name, size=len(data), file_type=file_type, content_type="application/octet-stream"
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


CLEAN_TEXT = (
    "根据龙民发〔2026〕6号文件，自2026年4月1日起城市低保标准提高到每人每月810元，"
    "2026年10月全县发放低保金5,238,640.00元（523.86万元），共10,482户19,876人。索引号01526257-2-/2016-1230002，"
    "另一索引号015262610/2026-00017。咨询电话0875-6121234，12345政务服务便民热线。项目编号LLCG-2026-017，"
    "统一社会信用代码11530523015262572X，日期20261130，时间2026-11-16 09:30，邮编678300。"
)


def test_no_false_positives_on_document_numbers_dates_amounts_and_index_numbers():
    assert pii.scan_text(CLEAN_TEXT, "正文") == []


def test_detects_ids_phones_and_cards_with_what_and_where():
    text = f"户主杨某某，身份证{IDS[0]}，电话138-1234-5678，卡号{CARD}；旧证号530523580304121。"
    kinds = [f.kind for f in pii.scan_text(text, "正文")]
    assert kinds == ["id18", "mobile", "bank_card", "id15"]
    assert str(pii.scan_text(text, "正文")[0]) == f"正文：身份证号 {IDS[0][:6]}********{IDS[0][-4:]}"


def test_invalid_checksum_is_not_an_id():
    wrong = IDS[0][:17] + ("0" if IDS[0][17] != "0" else "1")
    assert pii.scan_text(f"编号{wrong}", "x") == []


def test_masking_keeps_first_six_and_last_four():
    assert pii.mask(IDS[0], "id18") == IDS[0][:6] + "********" + IDS[0][-4:]
    assert pii.mask("13812345678", "mobile") == "138****5678"
    assert pii.mask_text("电话139 1234 5678。") == "电话139****5678。"


@pytest.mark.parametrize(
    "name,maker,file_type",
    [
        ("低保名单.xlsx", roster_xlsx, "xlsx"),
        ("低保名单.docx", roster_docx, "docx"),
        ("低保名单.csv", roster_csv, "csv"),
        ("低保名单.txt", roster_csv, "txt"),
        ("低保名单.pdf", roster_pdf, "pdf"),
    ],
)
def test_roster_attachment_blocks_submission(build, name, maker, file_type):
    item = build.item("低保对象名单公示", state="draft")
    attach(item, name, maker(), file_type)
    findings = pii.scan_item(item)
    kinds = {f.kind for f in findings}
    assert "id18" in kinds and "mobile" in kinds
    assert all(name in f.where for f in findings)
    if file_type != "pdf":
        assert len([f for f in findings if f.kind == "id18"]) == 4
        assert "bank_card" in kinds
    with pytest.raises(ValidationError):
        workflow.submit(item, build.editor)
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.DRAFT


def test_xlsx_findings_name_the_sheet_and_cell(build):
    item = build.item(state="draft")
    attach(item, "名单.xlsx", roster_xlsx(), "xlsx")
    wheres = [f.where for f in pii.scan_item(item) if f.kind == "id18"]
    assert wheres[0] == "附件“名单.xlsx”工作表“低保名单”E3单元格"


def test_clean_roster_passes(build):
    item = build.item(state="draft")
    rows = [[1, "龙山镇", "龙新社区", "杨某某", "", 3, 1215, "", "", "龙民发〔2026〕6号"]]
    attach(item, "名单.xlsx", roster_xlsx(rows), "xlsx")
    assert pii.scan_item(item) == []
    workflow.submit(item, build.editor)


@pytest.mark.parametrize("maker,file_type", [(roster_xlsx, "xlsx"), (roster_docx, "docx"), (roster_csv, "csv")])
def test_masking_from_the_admin_clears_the_findings(client, build, maker, file_type):
    item = build.item(state="draft", body=f"<p>联系人电话13812345678，身份证{IDS[1]}</p>")
    attach(item, f"名单.{file_type}", maker(), file_type)
    client.force_login(build.editor)
    page = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/change/").content.decode()
    assert "隐私检查" in page and f"名单.{file_type}" in page
    assert "/workflow/pii_mask/" in page
    response = client.post(f"/admin/disclosures/disclosureitem/{item.pk}/workflow/pii_mask/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert pii.scan_item(item) == []
    assert "138****5678" in item.body
    from portal.textextract import extract_text  # the masked file keeps the allowed columns

    content = extract_text(item.attachments.get().file, file_type)
    assert "杨某某" in content and IDS[0][:6] + "********" + IDS[0][-4:] in content
    assert AuditEntry.objects.filter(action="item.pii_mask", object_id=str(item.pk)).exists()
    workflow.submit(item, build.editor)


def test_pdf_cannot_be_masked_and_is_reported(client, build):
    item = build.item(state="draft")
    attach(item, "名单.pdf", roster_pdf(), "pdf")
    client.force_login(build.editor)
    client.post(f"/admin/disclosures/disclosureitem/{item.pk}/workflow/pii_mask/")
    assert pii.scan_item(item)  # still there


def test_leader_override_with_reason_is_audited_and_lets_it_through(client, build):
    item = build.item(state="draft")
    attach(item, "名单.xlsx", roster_xlsx(), "xlsx")
    client.force_login(build.editor)
    assert (
        client.post(
            f"/admin/disclosures/disclosureitem/{item.pk}/workflow/pii_override/", {"reason": "我自己放行"}
        ).status_code
        == 403
    )  # not a leader
    client.force_login(build.leader)
    assert (
        client.post(f"/admin/disclosures/disclosureitem/{item.pk}/workflow/pii_override/", {"reason": ""}).status_code
        == 400
    )
    response = client.post(
        f"/admin/disclosures/disclosureitem/{item.pk}/workflow/pii_override/",
        {"reason": "法院判决要求公开的失信惩戒名单"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="item.pii_override", object_id=str(item.pk))
    assert entry.reason == "法院判决要求公开的失信惩戒名单" and entry.actor == build.leader
    assert IDS[0] not in str(entry.data)  # only masked values are audited
    workflow.submit(item, build.editor)
    workflow.review(item, build.reviewer, secrecy_confirmed=True)
    workflow.approve(item, build.leader2)
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.PUBLISHED


def test_editing_after_an_override_cancels_it(client, build):
    item = build.item(state="draft", body=f"<p>{IDS[0]}</p>")
    workflow.override_pii(item, build.leader, reason="惩戒公示")
    client.force_login(build.editor)
    client.post(
        f"/admin/disclosures/disclosureitem/{item.pk}/change/",
        {
            "organization": build.org.pk,
            "category": build.category.pk,
            "kind": "general",
            "title": "改过的",
            "written_date": "2026-03-02",
            "body": f"<p>{IDS[1]}</p>",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "secrecy_reviews-TOTAL_FORMS": "0",
            "secrecy_reviews-INITIAL_FORMS": "0",
            "change_notes-TOTAL_FORMS": "0",
            "change_notes-INITIAL_FORMS": "0",
        },
    )
    item.refresh_from_db()
    assert item.title == "改过的" and item.pii_override_reason == ""
    with pytest.raises(ValidationError):
        workflow.submit(item, build.editor)


def test_findings_also_block_approval(build):
    item = build.item(state="pending_approval")
    attach(item, "名单.csv", roster_csv(), "csv")  # added after review
    with pytest.raises(ValidationError):
        workflow.approve(item, build.leader)
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.PENDING_APPROVAL
