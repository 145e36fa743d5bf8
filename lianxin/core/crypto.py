"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256) for personal data.

Ciphertext layout: version byte, 12-byte nonce, ciphertext+tag. The blind index lets us
find and de-duplicate exact values (a full resident ID) without storing them in clear.
"""

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Callable

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
    return _sealer(_aead(_key("FIELD_ENCRYPTION_KEY")), purpose.encode())(data)


def _sealer(aead: AESGCM, associated: bytes) -> Callable[[bytes], bytes]:
    urandom, encrypt = os.urandom, aead.encrypt

    def sealed(data: bytes) -> bytes:
        nonce = urandom(12)
        return _VERSION + nonce + encrypt(nonce, data, associated)

    return sealed


def encrypter(purpose: str) -> Callable[[str], bytes]:
    """``encrypt`` for many values of one purpose (an import's thousands of IDs): the key and purpose are
    resolved once, here, instead of per value. Same ciphertexts as ``encrypt``."""
    sealed = _sealer(_aead(_key("FIELD_ENCRYPTION_KEY")), purpose.encode())
    return lambda plaintext: sealed(plaintext.encode())


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


def blind_indexer(purpose: str) -> Callable[[str], str]:
    """``blind_index`` for many values of one purpose: the keyed hash of the purpose prefix is computed
    once and copied per value. Same digests as ``blind_index``."""
    prefixed = hmac.new(_key("BLIND_INDEX_KEY"), f"{purpose}:".encode(), hashlib.sha256)

    def digest(value: str) -> str:
        h = prefixed.copy()
        h.update(value.encode())
        return h.hexdigest()

    return digest
