"""Imports at once on the embedded SQLite database (a file, WAL, busy_timeout, IMMEDIATE transactions): none
fails with "database is locked", each commits whole (issue 16).

The database is a file migrated by a process of its own (the tests' in-memory database cannot be shared with
other processes), written to by three ``import_ledger`` processes started together."""

import base64
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from django.db import connection

from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

BASE_DIR = Path(__file__).resolve().parents[3]
ROWS = 1500


def _ledger(path: Path, *, first_birth: date) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["村委会", "村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "民族"])
    for i in range(ROWS):
        number = resident_id(birth=first_birth + timedelta(days=i), sequence=i % 400)
        ws.write_row(i + 1, 0, ["甲马石村", "甲马石一组", f"{path.stem}-{i:05d}", "王小明", number, "户主", "汉族"])
    wb.close()
    return path


# Run in the file database: the township's tree and a village cadre, as the tests' named cast has them.
SETUP = """
import django
django.setup()
from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create
from lianxin.regions.tests import factories
town = factories.township(factories.county(), "示例镇")
village = factories.village(town, "甲马石村")
factories.village_group(village, "甲马石一组")
user, _password = user_create(username="clerk", full_name="clerk", role=Role.VILLAGE_CADRE, password="Lianxin-2026",
                              scope_region=village)
"""


@pytest.fixture
def file_database(tmp_path):
    """A new SQLite file database, migrated by ``manage.py migrate`` in its own process; nothing in it yet."""
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database only")
    path = tmp_path / "lianxin.sqlite3"
    migrate = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=_env(path, tmp_path / "var"),
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr[-1500:]
    return path


def _env(database: Path, var: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "LIANXIN_VAR_DIR": str(var),
        # the test settings' keys (the database's fingerprints are theirs): never generated here
        "SECRET_KEY": "test-only",
        "FIELD_ENCRYPTION_KEY": base64.b64encode(b"t" * 32).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(b"b" * 32).decode(),
        "SECURITY_EVENT_KEY": base64.b64encode(b"s" * 32).decode(),
    }


def test_three_imports_at_once_on_a_file_database_all_commit(file_database, tmp_path):
    # given a township with a village cadre, and three ledgers of 1,500 new people each
    env = _env(file_database, tmp_path / "var")
    setup = subprocess.run([sys.executable, "-c", SETUP], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr[-1500:]
    first = _ledger(tmp_path / "first.xlsx", first_birth=date(1950, 1, 1))
    second = _ledger(tmp_path / "second.xlsx", first_birth=date(1960, 1, 1))
    third = _ledger(tmp_path / "third.xlsx", first_birth=date(1970, 1, 1))

    # when all three are imported at the same time by three processes
    command = [sys.executable, str(BASE_DIR / "manage.py"), "import_ledger", "persons"]
    running = [
        subprocess.Popen(
            [*command, str(path), "--user", "clerk"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second, third)
    ]
    results = [(process.wait(timeout=600), *process.communicate()) for process in running]

    # then each committed every row, and nothing was locked out
    for code, out, err in results:
        assert "locked" not in out + err
        assert code == 0, err[-600:]
    with sqlite3.connect(file_database) as db:
        (count,) = db.execute(f"SELECT COUNT(*) FROM {Person._meta.db_table}").fetchone()
    assert count == 3 * ROWS
