"""Backup and restore that cannot lose the keys: a consistent copy with a manifest, restored into a fresh database
where every table compares equal and every resident ID, phone and bank account decrypts; refused with keys that
are not the backup's, into a database that is not empty, or from a copy that changed."""

import base64
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from lianxin.accounts.services import api_token_create
from lianxin.accounts.tests.factories import totp_device
from lianxin.core import crypto
from lianxin.core.append_only import append_only_models, set_guard
from lianxin.core.backup import (
    MANIFEST,
    BackupError,
    _pg_connect,
    backup,
    read_manifest,
    restore,
    table_digests,
    table_rows,
)
from lianxin.core.tests.ledger_rows import ledger_rows
from lianxin.land.services import BANK_ACCOUNT_PURPOSE
from lianxin.people.identity import PHONE_PURPOSE, RESIDENT_ID_PURPOSE
from lianxin.people.tests import factories as people_factories

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PEOPLE = 120

_guard_lifted = False


def _seed_land_classes() -> None:
    """The flush after a transactional test empties the land classes migration 0002 seeded; put them back."""
    from importlib import import_module

    from django.apps import apps

    import_module("lianxin.land.migrations.0002_seed_land_classes").seed(apps, None)


@pytest.fixture(scope="module", autouse=True)
def _guard_restored(django_db_blocker):
    """After the module's last flush, the append-only triggers and the seeded rows go back for the tests after."""
    yield
    if _guard_lifted:
        with django_db_blocker.unblock():
            for model in append_only_models():
                set_guard(connection, model, on=True)
            _seed_land_classes()


@pytest.fixture
def committed(transactional_db):
    """Committed rows (pg_dump reads them from another session); the guard is lifted for the flush after."""
    global _guard_lifted
    for model in append_only_models():
        set_guard(connection, model, on=True)
    _guard_lifted = False
    _seed_land_classes()
    yield
    for model in append_only_models():
        set_guard(connection, model, on=False)
    _guard_lifted = True


@pytest.fixture
def township(committed, town, village_a, group_a1, group_a2, household_a, person_a, working_group_member):
    """A small township with every kind of sealed data: people with IDs and phones, a payment with a bank
    account, a case and its history, security events, an API token, holidays and land classes."""
    households = [household_a, people_factories.household(group_a2)]
    for i in range(PEOPLE):
        people_factories.person(households[i % 2], name=f"村民{i}", male=i % 2 == 0, phone=f"139{i:08d}")
    totp_device(working_group_member)
    api_token_create(user=working_group_member, name="脚本")
    return ledger_rows(town=town, group=group_a1, household=household_a, actor=working_group_member)


def _sealed(cursor) -> dict[str, list[str]]:
    """Every resident ID, phone and bank account of a database, decrypted."""
    cursor.execute("SELECT resident_id_ciphertext, phone_ciphertext FROM people_person ORDER BY id")
    people = cursor.fetchall()
    cursor.execute("SELECT bank_account_ciphertext FROM land_payment WHERE bank_account_ciphertext IS NOT NULL")
    return {
        "resident_ids": [crypto.decrypt(bytes(r), purpose=RESIDENT_ID_PURPOSE) for r, _p in people],
        "phones": [crypto.decrypt(bytes(p), purpose=PHONE_PURPOSE) for _r, p in people if p],
        "bank_accounts": [crypto.decrypt(bytes(b), purpose=BANK_ACCOUNT_PURPOSE) for (b,) in cursor.fetchall()],
    }


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the vendor under test; yields (settings dict, a DB-API connection opener)."""
    if connection.vendor == "sqlite":
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "restored.sqlite3"}
        # Read back with Django's column types, as the source is read through Django's connection.
        yield database, lambda: sqlite3.connect(database["NAME"], detect_types=sqlite3.PARSE_DECLTYPES)
        return
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore missing: install the PostgreSQL client programs (postgresql-client)")
    database = {**settings.DATABASES["default"], "NAME": f"{connection.settings_dict['NAME']}_restored"}
    admin = _pg_connect({**database, "NAME": "postgres"})
    admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
    admin.execute(f'CREATE DATABASE "{database["NAME"]}"')
    try:
        yield database, lambda: _pg_connect(database)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')
        admin.close()


def _the_manifest_names_every_table_and_the_keys_but_holds_no_key(path: Path, made: dict) -> None:
    manifest = read_manifest(path)
    text = (path / MANIFEST).read_text(encoding="utf-8")

    assert manifest == made
    assert {"people_person", "land_payment", "cases_caseevent", "accounts_securityevent"} <= set(manifest["tables"])
    assert all(len(t["sha256"]) == 64 for t in manifest["tables"].values())
    assert set(manifest["key_fingerprints"]) == {"FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "SECURITY_EVENT_KEY"}
    assert manifest["created_at"]
    for key in (settings.FIELD_ENCRYPTION_KEY, settings.BLIND_INDEX_KEY, settings.SECURITY_EVENT_KEY):
        assert key not in text
    assert oct(path.stat().st_mode & 0o777) == "0o700"


def _round_trip(fresh_database, tmp_path):
    """Back up the test database, restore it into ``fresh_database`` and compare both: every table row for row,
    every resident ID, phone and bank account decrypted. Returns (backup, restore, the decrypted values)."""
    database, connect = fresh_database
    vendor = connection.vendor
    # Both sides read alike: Django's SQLite connection converts column types as the target's reader does;
    # on PostgreSQL both are plain psycopg connections (Django's would hand jsonb over as text).
    source = connection.connection if vendor == "sqlite" else _pg_connect(connection.settings_dict)
    cursor = source.cursor()
    source_tables = {t: list(table_rows(cursor, vendor, t)) for t in table_digests(cursor, vendor)}
    source_sealed = _sealed(cursor)
    if vendor != "sqlite":
        source.close()

    made = backup(tmp_path / "backup")
    _the_manifest_names_every_table_and_the_keys_but_holds_no_key(tmp_path / "backup", made.manifest)
    restored = restore(tmp_path / "backup", database=database)

    target = connect()
    try:
        cursor = target.cursor()
        target_tables = {t: list(table_rows(cursor, vendor, t)) for t in table_digests(cursor, vendor)}
        target_sealed = _sealed(cursor)
    finally:
        target.close()
    assert set(target_tables) == set(source_tables)
    for table, rows in source_tables.items():
        assert target_tables[table] == rows, table
    assert target_sealed == source_sealed
    assert restored.tables == len(made.manifest["tables"])
    return made, restored, source_sealed


def test_a_backup_restores_into_a_fresh_database_with_every_table_equal_and_every_id_readable(
    township, fresh_database, tmp_path
):
    made, _restored, sealed = _round_trip(fresh_database, tmp_path)

    assert len(sealed["resident_ids"]) == PEOPLE + 2  # and person_a, and the Party member of the ledger rows
    assert made.manifest["tables"]["people_person"]["rows"] == PEOPLE + 2
    assert sealed["bank_accounts"]


def test_the_demo_township_backs_up_and_restores_whole(committed, fresh_database, tmp_path):
    """The demo (every module's data: people, land and payments, cases, Party) restored into a fresh database:
    every table equal, every resident ID readable. ``make test`` prints this restore's time."""
    from lianxin.demo.township import load_demo
    from lianxin.people.models import Person

    load_demo()
    persons = Person.objects.count()

    made, restored, sealed = _round_trip(fresh_database, tmp_path)

    assert persons > 1000
    assert len(sealed["resident_ids"]) == persons
    assert all(len(resident_id) == 18 for resident_id in sealed["resident_ids"])
    assert made.manifest["tables"]["people_person"]["rows"] == persons
    vendor = connection.vendor
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"restore-time-{vendor}.txt").write_text(
        f"restore of the demo ({vendor}): {restored.seconds:.2f} s for {restored.tables} tables, "
        f"{restored.rows} rows, {persons} persons (backup {made.seconds:.2f} s)\n",
        encoding="utf-8",
    )


def test_restore_refuses_keys_that_are_not_the_backups(township, fresh_database, tmp_path, settings):
    database, connect = fresh_database
    backup(tmp_path / "backup")
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"n" * 32).decode()  # a new machine generated its own

    with pytest.raises(BackupError, match="FIELD_ENCRYPTION_KEY: the keys configured here are not the ones"):
        restore(tmp_path / "backup", database=database)

    target = connect()
    try:
        cursor = target.cursor()
        assert table_digests(cursor, connection.vendor) == {}  # nothing restored
    finally:
        target.close()


def test_restore_refuses_a_database_that_is_not_empty(township, tmp_path):
    backup(tmp_path / "backup")

    with pytest.raises(BackupError, match="not empty"):
        restore(
            tmp_path / "backup", database=settings.DATABASES["default"] | {"NAME": connection.settings_dict["NAME"]}
        )


def test_restore_refuses_a_copy_that_changed(township, fresh_database, tmp_path):
    database, _connect = fresh_database
    made = backup(tmp_path / "backup")
    copy = tmp_path / "backup" / made.manifest["file"]
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0xFF
    copy.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="SHA-256 differs"):
        restore(tmp_path / "backup", database=database)


def test_the_commands(township, tmp_path):
    from io import StringIO

    out = StringIO()
    started = time.monotonic()
    call_command("backup", str(tmp_path / "backup"), stdout=out)

    assert "backup written to" in out.getvalue()
    assert time.monotonic() - started < 60
    with pytest.raises(Exception, match="exists and is not empty"):
        call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
