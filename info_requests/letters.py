# ruff: noqa: E501  (the letter texts read better unbroken)
"""告知书 (reply letters): one template per outcome, drafted for an application, edited by staff
before sending. Templates use `{placeholder}` fields; unknown ones are left as written.

Placeholders: {applicant} 申请人, {received} 收到申请之日, {title} 所需信息, {organization} 机关,
{office} 工作机构, {phone} 联系电话, {address} 办公地址, {today} 答复日期, {code} 查询码.
"""

from __future__ import annotations

import datetime

from .outcomes import Outcome

_REMEDY = (
    "如对本答复不服，可以自收到本告知书之日起六十日内向本级人民政府申请行政复议，或者在六个月内向人民法院提起行政诉讼。"
)

_DENY = "经审查，您申请获取的政府信息{reason}，根据《中华人民共和国政府信息公开条例》{article}的规定，不予公开。"

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    Outcome.DISCLOSE: (
        "政府信息公开告知书",
        "经审查，您申请获取的“{title}”属于公开范围，根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，现予提供（见附件）。",
    ),
    Outcome.PARTIAL: (
        "政府信息部分公开告知书",
        "经审查，您申请获取的“{title}”中部分内容涉及不予公开的情形，根据《中华人民共和国政府信息公开条例》第三十七条的规定，现提供可以公开的部分（见附件），不予公开部分的理由如下：____。",
    ),
    Outcome.DENY_STATE_SECRET: ("政府信息不予公开告知书", _DENY.format(reason="属于国家秘密", article="第十四条")),
    Outcome.DENY_LAW: (
        "政府信息不予公开告知书",
        _DENY.format(reason="属于法律、行政法规禁止公开的信息", article="第十四条"),
    ),
    Outcome.DENY_SECURITY: (
        "政府信息不予公开告知书",
        _DENY.format(reason="公开后可能危及国家安全、公共安全、经济安全、社会稳定", article="第十四条"),
    ),
    Outcome.DENY_THIRD_PARTY: (
        "政府信息不予公开告知书",
        _DENY.format(reason="涉及商业秘密、个人隐私，公开会对第三方合法权益造成损害", article="第十五条"),
    ),
    Outcome.DENY_INTERNAL: (
        "政府信息不予公开告知书",
        "经审查，您申请获取的政府信息属于人事管理、后勤管理、内部工作流程等内部事务信息，根据《中华人民共和国政府信息公开条例》第十六条第一款的规定，可以不予公开。",
    ),
    Outcome.DENY_PROCESS: (
        "政府信息不予公开告知书",
        "经审查，您申请获取的政府信息属于讨论记录、过程稿、磋商信函、请示报告等过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定，可以不予公开。",
    ),
    Outcome.DENY_ENFORCEMENT: (
        "政府信息不予公开告知书",
        "经审查，您申请获取的政府信息属于行政执法案卷信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定，可以不予公开。",
    ),
    Outcome.DENY_QUERY: (
        "政府信息不予公开告知书",
        "经审查，您申请获取的信息属于行政查询事项，请通过相应的查询渠道办理：____。",
    ),
    Outcome.UNABLE_NO_INFO: (
        "政府信息不存在告知书",
        "经检索，本机关没有您申请获取的“{title}”，根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，特此告知。",
    ),
    Outcome.UNABLE_CREATE: (
        "政府信息公开告知书",
        "经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析，根据《中华人民共和国政府信息公开条例》第三十八条的规定，不予提供。",
    ),
    Outcome.UNABLE_UNCLEAR: (
        "政府信息公开告知书",
        "本机关已于____一次性告知您补正申请内容。经审查，补正后的申请内容仍不明确，根据《中华人民共和国政府信息公开条例》第三十条的规定，无法提供。",
    ),
    Outcome.IGNORE_PETITION: (
        "政府信息公开申请不予处理告知书",
        "经审查，您以政府信息公开申请形式提出的是信访、投诉、举报事项，根据《中华人民共和国政府信息公开条例》第三十九条第一款的规定，不作为政府信息公开申请处理，请通过____渠道提出。",
    ),
    Outcome.IGNORE_REPEAT: (
        "政府信息公开申请不予处理告知书",
        "本机关已于____就您的同一申请作出答复，根据《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，不予重复处理。",
    ),
    Outcome.IGNORE_PUBLICATION: (
        "政府信息公开申请不予处理告知书",
        "您申请获取的是公开出版物，根据《中华人民共和国政府信息公开条例》第三十九条第二款的规定，请通过以下途径获取：____。",
    ),
    Outcome.IGNORE_MASS: (
        "政府信息公开申请不予处理告知书",
        "您的申请数量、频次明显超过合理范围，本机关已要求说明理由，您提出的理由不合理，根据《中华人民共和国政府信息公开条例》第三十五条的规定，不予处理。",
    ),
    Outcome.IGNORE_CONFIRM: (
        "政府信息公开申请不予处理告知书",
        "您的申请是要求本机关确认或重新出具已获取的信息，不属于政府信息公开申请的处理范围，特此告知。",
    ),
    Outcome.OTHER_NO_CORRECTION: (
        "政府信息公开申请不再处理告知书",
        "本机关已一次性告知您补正申请内容，您无正当理由逾期未补正，根据《中华人民共和国政府信息公开条例》第三十条的规定，视为放弃申请，本机关不再处理。",
    ),
    Outcome.OTHER_NO_FEE: (
        "政府信息公开申请不再处理告知书",
        "本机关已向您发出收费通知，您逾期未按要求缴纳信息处理费，根据《政府信息公开信息处理费管理办法》的规定，本机关不再处理您的申请。",
    ),
    Outcome.OTHER: ("政府信息公开告知书", "关于您申请获取的“{title}”，答复如下：____。"),
}

# The reply can be challenged in every case; the remedy sentence closes each letter.
for _outcome, (_title, _body) in list(DEFAULT_TEMPLATES.items()):
    DEFAULT_TEMPLATES[_outcome] = (_title, _body + "\n\n" + _REMEDY)


class _Fields(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def template_for(outcome: str) -> tuple[str, str]:
    from .models import ReplyTemplate

    custom = ReplyTemplate.objects.filter(outcome=outcome).first()
    if custom is not None:
        return custom.title, custom.body
    return DEFAULT_TEMPLATES[outcome]


def render(application, outcome: str, today: datetime.date) -> tuple[str, str]:
    title, body = template_for(outcome)
    org = application.organization
    fields = _Fields(
        applicant=application.applicant_name,
        received=f"{application.received_date:%Y年%-m月%-d日}" if application.received_date else "",
        title=application.info_title,
        organization=org.name,
        office=org.office_name or org.name,
        phone=org.phone,
        address=org.office_address,
        today=f"{today:%Y年%-m月%-d日}",
        code=application.tracking_code,
    )
    opening = "{applicant}：\n\n本机关于{received}收到您（单位）提出的政府信息公开申请（查询码：{code}），申请获取“{title}”。现答复如下：\n\n"
    closing = "\n\n联系电话：{phone}\n\n{organization}\n{today}"
    try:
        text = (opening + body + closing).format_map(fields)
    except (ValueError, IndexError):  # a stray brace in an edited template: keep it as typed
        text = opening.format_map(fields) + body + closing.format_map(fields)
    return title, text
