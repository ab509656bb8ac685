"""Encryption of personal data at rest (portal/crypto.py): both algorithms round-trip, every value
names its key and algorithm, keys coexist, and a wrong key, a missing key or a changed byte is a
clear error — never garbage. Blind indexes match exactly across the keys of the ring."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps

from portal import crypto
from portal.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField

ROOT = Path(__file__).resolve().parents[2]
TEST1 = "test1:dGVzdC1rZXktb25lLS0tLS0tLS0tLS0tLS0tLS0tLS0="
TEST2 = "test2:dGVzdC1rZXktdHdvLS0tLS0tLS0tLS0tLS0tLS0tLS0="
OTHER_TEST2 = "test2:" + base64.b64encode(b"a different key with the same id").decode()
ID = "11010519491231002X"


def test_aes_round_trip_names_key_and_algorithm():
    token = crypto.encrypt(ID)
    assert token.startswith("enc1:test2:aes256gcm:")
    assert ID not in token
    assert crypto.decrypt(token) == ID
    assert crypto.encrypt(ID) != token, "a fresh nonce each time: equal values do not look equal"
    assert crypto.decrypt(crypto.encrypt("云南省龙陵县龙山镇1号")) == "云南省龙陵县龙山镇1号"


@override_settings(FIELD_ENCRYPTION_ALGORITHM="sm4-gcm")
def test_sm4_round_trip():
    token = crypto.encrypt(ID)
    assert token.startswith("enc1:test2:sm4gcm:")
    assert crypto.decrypt(token) == ID
    assert crypto.decrypt(crypto.encrypt("王某某 13908751234")) == "王某某 13908751234"


def test_sm4_gcm_is_the_standard_one():
    """RFC 8998 A.1 (SM4-GCM): the cipher under the setting is the 国密 SM4 of GB/T 32907."""
    h = bytes.fromhex
    sealed = crypto._seal(
        crypto.SM4_GCM,
        h("0123456789ABCDEFFEDCBA9876543210"),
        h("00001234567800000000ABCD"),
        h("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD")
        + h("EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"),
        h("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"),
    )
    assert sealed.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )


def test_both_algorithms_and_several_keys_coexist():
    with override_settings(FIELD_ENCRYPTION_KEYS=TEST1):
        old = crypto.encrypt("13908751234")
    with override_settings(FIELD_ENCRYPTION_ALGORITHM="sm4-gcm"):
        sm4 = crypto.encrypt("13908751234")
    aes = crypto.encrypt("13908751234")
    assert old.startswith("enc1:test1:aes256gcm:") and sm4.startswith("enc1:test2:sm4gcm:")
    for token in (old, sm4, aes):
        assert crypto.decrypt(token) == "13908751234"
    assert not crypto.is_current(old) and not crypto.is_current(sm4) and crypto.is_current(aes)


def test_a_changed_byte_is_an_error_not_garbage():
    token = crypto.encrypt(ID)
    body = token.rsplit(":", 1)[1]
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    with pytest.raises(crypto.DecryptionError, match="篡改"):
        crypto.decrypt(token.replace(body, flipped))
    # The header is authenticated too: the same bytes claimed for the other key fail.
    with pytest.raises(crypto.DecryptionError, match="密钥“test1”不正确"):
        crypto.decrypt(token.replace("enc1:test2:", "enc1:test1:"))
    with pytest.raises(crypto.DecryptionError, match="不完整"):
        crypto.decrypt(token[:30])


def test_a_wrong_key_is_a_clear_error():
    token = crypto.encrypt(ID)
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{OTHER_TEST2},{TEST1}"):
        with pytest.raises(crypto.DecryptionError, match="密钥“test2”不正确") as error:
            crypto.decrypt(token)
    assert "wrong key" in str(error.value)


def test_a_missing_key_is_a_clear_error():
    token = crypto.encrypt(ID)
    with override_settings(FIELD_ENCRYPTION_KEYS=TEST1):
        with pytest.raises(crypto.DecryptionError, match="密钥“test2”加密，但该密钥不在 FIELD_ENCRYPTION_KEYS 中"):
            crypto.decrypt(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=""):
        with pytest.raises(ImproperlyConfigured, match="未设置个人信息加密密钥"):
            crypto.encrypt(ID)
    with pytest.raises(crypto.DecryptionError, match="不是加密数据"):
        crypto.decrypt(ID)


@pytest.mark.parametrize(
    ("ring", "message"),
    [
        ("nocolon", "第1项格式错误"),
        ("bad id!:" + TEST1.split(":")[1], "第1项格式错误"),
        ("short:" + base64.b64encode(b"16 bytes only!!!").decode(), "应为32字节"),
        (f"{TEST1},{TEST1}", "重复"),
    ],
)
def test_malformed_key_rings_are_refused_with_the_reason(ring, message):
    with pytest.raises(crypto.KeyConfigurationError, match=message):
        crypto.parse_keys(ring)


def test_unknown_algorithm_is_refused():
    with override_settings(FIELD_ENCRYPTION_ALGORITHM="des"):
        with pytest.raises(crypto.KeyConfigurationError, match="aes-256-gcm 或 sm4-gcm"):
            crypto.encrypt(ID)


def test_blind_index_matches_exactly_under_every_key_of_the_ring():
    index = crypto.blind_index("139 0875 1234", "phone")
    assert len(index) == 64 and index == crypto.blind_index("+86 13908751234", "phone")
    assert index != crypto.blind_index("13908751235", "phone")
    assert crypto.blind_index("", "phone") == "" and crypto.blind_index_candidates("  ", "phone") == []
    # The kind of data is part of the index: the same digits as an identity number differ.
    assert index != crypto.blind_index("13908751234", "identity")
    assert crypto.blind_index("11010519491231002x", "identity") == crypto.blind_index(ID, "identity")
    with override_settings(FIELD_ENCRYPTION_KEYS=TEST1):
        older = crypto.blind_index("13908751234", "phone")
    with override_settings(FIELD_ENCRYPTION_ALGORITHM="sm4-gcm"):
        sm3 = crypto.blind_index("13908751234", "phone")
    assert len({index, older, sm3}) == 3
    assert {index, older, sm3} <= set(crypto.blind_index_candidates("13908751234", "phone"))
    with override_settings(FIELD_ENCRYPTION_KEYS=OTHER_TEST2):
        assert crypto.blind_index("13908751234", "phone") != index, "the index is keyed"


def test_generate_encryption_key_prints_a_usable_ring_entry():
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_encryption_key", "--kid", "k2027", stdout=out, stderr=err)
    entry = out.getvalue().strip()
    (key,) = crypto.parse_keys(entry)
    assert key.kid == "k2027" and len(key.secret) == 32
    assert "FIELD_ENCRYPTION_KEYS=k2027:…,test2:…,test1:…" in err.getvalue()
    assert key.secret.hex() not in repr(key), "secrets stay out of reprs and tracebacks"
    with pytest.raises(CommandError, match="已在 FIELD_ENCRYPTION_KEYS 中"):
        call_command("generate_encryption_key", "--kid", "test1", stdout=out, stderr=err)


def _production(code: list[str], **extra) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "PORTAL_TESTING", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    # Set even when empty: a developer's .env (which ./dev demo fills) must not supply the key here.
    env.update(SECRET_KEY="x" * 20 + "production-secret-key-for-the-check-0123456789!", DEBUG="0")
    env.update({"ALLOWED_HOSTS": "www.longling.gov.cn", "FIELD_ENCRYPTION_KEYS": "", **extra})
    return subprocess.run([sys.executable, *code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_encryption_keys():
    started = _production(["-c", "import portal.wsgi"])
    assert started.returncode != 0 and "FIELD_ENCRYPTION_KEYS 未设置" in started.stderr
    checked = _production(["manage.py", "check", "--deploy"])
    assert checked.returncode != 0 and "portal.E002" in checked.stderr
    with_key = _production(["-c", "import portal.wsgi"], FIELD_ENCRYPTION_KEYS=TEST1)
    assert with_key.returncode == 0, with_key.stderr


def test_a_malformed_ring_stops_the_start_and_the_checks():
    started = _production(["-c", "import portal.wsgi"], FIELD_ENCRYPTION_KEYS="k1:tooshort")
    assert started.returncode != 0 and "应为32字节" in started.stderr
    checked = _production(["manage.py", "check"], FIELD_ENCRYPTION_KEYS="k1:tooshort")
    assert checked.returncode != 0 and "portal.E003" in checked.stderr


@isolate_apps("portal")
def test_encrypted_fields_cannot_be_unique_or_indexed_and_indexes_need_their_source():
    class Contact(models.Model):
        phone = EncryptedCharField(max_length=30, unique=True)
        email = EncryptedEmailField(db_index=True)
        phone_key = BlindIndexField(source="telephone", normalizer="phone")

        class Meta:
            app_label = "portal"

    errors = {(e.obj.name, e.id) for e in Contact.check()}
    assert {("phone", "portal.E101"), ("email", "portal.E101"), ("phone_key", "portal.E102")} <= errors
    with pytest.raises(ValueError, match="unknown normalizer"):
        BlindIndexField(source="phone", normalizer="soundex")
