"""The PII guard before a message, its reply or a comment is shown publicly.

Runs the portal's scanner (disclosures/pii.py: 身份证号, 手机号码, 银行卡号) on every text that would
be published, and also looks for the writer's own name, phone and e-mail written into the text
(2025 inspections flagged published messages that leaked them, docs/interaction.md). Findings block
publication until the text is masked (`mask`), which keeps the first character of a name, the
last four digits of a phone and the domain of an e-mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from disclosures import pii


@dataclass(frozen=True)
class WriterFinding:
    label: str
    where: str
    masked: str

    def __str__(self) -> str:
        return f"{self.where}：{self.label} {self.masked}"


def _mask_name(name: str) -> str:
    return name[0] + "某" * min(len(name) - 1, 2)


def _mask_phone(phone: str) -> str:
    return "*" * (len(phone) - 4) + phone[-4:]


def _mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return local[:1] + "***@" + domain


def _personal_values(name: str, phone: str, email: str) -> list[tuple[str, str, str]]:
    """(label, value, masked) of the writer's own data worth looking for in the texts."""
    values = []
    name = (name or "").strip()
    if len(name) >= 2:
        values.append(("留言人姓名", name, _mask_name(name)))
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) >= 7:
        values.append(("留言人电话", digits, _mask_phone(digits)))
    email = (email or "").strip()
    if "@" in email:
        values.append(("留言人邮箱", email, _mask_email(email)))
    return values


def scan(texts: list[tuple[str, str]], name: str = "", phone: str = "", email: str = "") -> list:
    """Findings in `texts` ((where, text) pairs): the scanner's, then the writer's own data."""
    found: list = []
    personal = _personal_values(name, phone, email)
    for where, text in texts:
        found += pii.scan_text(text or "", where)
        for label, value, masked in personal:
            if _find(text or "", value):
                found.append(WriterFinding(label, where, masked))
    return found


def _find(text: str, value: str) -> bool:
    if value.isdigit():  # a phone number may be written with spaces or dashes
        return value in re.sub(r"[\s\-]", "", text)
    return value.casefold() in text.casefold()


def mask(text: str, name: str = "", phone: str = "", email: str = "") -> str:
    text = pii.mask_text(text or "")
    for _label, value, masked in _personal_values(name, phone, email):
        if value.isdigit():
            pattern = r"[\s\-]?".join(re.escape(ch) for ch in value)
            text = re.sub(pattern, masked, text)
        else:
            text = re.sub(re.escape(value), masked, text, flags=re.IGNORECASE)
    return text


def refusal(found: list, what: str) -> str:
    if not found:
        return ""
    listed = "；".join(str(f) for f in found[:20])
    more = f"等共{len(found)}处" if len(found) > 20 else ""
    return f"{what}中发现疑似个人信息，请先脱敏再公开：{listed}{more}。"


def message_texts(message) -> list[tuple[str, str]]:
    reply = message.reply_or_none
    texts = [("标题", message.title), ("留言内容", message.content)]
    if reply is not None:
        texts.append(("答复内容", reply.body))
    return texts


def message_findings(message) -> list:
    return scan(message_texts(message), message.writer_name, message.phone, message.email)


def comment_findings(comment) -> list:
    return scan([("意见内容", comment.text)], comment.name, comment.contact, comment.contact)
