"""A small, hand-computed data set for the annual report of 2025 (tests of the reports app).

Applications of the test organization (columns 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他):

  A1  自然人   received 2024-12-20, answered 2025-01-10 予以公开          → 二 (carried in), （一）
  A2  商业企业 received 2024-11-01, answered 2024-11-20                 → nothing in 2025
  A3  自然人   received 2025-03-03, answered 2025-03-20 部分公开          → 一, （二）
  A4  自然人   received 2025-05-05, answered 2025-06-01 不予公开 4       → 一, （三）4
  A5  科研机构 received 2025-07-01, answered 2025-07-15 无法提供 1       → 一, （四）1
  A6  社会公益 received 2025-12-20, not answered                       → 一, 四
  A7  法律服务 received 2025-12-28, answered 2026-01-05                 → 一, 四
  A8  其他     received 2025-02-02, answered 2025-02-10 不予处理 2       → 一, （五）2
  A9  自然人   received 2025-09-01, answered 2025-09-30 其他处理 1       → 一, （六）1
  A10 自然人   received 2025-04-01, withdrawn, no conclusion           → left out
  A11 商业企业 received 2024-12-30, answered 2025-12-31 其他处理 3       → 二, （六）3
  A12 自然人   other organization                                      → left out
  A13 自然人   never confirmed as received                             → left out
  A14 自然人   received 2025-06-06, answer date but no outcome          → 一, 四
"""

from __future__ import annotations

import datetime
import itertools

D = datetime.date
_codes = itertools.count(1)

EXPECTED_TABLE3 = {
    "new": [4, 0, 1, 1, 1, 1, 8],
    "carried_in": [1, 1, 0, 0, 0, 0, 2],
    "disclose": [1, 0, 0, 0, 0, 0, 1],
    "partial": [1, 0, 0, 0, 0, 0, 1],
    "deny_third_party": [1, 0, 0, 0, 0, 0, 1],
    "unable_no_info": [0, 0, 1, 0, 0, 0, 1],
    "ignore_repeat": [0, 0, 0, 0, 0, 1, 1],
    "other_no_correction": [1, 0, 0, 0, 0, 0, 1],
    "other": [0, 1, 0, 0, 0, 0, 1],
    "concluded": [4, 1, 1, 0, 0, 1, 7],
    "carried_out": [1, 0, 0, 1, 1, 0, 3],
}
# 复议: 维持, 纠正, 其他, 尚未审结, 总计 | 直接起诉: … | 复议后起诉: …
EXPECTED_TABLE4 = [1, 1, 0, 1, 3, 0, 0, 1, 1, 2, 1, 0, 0, 0, 1]
EXPECTED_TABLE2 = {
    "rule": {"issued": 1, "repealed": 1, "valid": 1, "undated": 0},
    "normative": {"issued": 1, "repealed": 1, "valid": 2, "undated": 0},
}


def application(org, applicant_type, received=None, answered=None, outcome="", status=None):
    from info_requests.models import Application

    if status is None:
        status = (
            Application.Status.ANSWERED
            if answered and outcome
            else (Application.Status.RECEIVED if received else Application.Status.SUBMITTED)
        )
    return Application.objects.create(
        organization=org,
        tracking_code=f"T{next(_codes):08d}",
        applicant_type=applicant_type,
        applicant_name="申请人",
        info_title="某政府信息",
        received_date=received,
        answered_date=answered,
        outcome=outcome,
        status=status,
    )


def appeal(org, kind, filed, result="pending", concluded=None):
    from info_requests.models import Appeal

    return Appeal.objects.create(organization=org, kind=kind, filed_date=filed, result=result, concluded_date=concluded)


def policy(build, title, written, doc_type, *, state="published", repeal=None, expiry=None, org=None):
    from disclosures.models import PolicyDetail

    validity = "repealed" if repeal else ("expired" if expiry else "valid")
    item = build.item(
        title, state=state, org=org, category=build.policy_category, kind="policy", written=written, validity=validity
    )
    PolicyDetail.objects.create(item=item, doc_type=doc_type, repeal_date=repeal, expiry_date=expiry)
    return item


def load(build):
    from info_requests.models import Application

    org, other = build.org, build.other_org
    application(org, "natural", D(2024, 12, 20), D(2025, 1, 10), "disclose")
    application(org, "business", D(2024, 11, 1), D(2024, 11, 20), "disclose")
    application(org, "natural", D(2025, 3, 3), D(2025, 3, 20), "partial")
    application(org, "natural", D(2025, 5, 5), D(2025, 6, 1), "deny_third_party")
    application(org, "research", D(2025, 7, 1), D(2025, 7, 15), "unable_no_info")
    application(org, "public_interest", D(2025, 12, 20))
    application(org, "legal_service", D(2025, 12, 28), D(2026, 1, 5), "disclose")
    application(org, "other_org", D(2025, 2, 2), D(2025, 2, 10), "ignore_repeat")
    application(org, "natural", D(2025, 9, 1), D(2025, 9, 30), "other_no_correction")
    application(org, "natural", D(2025, 4, 1), status=Application.Status.WITHDRAWN)
    application(org, "business", D(2024, 12, 30), D(2025, 12, 31), "other")
    application(other, "natural", D(2025, 3, 1), D(2025, 3, 5), "disclose")
    application(org, "natural")
    application(org, "natural", D(2025, 6, 6), D(2025, 6, 20), "")

    appeal(org, "review", D(2025, 3, 1), "upheld", D(2025, 5, 1))
    appeal(org, "review", D(2025, 6, 1), "corrected", D(2025, 8, 1))
    appeal(org, "review", D(2025, 11, 1), "upheld", D(2026, 1, 10))  # concluded after the year: 尚未审结
    appeal(org, "litigation_direct", D(2025, 4, 1), "other", D(2025, 10, 1))
    appeal(org, "litigation_direct", D(2025, 10, 10))
    appeal(org, "litigation_after_review", D(2025, 7, 7), "upheld", D(2025, 12, 1))
    appeal(org, "review", D(2024, 5, 1), "upheld", D(2024, 8, 1))  # filed the year before
    appeal(other, "review", D(2025, 5, 1))

    policy(build, "规范性文件一", D(2025, 3, 1), "normative")
    policy(build, "旧规范性文件", D(2019, 1, 1), "normative", repeal=D(2025, 6, 1))
    policy(build, "规章一", D(2024, 5, 1), "rule")
    policy(build, "规章二（年内失效）", D(2025, 8, 1), "rule", expiry=D(2025, 12, 31))
    policy(build, "草稿规范性文件", D(2025, 2, 1), "normative", state="draft")
    policy(build, "2023规范性文件", D(2023, 1, 1), "normative", repeal=D(2026, 2, 1))
    policy(build, "其他文件", D(2025, 5, 1), "other")
    policy(build, "他机构文件", D(2025, 4, 1), "normative", org=other)
    policy(build, "2026规范性文件", D(2026, 1, 5), "normative")
