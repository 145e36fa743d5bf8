"""The program never generates a new data key while the database holds data sealed with the old one, and never
runs with keys that are not the database's: it stops with a message saying what to put back."""

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from config.secrets import DATA_KEYS, KeysMissing, database_keys_in_use, load_secrets
from lianxin.core.keys import fingerprint, keys_mismatched
from lianxin.core.models import KeyFingerprint

BASE_DIR = Path(__file__).resolve().parents[3]


def _sqlite(path: Path, *statements: str) -> Path:
    database = sqlite3.connect(path)
    for statement in statements:
        database.execute(statement)
    database.commit()
    database.close()
    return path


def test_missing_keys_are_generated_for_a_new_installation(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", *DATA_KEYS):
        monkeypatch.delenv(name, raising=False)

    keys = load_secrets(tmp_path / "secrets.json", keys_in_use=lambda: set())

    assert set(keys) == {"SECRET_KEY", *DATA_KEYS}
    assert json.loads((tmp_path / "secrets.json").read_text())["FIELD_ENCRYPTION_KEY"] == keys["FIELD_ENCRYPTION_KEY"]


def test_no_key_is_generated_while_the_database_depends_on_it(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", *DATA_KEYS):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(KeysMissing, match="FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY missing") as refused:
        load_secrets(tmp_path / "secrets.json", keys_in_use=lambda: {"FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"})

    assert "secrets.json" in str(refused.value)
    assert not (tmp_path / "secrets.json").exists()  # nothing half-written either


def test_a_new_key_for_a_new_purpose_is_generated_beside_the_kept_ones(tmp_path, monkeypatch):
    """Upgrading: secrets.json has the old keys; the chain key is new and nothing depends on it yet."""
    for name in ("SECRET_KEY", *DATA_KEYS):
        monkeypatch.delenv(name, raising=False)
    old = {"SECRET_KEY": "s", "FIELD_ENCRYPTION_KEY": "f", "BLIND_INDEX_KEY": "b"}
    (tmp_path / "secrets.json").write_text(json.dumps(old))

    keys = load_secrets(tmp_path / "secrets.json", keys_in_use=lambda: {"FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"})

    assert {k: keys[k] for k in old} == old
    assert keys["SECURITY_EVENT_KEY"]


def test_the_probe_reads_the_fingerprints_of_a_sqlite_database(tmp_path):
    path = _sqlite(
        tmp_path / "db.sqlite3",
        "CREATE TABLE core_keyfingerprint (id integer primary key, name text, fingerprint text, recorded_at text)",
        "INSERT INTO core_keyfingerprint (name, fingerprint, recorded_at) VALUES ('FIELD_ENCRYPTION_KEY', 'x', '')",
    )

    assert database_keys_in_use({"ENGINE": "django.db.backends.sqlite3", "NAME": path}) == {"FIELD_ENCRYPTION_KEY"}
    assert database_keys_in_use({"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "none.sqlite3"}) == set()


def test_the_probe_recognises_a_database_from_before_fingerprints(tmp_path):
    path = _sqlite(
        tmp_path / "db.sqlite3",
        "CREATE TABLE people_person (id integer primary key, resident_id_ciphertext blob)",
        "INSERT INTO people_person (resident_id_ciphertext) VALUES (x'01')",
    )

    assert database_keys_in_use({"ENGINE": "django.db.backends.sqlite3", "NAME": path}) == {
        "FIELD_ENCRYPTION_KEY",
        "BLIND_INDEX_KEY",
    }


def test_a_restored_database_without_its_secrets_stops_the_program_with_a_clear_message(tmp_path):
    """The scenario of the finding: the database file is back, secrets.json is not."""
    _sqlite(
        tmp_path / "lianxin.sqlite3",
        "CREATE TABLE core_keyfingerprint (id integer primary key, name text, fingerprint text, recorded_at text)",
        *(
            f"INSERT INTO core_keyfingerprint (name, fingerprint, recorded_at) VALUES ('{name}', 'x', '')"
            for name in DATA_KEYS
        ),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "LIANXIN_"))}
    for name in ("SECRET_KEY", *DATA_KEYS):
        env.pop(name, None)
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", LIANXIN_VAR_DIR=str(tmp_path))

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "missing" in result.stderr
    assert "Put back the secrets.json" in result.stderr
    assert not (tmp_path / "secrets.json").exists()


def test_migrate_records_the_fingerprints_of_the_keys_in_use(db, settings):
    recorded = dict(KeyFingerprint.objects.values_list("name", "fingerprint"))

    assert set(recorded) == set(DATA_KEYS)
    assert recorded["FIELD_ENCRYPTION_KEY"] == fingerprint("FIELD_ENCRYPTION_KEY")
    assert settings.FIELD_ENCRYPTION_KEY not in str(recorded)  # a fingerprint, not the key


def test_keys_that_are_not_the_databases_stop_the_program(db, settings):
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"n" * 32).decode()

    assert keys_mismatched() == ["FIELD_ENCRYPTION_KEY"]
    with pytest.raises(SystemCheckError, match="FIELD_ENCRYPTION_KEY: the configured key is not the one"):
        call_command("check")


def test_the_web_application_refuses_to_start_with_the_wrong_keys(db, settings):
    from django.core.exceptions import ImproperlyConfigured

    from lianxin.core.keys import keys_check_at_start

    keys_check_at_start()  # the right keys: nothing to say
    settings.BLIND_INDEX_KEY = base64.b64encode(b"n" * 32).decode()

    with pytest.raises(ImproperlyConfigured, match="BLIND_INDEX_KEY"):
        keys_check_at_start()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the PostgreSQL probe")
def test_the_probe_reads_the_fingerprints_of_a_postgresql_database(db):
    """The fingerprints were committed when the test database was migrated: another session sees them."""
    database = dict(connection.settings_dict)

    assert database_keys_in_use(database) == set(DATA_KEYS)
    assert database_keys_in_use({**database, "NAME": "lianxin_no_such_database"}) == set()
