"""Small builders for the 依申请公开 tests."""

from __future__ import annotations

import datetime
import itertools

from info_requests import handling
from info_requests.models import Application
from info_requests.validators import credit_check_char, id_check_char

_n = itertools.count(1)

VALID_ID = "11010519491231002X"  # GB 11643 example number, check character X
VALID_CREDIT_CODE = "91350100M000100Y43"


def resident_id(seed: int = 1) -> str:
    first17 = f"530523198{seed % 10}0101{seed % 1000:03d}"
    return first17 + id_check_char(first17)


def credit_code(seed: int = 1) -> str:
    first17 = f"9153052{3000000000 + seed:010d}"
    return first17 + credit_check_char(first17)


def grant_request_permissions(*users):
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(content_type__app_label__in=["info_requests", "portal"])
    for user in users:
        user.user_permissions.add(*perms)


def application(
    build,
    received: datetime.date | None = datetime.date(2026, 3, 2),
    *,
    org=None,
    user=None,
    phone="13908751234",
    **fields,
) -> Application:
    n = next(_n)
    app = Application(
        organization=org or build.org,
        applicant_type=fields.pop("applicant_type", "natural"),
        applicant_name=fields.pop("applicant_name", f"申请人{n}"),
        id_type="resident_id",
        id_number=resident_id(n),
        phone=phone,
        email=f"a{n}@example.com",
        info_title=fields.pop("info_title", f"所需信息{n}"),
        **fields,
    )
    if received is None:
        return handling.submit_online(app)
    app.channel = Application.Channel.LETTER
    return handling.register_offline(app, user or build.editor, received)


def form_data(**overrides) -> dict:
    data = {
        "kind": "natural",
        "applicant_name": "王某某",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13908751234",
        "email": "wang@example.com",
        "address": "龙陵县龙山镇1号",
        "postcode": "678300",
        "info_title": "2025年低保资金发放情况",
        "info_description": "全县汇总数据",
        "form_preference": "electronic",
        "delivery": "online",
        "website": "",
    }
    data.update(overrides)
    return data
