"""Secrets at rest (OAuth tokens): Fernet with a key from config.

ENCRYPTION_KEY is a Fernet key (urlsafe base64, 32 bytes). When it is not set, a key is derived from
SECRET_KEY with HKDF, so a demo needs no extra setting; production should set its own and can rotate
by listing the new key first in ENCRYPTION_KEY (comma-separated, MultiFernet).
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"contractors-cloud", info=b"secrets-at-rest")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def _fernet() -> MultiFernet:
    configured = current_app.config.get("ENCRYPTION_KEY") or ""
    keys = [k.strip().encode() for k in configured.split(",") if k.strip()]
    if not keys:
        keys = [_derived_key(current_app.config["SECRET_KEY"])]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a changed key must not look like an empty token
        raise RuntimeError("Stored secret cannot be decrypted: was ENCRYPTION_KEY or SECRET_KEY changed?") from exc
