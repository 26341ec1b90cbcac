"""Personal numbers encrypted at rest (DESIGN §4 rule 8): Fernet with the key(s) of ``FIELD_ENCRYPTION_KEY``.

Why Fernet (the ``cryptography`` package): authenticated encryption (AES-128-CBC + HMAC-SHA256) with a
versioned token format and ``MultiFernet`` for key rotation, so nothing here is home-made cryptography.
A token is random for every write; lookups therefore go through the keyed hash
(``housing.accounts.identity.id_number_digest``), never through the encrypted column.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Fernet tokens start with this (version byte 0x80, base64): a cheap test that a value is a token.
TOKEN_PREFIX = "gAAAAA"


def _derived_key(secret_key: str) -> bytes:
    """The demo's key: SHA-256 of SECRET_KEY under a label, so it differs from every other use of it."""
    digest = hashlib.sha256(f"housing.field-encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet_for(key_setting: str, secret_key: str) -> MultiFernet:
    keys = [k.strip() for k in key_setting.split(",") if k.strip()] or [_derived_key(secret_key).decode()]
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY 须为 Fernet 密钥（32 字节的 URL 安全 base64），多个用逗号分隔。"
        ) from exc


def _fernet() -> MultiFernet:
    # Keyed by the settings' values so a test's override_settings takes effect at once.
    return _fernet_for(settings.FIELD_ENCRYPTION_KEY or "", settings.SECRET_KEY)


def encrypt_text(value: str) -> str:
    """The Fernet token of ``value``; the empty string stays empty (nothing to protect)."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    """The clear text of a token written by ``encrypt_text``."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # A wrong or removed key: failing loudly beats showing ciphertext as an ID number.
        raise ImproperlyConfigured(
            "无法解密已加密字段：FIELD_ENCRYPTION_KEY 与加密时使用的密钥不一致。"
        ) from exc
