"""The data keys and the database they belong to (密钥与数据库的对应).

Ciphertexts (resident IDs, phones, bank accounts), blind indexes and the security-event seals are only
readable with the keys they were made with, and the keys live outside the database (environment or
``var/secrets.json``). So the database records a fingerprint of each (``KeyFingerprint``: an HMAC of a
fixed text under the key — it tells keys apart without revealing them), and:

- ``config/secrets.py`` refuses to generate a key the database has a fingerprint for;
- every program start (the WSGI application, ``manage.py check``) stops with a clear message when the
  configured keys are not the ones the database was sealed with;
- ``manage.py backup`` writes the fingerprints into its manifest and ``restore`` refuses keys that differ.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from config.secrets import DATA_KEYS

_TEXT = b"lianxin key fingerprint v1"


def fingerprint(name: str) -> str:
    return fingerprint_of(getattr(settings, name))


def fingerprint_of(encoded: str) -> str:
    return hmac.new(base64.b64decode(encoded), _TEXT, hashlib.sha256).hexdigest()[:32]


def retired_fingerprints(name: str) -> set[str]:
    """Fingerprints of the retired keys of ``name`` (a key rotation in progress, docs/decisions/0015)."""
    if name == "FIELD_ENCRYPTION_KEY":
        keys = list((getattr(settings, "FIELD_ENCRYPTION_RETIRED_KEYS", None) or {}).values())
    elif name == "BLIND_INDEX_KEY":
        keys = list(getattr(settings, "BLIND_INDEX_RETIRED_KEYS", None) or [])
    else:
        keys = []
    return {fingerprint_of(key) for key in keys}


def fingerprints() -> dict[str, str]:
    return {name: fingerprint(name) for name in DATA_KEYS}


def keys_record(*, using: str = "default") -> None:
    """Record the fingerprints of keys the database has none for yet (after migrate)."""
    from .models import KeyFingerprint

    recorded = set(KeyFingerprint.objects.using(using).values_list("name", flat=True))
    for name, value in fingerprints().items():
        if name not in recorded:
            KeyFingerprint.objects.using(using).create(name=name, fingerprint=value)


def keys_mismatched(*, using: str = "default") -> list[str]:
    """The data keys configured now that differ from those the database was sealed with. During a key
    rotation the recorded key is a retired one (still configured): not a mismatch; ``rotate_keys``
    records the new key's fingerprint when it has finished."""
    from .models import KeyFingerprint

    current = fingerprints()
    return sorted(
        name
        for name, value in KeyFingerprint.objects.using(using).values_list("name", "fingerprint")
        if name in current and current[name] != value and value not in retired_fingerprints(name)
    )


def mismatch_message(names: list[str]) -> str:
    return (
        f"{', '.join(names)}: the configured key is not the one this database was sealed with (its fingerprint "
        "differs). Its data would be unreadable or its records would fail to verify. Put back the secrets.json "
        "(or environment variables) of this database's installation. See README.md, 'Backup and restore'."
    )


def keys_check_at_start(*, using: str = "default") -> None:
    """Stop the program when the keys do not belong to the database. A database not reachable (or not
    migrated) yet is not an error here: the first query will say so."""
    try:
        mismatched = keys_mismatched(using=using)
    except DatabaseError:
        return
    finally:
        if not connections[using].in_atomic_block:
            connections[using].close()  # opened at start-up: not to be carried into the first request
    if mismatched:
        raise ImproperlyConfigured(mismatch_message(mismatched))
