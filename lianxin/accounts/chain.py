"""The seal of the security-event chain (安全事件链): an HMAC-SHA256 under SECURITY_EVENT_KEY, a key kept
outside the database like the field-encryption key.

Each event's seal covers its content, its sequence number and the seal of the event before it. An
intruder with the database alone can edit a row but cannot compute the seal that row and every later
one would need: without the key no edit verifies, not even one with every later seal recomputed. What
a keyed chain cannot show by itself — the newest events deleted and the head rolled back — the
checkpoints show (``checkpoint.py``).

Events written before the chain was keyed carry the plain SHA-256 of the same content
(``legacy_seal``); migration 0005 sealed them once under the key by appending an event that records
their number and last hash. The verifier accepts plain hashes only before the first keyed event and
requires the newest event to be keyed.
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime

from django.conf import settings


def event_payload(
    *,
    sequence: int,
    occurred_at: datetime,
    kind: str,
    username: str,
    ip_address: str | None,
    detail: dict,
    previous_hash: str,
) -> bytes:
    return json.dumps(
        {
            "sequence": sequence,
            "occurred_at": occurred_at.isoformat(),
            "kind": kind,
            "username": username,
            "ip_address": ip_address,
            "detail": detail,
            "previous_hash": previous_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _key() -> bytes:
    return base64.b64decode(settings.SECURITY_EVENT_KEY)


def seal(payload: bytes) -> str:
    return hmac.new(_key(), payload, hashlib.sha256).hexdigest()


def legacy_seal(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def mac(data: bytes) -> str:
    """The same key's HMAC over anything else the chain vouches for (a checkpoint line)."""
    return hmac.new(_key(), b"checkpoint:" + data, hashlib.sha256).hexdigest()
