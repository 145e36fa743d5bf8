"""Backup and restore (备份与恢复) that cannot lose the keys.

``backup(out)`` writes, while the site keeps running, a consistent copy of the database into the
directory ``out``: SQLite through its online backup API (one read snapshot), PostgreSQL with
``pg_dump --format=custom`` under a snapshot exported from the same REPEATABLE READ transaction that
counts and hashes the tables. Next to it, ``manifest.json``: for every table its row count and a
SHA-256 over its rows in key order, the fingerprints of the data keys (``core.keys``: which keys the
ciphertexts and seals need — never the keys), the ciphertext format version, the time, and the
copy's own SHA-256.

``restore(path, database)`` refuses unless the keys configured now are the backup's and the target
database is empty; it checks the copy's SHA-256, restores (SQLite backup API; ``pg_restore
--single-transaction``), then recomputes every table's count and hash and compares them with the
manifest. The keys are never in a backup: they are kept apart (README.md, "Backup and restore").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection as default_connection
from django.utils import timezone

from .keys import fingerprints

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FORMAT = 1
CIPHERTEXT_VERSION = 1  # core.crypto's version byte


class BackupError(Exception):
    pass


# --- canonical rows and table digests (the same on both sides of a restore) ------------------------------


def _canonical(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bytes | bytearray | memoryview):
        return "b:" + bytes(value).hex()
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    return [row[0] for row in cursor.fetchall()]


def _order(cursor, vendor: str, table: str) -> str:
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        info = cursor.fetchall()
        keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
        columns = keys or [row[1] for row in info]
    else:
        cursor.execute(
            """SELECT a.attname FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
               WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)""",
            [_quote(table)],
        )
        columns = [row[0] for row in cursor.fetchall()]
        if not columns:
            return "ORDER BY " + ", ".join(str(i) for i in range(1, _column_count(cursor, table) + 1))
    return "ORDER BY " + ", ".join(_quote(c) for c in columns)


def _column_count(cursor, table: str) -> int:
    cursor.execute(f"SELECT * FROM {_quote(table)} LIMIT 0")  # nosec B608  # the table name comes from the database's own catalogue, quoted
    return len(cursor.description)


def table_rows(cursor, vendor: str, table: str):
    """Every row of ``table`` in key order, as canonical text tuples."""
    cursor.execute(f"SELECT * FROM {_quote(table)} {_order(cursor, vendor, table)}")  # nosec B608  # the table name comes from the database's own catalogue, quoted
    while batch := cursor.fetchmany(2000):
        for row in batch:
            yield tuple(_canonical(v) for v in row)


def table_digests(cursor, vendor: str) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": …}} for every table of the database."""
    tables = _sqlite_tables(cursor) if vendor == "sqlite" else _pg_tables(cursor)
    result = {}
    for table in tables:
        digest, count = hashlib.sha256(), 0
        for row in table_rows(cursor, vendor, table):
            digest.update(("\t".join(row) + "\n").encode())
            count += 1
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- connections from a settings dict ------------------------------------------------------------------


def _vendor(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"no backup for {engine}")


def _pg_env(database: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[var] = str(database[key])
    return env


def _pg_connect(database: dict):
    import psycopg

    return psycopg.connect(
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        options="-c timezone=UTC",
        autocommit=True,
    )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client programs (Debian: postgresql-client)")
    return found


# --- backup ------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


def backup(out: Path, *, connection=None) -> BackupResult:
    """Write a consistent copy of the database and its manifest into the new directory ``out``."""
    connection = connection or default_connection
    started = time.monotonic()
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    vendor = connection.vendor
    connection.ensure_connection()
    if vendor == "sqlite":
        target = out / SQLITE_FILE
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # the online backup API: one consistent snapshot
            tables = table_digests(copy.cursor(), "sqlite")
        finally:
            copy.close()
    elif vendor == "postgresql":
        target = out / PG_FILE
        tables = _pg_dump(connection, target)
    else:
        raise BackupError(f"no backup for {vendor}")
    os.chmod(target, 0o600)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "vendor": vendor,
        "file": target.name,
        "file_sha256": _file_sha256(target),
        "key_fingerprints": fingerprints(),
        "ciphertext_version": CIPHERTEXT_VERSION,
        "tables": tables,
    }
    manifest_path = out / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.chmod(manifest_path, 0o600)
    return BackupResult(path=out, manifest=manifest, seconds=time.monotonic() - started)


def _pg_dump(connection, target: Path) -> dict:
    """pg_dump under a snapshot exported by the transaction that hashes the tables: both see the same data."""
    database = connection.settings_dict
    pg_dump = _tool("pg_dump")
    with _pg_connect(database) as snapshot_holder:
        snapshot_holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = snapshot_holder.execute("SELECT pg_export_snapshot()").fetchone()[0]
        result = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner", f"--file={target}", database["NAME"]],
            env=_pg_env(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        tables = table_digests(snapshot_holder.cursor(), "postgresql")
        snapshot_holder.execute("COMMIT")
    return tables


# --- restore -----------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tables: int
    rows: int
    seconds: float


def read_manifest(path: Path) -> dict:
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path / MANIFEST} cannot be read: {exc}") from exc


def check_keys(manifest: dict) -> None:
    current = fingerprints()
    differ = sorted(n for n, v in manifest.get("key_fingerprints", {}).items() if current.get(n) != v)
    if differ:
        raise BackupError(
            f"{', '.join(differ)}: the keys configured here are not the ones this backup was made with, so its "
            "resident IDs could not be decrypted and its records not verified. Nothing was restored. Put the "
            "secrets.json kept with this installation's keys in place of var/secrets.json (a new installation has "
            "just generated its own), or set the variables, and run restore again."
        )


def _sqlite_connect(name) -> sqlite3.Connection:
    name = str(name)
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _database_empty(database: dict) -> bool:
    vendor = _vendor(database)
    if vendor == "sqlite":
        name = str(database["NAME"])
        if not name.startswith("file:") and not Path(name).exists():
            return True
        probe = _sqlite_connect(name)
        try:
            return not _sqlite_tables(probe.cursor())
        finally:
            probe.close()
    with _pg_connect(database) as probe:
        return not _pg_tables(probe.cursor())


def restore(path: Path, *, database: dict | None = None) -> RestoreResult:
    """Restore the backup in ``path`` into the empty ``database`` (default: the configured one) and check it
    against the manifest; raises BackupError, before writing anything where it can."""
    database = database or settings.DATABASES["default"]
    started = time.monotonic()
    manifest = read_manifest(path)
    vendor = _vendor(database)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')}")
    if manifest["vendor"] != vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database, the target is {vendor}")
    check_keys(manifest)
    source = path / manifest["file"]
    if not source.exists() or _file_sha256(source) != manifest["file_sha256"]:
        raise BackupError(f"{source} is missing or not the file the manifest describes (SHA-256 differs)")
    if not _database_empty(database):
        raise BackupError("the target database is not empty: restore only into a new, empty database")
    if vendor == "sqlite":
        target = str(database["NAME"])
        if not target.startswith("file:"):
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), _sqlite_connect(target)
        try:
            src.backup(dst)
            tables = table_digests(dst.cursor(), "sqlite")
        finally:
            src.close()
            dst.close()
    else:
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                f"--dbname={database['NAME']}",
                str(source),
            ],
            env=_pg_env(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        with _pg_connect(database) as check:
            tables = table_digests(check.cursor(), "postgresql")
    differences = [
        table
        for table in sorted(set(tables) | set(manifest["tables"]))
        if tables.get(table) != manifest["tables"].get(table)
    ]
    if differences:
        raise BackupError(f"restored, but these tables differ from the manifest: {', '.join(differences)}")
    return RestoreResult(
        tables=len(tables), rows=sum(t["rows"] for t in tables.values()), seconds=time.monotonic() - started
    )
