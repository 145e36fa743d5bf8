"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256) for personal data.

Ciphertext layout: version byte, 12-byte nonce, ciphertext+tag. The blind index lets us
find and de-duplicate exact values (a full resident ID) without storing them in clear.

Key rotation (docs/decisions/0015): the version byte is the version of the key that sealed it.
``FIELD_ENCRYPTION_KEY`` is the key of version ``FIELD_ENCRYPTION_KEY_VERSION`` (1 unless set), used for
everything sealed now; ``FIELD_ENCRYPTION_RETIRED_KEYS`` ({version: key}) still open what older keys
sealed until ``manage.py rotate_keys`` has re-encrypted it. Blind indexes carry no version: while
``BLIND_INDEX_RETIRED_KEYS`` lists old index keys, a lookup searches the digests under every key
(``blind_indexes``); new digests are always made with ``BLIND_INDEX_KEY``.
"""

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models


def _key(setting: str) -> bytes:
    return _decoded_key(setting, getattr(settings, setting))


def key_version() -> int:
    """The version of the field-encryption key in use (the first byte of what it seals)."""
    version = int(getattr(settings, "FIELD_ENCRYPTION_KEY_VERSION", 1))
    if not 1 <= version <= 255:
        raise ValueError("FIELD_ENCRYPTION_KEY_VERSION must be 1 to 255")
    return version


def _version_byte() -> bytes:
    return bytes([key_version()])


def retired_keys() -> dict[int, str]:
    """{version: base64 key} of the field-encryption keys still readable (a rotation in progress)."""
    return {int(v): k for v, k in (getattr(settings, "FIELD_ENCRYPTION_RETIRED_KEYS", None) or {}).items()}


def retired_index_keys() -> list[str]:
    return list(getattr(settings, "BLIND_INDEX_RETIRED_KEYS", None) or [])


def _key_for_version(version: int) -> bytes:
    if version == key_version():
        return _key("FIELD_ENCRYPTION_KEY")
    encoded = retired_keys().get(version)
    if encoded is None:
        raise ValueError(f"ciphertext of key version {version}: no such key configured")
    return _decoded_key(f"FIELD_ENCRYPTION_RETIRED_KEYS[{version}]", encoded)


def token_version(token: bytes) -> int:
    """The key version a ciphertext was sealed with (no key needed)."""
    return bytes(token[:1])[0] if token else 0


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
    urandom, encrypt, version = os.urandom, aead.encrypt, _version_byte()

    def sealed(data: bytes) -> bytes:
        nonce = urandom(12)
        return version + nonce + encrypt(nonce, data, associated)

    return sealed


def encrypter(purpose: str) -> Callable[[str], bytes]:
    """``encrypt`` for many values of one purpose (an import's thousands of IDs): the key and purpose are
    resolved once, here, instead of per value. Same ciphertexts as ``encrypt``."""
    sealed = _sealer(_aead(_key("FIELD_ENCRYPTION_KEY")), purpose.encode())
    return lambda plaintext: sealed(plaintext.encode())


def unseal(token: bytes, *, purpose: str) -> bytes:
    """The bytes ``seal`` was given; raises ValueError or cryptography's InvalidTag when tampered with."""
    token = bytes(token)
    if not token:
        raise ValueError("empty ciphertext")
    nonce, sealed = token[1:13], token[13:]
    return _aead(_key_for_version(token[0])).decrypt(nonce, sealed, purpose.encode())


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


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """The digests to look ``value`` up by: under the current index key first, then under every retired
    one (a rotation in progress: rows not yet re-indexed still carry those)."""
    digests = [blind_index(value, purpose=purpose)]
    message = f"{purpose}:{value}".encode()
    for index, encoded in enumerate(retired_index_keys()):
        key = _decoded_key(f"BLIND_INDEX_RETIRED_KEYS[{index}]", encoded)
        digests.append(hmac.digest(key, message, "sha256").hex())
    return digests


def index_rotating() -> bool:
    """Whether retired blind-index keys are configured (lookups must then try every one)."""
    return bool(retired_index_keys())


# --- the model fields that hold what this module makes -------------------------------------------
# They are the BinaryField and CharField they deconstruct as (no migration, same columns); the class and
# its ``purpose`` only tell ``manage.py rotate_keys`` which columns to re-encrypt and re-index (migration
# states clone them without it: they need none).


class EncryptedField(models.BinaryField):
    """A ciphertext made by ``encrypt(…, purpose=purpose)``."""

    def __init__(self, *args, purpose: str = "", **kwargs) -> None:
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.BinaryField", args, kwargs


class BlindIndexField(models.CharField):
    """``blind_index(plaintext of the EncryptedField named source, purpose=purpose)``."""

    def __init__(self, *args, purpose: str = "", source: str = "", **kwargs) -> None:
        self.purpose, self.source = purpose, source
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
