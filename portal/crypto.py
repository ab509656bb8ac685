"""Encryption of personal data at rest (个人信息保护法第五十一条; 等保 2.0 三级: 重要个人信息存储保密性).

The key ring comes from the environment, never from the database or git (README “个人信息加密存储”):

    FIELD_ENCRYPTION_KEYS = "<kid>:<base64 of 32 random bytes>,<older kid>:<…>"   newest first
    FIELD_ENCRYPTION_ALGORITHM = "aes-256-gcm" (default) | "sm4-gcm" (国密 SM4, GB/T 32907)

New values are encrypted with the newest key and the configured algorithm; older keys only decrypt
(until `manage.py rotate_encryption_keys` has moved every value to the newest). Each value says
which key and algorithm made it, so keys and both algorithms can coexist:

    enc1:<kid>:<alg>:<base64url(nonce ‖ ciphertext ‖ tag)>       alg = aes256gcm | sm4gcm

Both algorithms are authenticated (GCM with a random 96-bit nonce; the header “enc1:<kid>:<alg>” is
the associated data), so a wrong key or a changed byte is an error, never garbage. Keys are not used
directly: each purpose gets its own subkey by HKDF (RFC 5869) — HKDF-SHA256 beside AES, HKDF-SM3
beside SM4, so an SM4 site uses 国密 algorithms only (SM4-GCM is the mode RFC 8998 uses for TLS).

Blind indexes make exact lookups possible without decrypting: HMAC (SHA-256, or SM3 on an SM4
site) of the normalized value under a subkey of the newest key. A lookup tries every key of the
ring, so rows not yet re-indexed by the rotation are still found.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
SETTING_HELP = "请按 README“个人信息加密存储”设置（see README “个人信息加密存储”）。"


class EncryptionError(Exception):
    """Base of every error of this module; messages are Chinese with the English after them."""


class KeyConfigurationError(EncryptionError, ImproperlyConfigured):
    """FIELD_ENCRYPTION_KEYS / FIELD_ENCRYPTION_ALGORITHM missing or malformed."""


class DecryptionError(EncryptionError):
    """A stored value cannot be read: its key is not in the ring, the key is wrong, or it was changed."""


@dataclass(frozen=True)
class Key:
    kid: str
    secret: bytes = field(repr=False)  # never in a traceback or a log line


@dataclass(frozen=True)
class Algorithm:
    name: str  # the setting's value
    code: str  # in the stored value
    key_length: int
    hash: Callable[[], hashes.HashAlgorithm]  # for HKDF and the blind index


AES_256_GCM = Algorithm("aes-256-gcm", "aes256gcm", 32, hashes.SHA256)
SM4_GCM = Algorithm("sm4-gcm", "sm4gcm", 16, hashes.SM3)
ALGORITHMS = {a.name: a for a in (AES_256_GCM, SM4_GCM)}
BY_CODE = {a.code: a for a in (AES_256_GCM, SM4_GCM)}


@functools.lru_cache(maxsize=256)
def _subkey(secret: bytes, algorithm: Algorithm, purpose: str) -> bytes:
    length = algorithm.key_length if purpose == "encryption" else 32
    info = f"portal field {purpose} v1 {algorithm.name}".encode()
    return HKDF(algorithm=algorithm.hash(), length=length, salt=None, info=info).derive(secret)


def _seal(algorithm: Algorithm, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if algorithm is AES_256_GCM:
        return AESGCM(key).encrypt(nonce, data, aad)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _open(algorithm: Algorithm, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if algorithm is AES_256_GCM:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


@functools.cache
def sm4_available() -> bool:
    """The OpenSSL inside the installed `cryptography` offers SM4-GCM and SM3 (some builds leave
    the 国密 algorithms out)."""
    try:
        _seal(SM4_GCM, bytes(16), bytes(NONCE_BYTES), b"", b"")
        hashes.Hash(hashes.SM3()).finalize()
    except Exception:  # UnsupportedAlgorithm on such builds
        return False
    return True


# ---- the key ring ---------------------------------------------------------------------------------


def parse_keys(text: str) -> list[Key]:
    """`kid:base64key` entries separated by commas, newest first."""
    keys: list[Key] = []
    for n, entry in enumerate((e for e in re.split(r"[,\s]+", text or "") if e), start=1):
        kid, sep, encoded = entry.partition(":")
        if not sep or not KID_PATTERN.fullmatch(kid):
            raise KeyConfigurationError(
                f"FIELD_ENCRYPTION_KEYS 第{n}项格式错误：应为“密钥编号:Base64密钥”，密钥编号只含字母、数字、- 和 _"
                f"（entry {n}: expected kid:base64key）。{SETTING_HELP}"
            )
        try:
            secret = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=False)
        except (binascii.Error, ValueError):
            secret = b""
        if len(secret) != KEY_BYTES:
            raise KeyConfigurationError(
                f"FIELD_ENCRYPTION_KEYS 中密钥“{kid}”应为{KEY_BYTES}字节（256位）随机数的Base64编码"
                f"（key '{kid}' must be {KEY_BYTES} random bytes in base64）。{SETTING_HELP}"
            )
        if any(k.kid == kid for k in keys):
            raise KeyConfigurationError(f"FIELD_ENCRYPTION_KEYS 中密钥编号“{kid}”重复（duplicate key id '{kid}'）。")
        keys.append(Key(kid, secret))
    return keys


def parse_algorithm(name: str) -> Algorithm:
    algorithm = ALGORITHMS.get((name or AES_256_GCM.name).strip().lower())
    if algorithm is None:
        raise KeyConfigurationError(
            f"FIELD_ENCRYPTION_ALGORITHM 只能是 {' 或 '.join(ALGORITHMS)}（unknown algorithm {name!r}）。"
        )
    if algorithm is SM4_GCM and not sm4_available():
        raise KeyConfigurationError(
            "已设置 FIELD_ENCRYPTION_ALGORITHM=sm4-gcm，但所安装的 cryptography/OpenSSL 不支持 SM4-GCM"
            "（this cryptography build has no SM4-GCM）。"
        )
    return algorithm


class KeyRing:
    def __init__(self, keys: list[Key], algorithm: Algorithm):
        self.keys = tuple(keys)
        self.algorithm = algorithm
        self._by_kid = {k.kid: k for k in keys}

    @property
    def newest(self) -> Key:
        if not self.keys:
            raise KeyConfigurationError(
                f"未设置个人信息加密密钥 FIELD_ENCRYPTION_KEYS（no encryption key is set）。{SETTING_HELP}"
            )
        return self.keys[0]

    def get(self, kid: str) -> Key:
        key = self._by_kid.get(kid)
        if key is None:
            raise DecryptionError(
                f"无法解密：数据由密钥“{kid}”加密，但该密钥不在 FIELD_ENCRYPTION_KEYS 中"
                f"（key '{kid}' is not in FIELD_ENCRYPTION_KEYS）。请把该密钥加回密钥列表。"
            )
        return key

    @property
    def current_header(self) -> str:
        return f"{PREFIX}{self.newest.kid}:{self.algorithm.code}:"


@functools.lru_cache(maxsize=8)
def _ring(keys: str, algorithm: str) -> KeyRing:
    return KeyRing(parse_keys(keys), parse_algorithm(algorithm))


def keyring() -> KeyRing:
    """The ring of the current settings (tests change them with override_settings)."""
    from django.conf import settings

    return _ring(getattr(settings, "FIELD_ENCRYPTION_KEYS", ""), getattr(settings, "FIELD_ENCRYPTION_ALGORITHM", ""))


def generate_key(kid: str) -> str:
    """A new ring entry `kid:base64key` (32 bytes from the operating system's random source)."""
    if not KID_PATTERN.fullmatch(kid):
        raise KeyConfigurationError(f"密钥编号“{kid}”只能含字母、数字、- 和 _，最长32个字符（invalid key id）。")
    return f"{kid}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


# ---- values ---------------------------------------------------------------------------------------


def is_token(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def token_header(token: str) -> tuple[str, str]:
    """(key id, algorithm code) of a stored value, without decrypting it."""
    parts = token.split(":", 3)
    if len(parts) != 4 or parts[0] + ":" != PREFIX:
        raise DecryptionError("存储的值不是加密数据，或格式已损坏（value is not an encrypted token）。")
    return parts[1], parts[2]


def is_current(token: str, ring: KeyRing | None = None) -> bool:
    """Encrypted under the newest key with the configured algorithm (nothing for the rotation to do)."""
    return is_token(token) and token.startswith((ring or keyring()).current_header)


def encrypt(plaintext: str, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    key, algorithm = ring.newest, ring.algorithm
    header = f"{PREFIX}{key.kid}:{algorithm.code}"
    nonce = os.urandom(NONCE_BYTES)
    sealed = _seal(algorithm, _subkey(key.secret, algorithm, "encryption"), nonce, plaintext.encode(), header.encode())
    return f"{header}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt(token: str, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    kid, code = token_header(token)
    algorithm = BY_CODE.get(code)
    if algorithm is None:
        raise DecryptionError(f"无法解密：未知的加密算法“{code}”（unknown algorithm '{code}'）。")
    key = ring.get(kid)
    body = token.rsplit(":", 1)[1]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("无法解密：加密数据不完整（truncated ciphertext）。")
    header = token[: len(token) - len(body) - 1]
    try:
        data = _open(
            algorithm,
            _subkey(key.secret, algorithm, "encryption"),
            raw[:NONCE_BYTES],
            raw[NONCE_BYTES:],
            header.encode(),
        )
    except InvalidTag:
        raise DecryptionError(
            f"解密失败：密钥“{kid}”不正确，或数据已被篡改（authentication failed: wrong key '{kid}' or altered data）。"
        ) from None
    return data.decode()


# ---- blind indexes --------------------------------------------------------------------------------


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "")


def normalize_text(value: str) -> str:
    return " ".join(_nfkc(value).split()).casefold()


def normalize_identity(value: str) -> str:
    """证件号码 / 统一社会信用代码: no spaces or dashes, upper case (the form's own normalization)."""
    return "".join(ch for ch in _nfkc(value) if not ch.isspace() and ch != "-").upper()


def normalize_phone(value: str) -> str:
    """Digits only, without the +86 country code: “+86 139-0875-1234” and “13908751234” match."""
    digits = "".join(ch for ch in _nfkc(value) if ch.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("861") else digits


def normalize_email(value: str) -> str:
    return _nfkc(value).strip().casefold()


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "text": normalize_text,
    "identity": normalize_identity,
    "phone": normalize_phone,
    "email": normalize_email,
}


def _normalized(value: str, normalizer: str) -> str:
    try:
        return NORMALIZERS[normalizer](value or "")
    except KeyError:
        raise ImproperlyConfigured(f"未知的盲索引规范化方式“{normalizer}”（unknown normalizer）。") from None


def _index(key: Key, algorithm: Algorithm, normalizer: str, normalized: str) -> str:
    # The normalizer's name separates the kinds of data: a phone number never matches an identity number.
    message = f"{normalizer}\x00{normalized}".encode()
    mac = hmac.HMAC(_subkey(key.secret, algorithm, "blind index"), algorithm.hash())
    mac.update(message)
    return mac.finalize().hex()


def blind_index(value: str, normalizer: str = "text", ring: KeyRing | None = None) -> str:
    """The index stored beside an encrypted value (64 hex digits); '' for an empty value."""
    normalized = _normalized(value, normalizer)
    if not normalized:
        return ""
    ring = ring or keyring()
    return _index(ring.newest, ring.algorithm, normalizer, normalized)


def blind_index_candidates(value: str, normalizer: str = "text", ring: KeyRing | None = None) -> list[str]:
    """Every index `value` may be stored under: each key of the ring, with either algorithm's hash
    (rows keep their old index until the rotation rewrites them)."""
    normalized = _normalized(value, normalizer)
    if not normalized:
        return []
    ring = ring or keyring()
    found = []
    for algorithm in (ring.algorithm, *(a for a in ALGORITHMS.values() if a is not ring.algorithm)):
        if algorithm is SM4_GCM and not sm4_available():
            continue
        for key in ring.keys:
            digest = _index(key, algorithm, normalizer, normalized)
            if digest not in found:
                found.append(digest)
    return found
