"""The outcomes of an information request: exactly the leaf rows of annual-report table 三
(国办公开办函〔2021〕30号; labels verbatim from the form, docs/rules.md 表三), and the
applicant columns of the same table."""

from django.db import models


class ApplicantType(models.TextChoices):
    NATURAL = "natural", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他"


class Outcome(models.TextChoices):
    DISCLOSE = "disclose", "（一）予以公开"
    PARTIAL = "partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    DENY_STATE_SECRET = "deny_state_secret", "（三）不予公开 1.属于国家秘密"
    DENY_LAW = "deny_law", "（三）不予公开 2.其他法律行政法规禁止公开"
    DENY_SECURITY = "deny_security", "（三）不予公开 3.危及“三安全一稳定”"
    DENY_THIRD_PARTY = "deny_third_party", "（三）不予公开 4.保护第三方合法权益"
    DENY_INTERNAL = "deny_internal", "（三）不予公开 5.属于三类内部事务信息"
    DENY_PROCESS = "deny_process", "（三）不予公开 6.属于四类过程性信息"
    DENY_ENFORCEMENT = "deny_enforcement", "（三）不予公开 7.属于行政执法案卷"
    DENY_QUERY = "deny_query", "（三）不予公开 8.属于行政查询事项"
    UNABLE_NO_INFO = "unable_no_info", "（四）无法提供 1.本机关不掌握相关政府信息"
    UNABLE_CREATE = "unable_create", "（四）无法提供 2.没有现成信息需要另行制作"
    UNABLE_UNCLEAR = "unable_unclear", "（四）无法提供 3.补正后申请内容仍不明确"
    IGNORE_PETITION = "ignore_petition", "（五）不予处理 1.信访举报投诉类申请"
    IGNORE_REPEAT = "ignore_repeat", "（五）不予处理 2.重复申请"
    IGNORE_PUBLICATION = "ignore_publication", "（五）不予处理 3.要求提供公开出版物"
    IGNORE_MASS = "ignore_mass", "（五）不予处理 4.无正当理由大量反复申请"
    IGNORE_CONFIRM = "ignore_confirm", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息"
    OTHER_NO_CORRECTION = (
        "other_no_correction",
        ("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    )
    OTHER_NO_FEE = (
        "other_no_fee",
        ("（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    )
    OTHER = "other", "（六）其他处理 3.其他"


class AppealKind(models.TextChoices):
    REVIEW = "review", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER_REVIEW = "litigation_after_review", "行政诉讼（复议后起诉）"


class AppealResult(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"
