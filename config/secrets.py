"""Local secrets: generated once into an untracked file, never committed.

Environment variables win, so production injects its own secrets; a laptop install gets strong random
ones on first run and keeps them across restarts.

A key is generated only while no data depends on it. The data keys — FIELD_ENCRYPTION_KEY (resident
IDs, phones, bank accounts), BLIND_INDEX_KEY (lookups by ID) and SECURITY_EVENT_KEY (the seal of the
security-event chain and of the checkpoints) — are bound to the database that uses them: their
fingerprints are recorded there (``core.KeyFingerprint``, at migrate). If such a key is missing from
both the environment and ``secrets.json`` while the database already holds data sealed with it (a
database restored without its ``secrets.json``, a lost file), a new key would silently make every
stored ID unreadable: instead the program stops with a message saying what to put back.
"""

import base64
import json
import os
import secrets
import sqlite3
from collections.abc import Callable
from pathlib import Path

SECRET_NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "SECURITY_EVENT_KEY")
# Keys that stored data depends on (SECRET_KEY only signs sessions: a new one logs everybody out).
DATA_KEYS = ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "SECURITY_EVENT_KEY")


class KeysMissing(RuntimeError):
    """A data key is missing while the database holds data that needs it; never generate a new one then."""


def _generate(name: str) -> str:
    if name == "SECRET_KEY":
        return secrets.token_urlsafe(50)
    return base64.b64encode(secrets.token_bytes(32)).decode()


def load_secrets(path: Path, *, keys_in_use: Callable[[], set[str]] | None = None) -> dict[str, str]:
    """The secrets from the environment or ``path``; missing ones generated into ``path`` — unless
    ``keys_in_use()`` (the data keys the database already depends on) names one: then KeysMissing."""
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    missing = [n for n in SECRET_NAMES if n not in stored and not os.environ.get(n)]
    if missing:
        if keys_in_use is not None and any(n in DATA_KEYS for n in missing):
            needed = [n for n in missing if n in keys_in_use()]
            if needed:
                raise KeysMissing(
                    f"{', '.join(needed)} missing: neither set in the environment nor found in {path}, but the "
                    "database already holds data sealed with it. A new key would make that data unreadable, so "
                    f"none was generated. Put back the secrets.json kept with this installation's backups (or set "
                    "the variables), then start again. See README.md, 'Backup and restore'."
                )
        for name in missing:
            stored[name] = _generate(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(stored, fh, indent=2)
    return {n: os.environ.get(n) or stored[n] for n in SECRET_NAMES}


# --- key rotation (docs/decisions/0015): optional, never generated --------------------------------------

ROTATION_DEFAULTS: dict = {
    "FIELD_ENCRYPTION_KEY_VERSION": 1,  # the version byte of what FIELD_ENCRYPTION_KEY seals
    "FIELD_ENCRYPTION_RETIRED_KEYS": {},  # {"1": "<base64 key>"}: older keys, still readable
    "BLIND_INDEX_RETIRED_KEYS": [],  # ["<base64 key>"]: older index keys, still searched
}


def load_rotation(path: Path) -> dict:
    """The rotation settings from the environment (JSON for the two collections) or ``path``."""
    stored: dict = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    values = {}
    for name, default in ROTATION_DEFAULTS.items():
        raw = os.environ.get(name)
        if raw:
            value = int(raw) if name == "FIELD_ENCRYPTION_KEY_VERSION" else json.loads(raw)
        else:
            value = stored.get(name, default)
        values[name] = value
    values["FIELD_ENCRYPTION_KEY_VERSION"] = int(values["FIELD_ENCRYPTION_KEY_VERSION"])
    values["FIELD_ENCRYPTION_RETIRED_KEYS"] = {int(k): v for k, v in values["FIELD_ENCRYPTION_RETIRED_KEYS"].items()}
    return values


def write_secrets(path: Path, stored: dict) -> None:
    """Replace ``path`` (mode 600) with ``stored``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(stored, fh, indent=2)
    os.replace(temporary, path)


# --- what the database already depends on -------------------------------------------------------------

_FINGERPRINTS = "SELECT name FROM core_keyfingerprint"
# Databases from before fingerprints were recorded: any stored person or bank account means ciphertexts.
_LEGACY = (
    ("SELECT 1 FROM people_person LIMIT 1", {"FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"}),
    ("SELECT 1 FROM land_payment WHERE bank_account_ciphertext IS NOT NULL LIMIT 1", {"FIELD_ENCRYPTION_KEY"}),
)


def _keys_from(cursor, missing_table: type[Exception]) -> set[str]:
    used: set[str] = set()
    try:
        cursor.execute(_FINGERPRINTS)
        used = {row[0] for row in cursor.fetchall()}
    except missing_table:
        pass  # a database from before fingerprints (or none yet): look at the data itself
    for query, names in _LEGACY:
        try:
            cursor.execute(query)
            if cursor.fetchone():
                used |= names
        except missing_table:
            pass
    return used


def database_keys_in_use(database: dict) -> set[str]:
    """The data keys the configured database depends on (empty for a new or empty database)."""
    engine = database.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        name = str(database.get("NAME", ""))
        if not name or name == ":memory:" or not Path(name).exists():
            return set()
        connection = sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        try:
            return _keys_from(connection.cursor(), sqlite3.OperationalError)
        finally:
            connection.close()
    if engine.endswith("postgresql"):
        import psycopg

        try:
            connection = psycopg.connect(
                dbname=database.get("NAME"),
                user=database.get("USER") or None,
                password=database.get("PASSWORD") or None,
                host=database.get("HOST") or None,
                port=database.get("PORT") or None,
                connect_timeout=10,
                autocommit=True,
            )
        except psycopg.OperationalError as exc:
            text = str(exc)
            if getattr(exc, "sqlstate", None) == "3D000" or "does not exist" in text or "不存在" in text:
                return set()  # no database yet (invalid_catalog_name): nothing depends on any key
            raise KeysMissing(
                f"a data key is missing and the database cannot be reached to check that nothing depends on it "
                f"({exc}). Start the database, or set the keys, and start again."
            ) from exc
        try:
            return _keys_from(connection.cursor(), psycopg.errors.UndefinedTable)
        finally:
            connection.close()
    return set()
