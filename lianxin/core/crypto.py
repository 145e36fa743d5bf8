"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256) for personal data.

Ciphertext layout: version byte, 12-byte nonce, ciphertext+tag. The blind index lets us
find and de-duplicate exact values (a full resident ID) without storing them in clear.
"""

import base64
import functools
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_VERSION = b"\x01"


def _key(setting: str) -> bytes:
    return _decoded_key(setting, getattr(settings, setting))


# Cached by the setting's value, so a changed setting (tests, key rotation) takes effect at once.
@functools.lru_cache(maxsize=8)
def _decoded_key(setting: str, encoded: str) -> bytes:
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise ValueError(f"{setting} must be 32 bytes, base64-encoded")
    return key


@functools.lru_cache(maxsize=8)
def _aead(key: bytes) -> AESGCM:
    """One AESGCM object per key: it holds only the key and is safe to share (each call takes its own nonce)."""
    return AESGCM(key)


def encrypt(plaintext: str, *, purpose: str) -> bytes:
    return seal(plaintext.encode(), purpose=purpose)


def decrypt(token: bytes, *, purpose: str) -> str:
    return unseal(token, purpose=purpose).decode()


def seal(data: bytes, *, purpose: str) -> bytes:
    """Encrypt and authenticate bytes; the purpose is bound to the ciphertext (it must match to open it)."""
    nonce = os.urandom(12)
    return _VERSION + nonce + _aead(_key("FIELD_ENCRYPTION_KEY")).encrypt(nonce, data, purpose.encode())


def unseal(token: bytes, *, purpose: str) -> bytes:
    """The bytes ``seal`` was given; raises ValueError or cryptography's InvalidTag when tampered with."""
    token = bytes(token)
    if token[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, sealed = token[1:13], token[13:]
    return _aead(_key("FIELD_ENCRYPTION_KEY")).decrypt(nonce, sealed, purpose.encode())


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed digest of the exact value; the purpose keeps indexes of different fields apart."""
    return hmac.digest(_key("BLIND_INDEX_KEY"), f"{purpose}:{value}".encode(), "sha256").hex()
