"""Checks of the identity documents and contact details on an application (条例第二十九条).

- 居民身份证号码: GB 11643-1999, 18 characters, ISO 7064 MOD 11-2 check character, valid birth date.
- 统一社会信用代码: GB 32100-2015, 18 characters from 0-9 A-Z without I O Z S V, weighted MOD 31 check.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize(value: str) -> str:
    return "".join(value.split()).upper()


def id_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_resident_id(value: str) -> str:
    value = normalize(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError("居民身份证号码应为18位，前17位为数字，最后一位为数字或X。")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError("居民身份证号码中的出生日期不正确。")
    if birth < datetime.date(1900, 1, 1) or birth > datetime.date.today():
        raise ValidationError("居民身份证号码中的出生日期不正确。")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError("居民身份证号码校验位不正确，请核对后重新填写。")
    return value


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    value = normalize(value)
    if len(value) != 18 or any(ch not in CREDIT_ALPHABET for ch in value):
        raise ValidationError("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。")
    if credit_check_char(value[:17]) != value[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新填写。")
    return value


def validate_other_document(value: str) -> str:
    value = normalize(value)
    if not re.fullmatch(r"[0-9A-Z\-]{5,30}", value):
        raise ValidationError("证件号码应为5至30位字母或数字。")
    return value


def validate_phone(value: str) -> str:
    value = "".join(value.split())
    if value.startswith("+86"):
        value = value[3:]
    if not (MOBILE.match(value) or LANDLINE.match(value)):
        raise ValidationError("请填写11位手机号码，或带区号的固定电话（如 0875-6121234）。")
    return value


def validate_postcode(value: str) -> str:
    value = value.strip()
    if value and not re.fullmatch(r"\d{6}", value):
        raise ValidationError("邮政编码应为6位数字。")
    return value
