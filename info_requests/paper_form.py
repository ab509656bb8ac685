"""The paper 申请表 (Word) for people who apply by letter, fax or in person: the same fields as the
online form (条例第二十九条: 姓名或者名称、身份证明、联系方式; 所需信息的名称、文号或者特征性描述;
形式要求), with the organization's address for posting it."""

from __future__ import annotations

import io

from portal.wordfiles import east_asian

ROWS = [
    (
        "申请人信息",
        [
            ("申请人类型", "□ 自然人　　□ 法人或其他组织（□商业企业 □科研机构 □社会公益组织 □法律服务机构 □其他）"),
            ("姓名或名称", ""),
            ("证件类型及号码", "（自然人：证件类型和号码；法人或其他组织：统一社会信用代码）"),
            ("工作单位（自然人选填）", ""),
            ("法定代表人、联系人（法人填写）", ""),
            ("联系电话", ""),
            ("电子邮箱", ""),
            ("通信地址及邮政编码", ""),
        ],
    ),
    (
        "所需信息",
        [
            ("所需信息的名称", ""),
            ("文号", ""),
            ("所需信息的其他特征性描述", "\n\n"),
            ("用途（选填）", ""),
        ],
    ),
    (
        "获取方式",
        [
            ("信息的载体形式", "□ 纸质　　□ 电子"),
            ("获取信息的方式", "□ 邮寄　□ 电子邮件　□ 自行领取　□ 网上查看"),
        ],
    ),
]


def build(organizations) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    for style in ("Normal", "Title", "Heading 2"):
        east_asian(doc.styles[style])
    title = doc.add_paragraph()
    run = title.add_run("政府信息公开申请表")
    run.bold = True
    run.font.size = Pt(20)
    east_asian(run, "方正小标宋简体")
    title.alignment = 1
    doc.add_paragraph("受理机关：______________________________　　　申请日期：______年____月____日")
    for heading, rows in ROWS:
        doc.add_paragraph().add_run(heading).bold = True
        table = doc.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for (label, hint), row in zip(rows, table.rows, strict=True):
            row.cells[0].text = label
            row.cells[1].text = hint
    doc.add_paragraph(
        "说明：1. 依据《中华人民共和国政府信息公开条例》第二十九条填写；所需信息的名称、文号或特征性描述至少填写一项。"
        "2. 机关自收到申请之日起20个工作日内答复（第三十三条）；"
        "申请内容不明确的，将在7个工作日内一次性告知补正（第三十条）。"
        "3. 您的身份证明和联系方式仅用于办理本申请。"
    )
    doc.add_paragraph("申请人签名（盖章）：____________________")
    for org in organizations:
        doc.add_paragraph(
            f"{org.name}（{org.office_name or '政府信息公开工作机构'}）：{org.office_address}，邮编 {org.postcode}"
            + (f"，电话 {org.phone}" if org.phone else "")
            + (f"，传真 {org.fax}" if org.fax else "")
        )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
