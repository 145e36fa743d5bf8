"""Payments, case history and security events are append-only in the database itself: every statement that
would change or remove a row is refused, including SQLite's REPLACE (a delete and an insert, which fires
no delete trigger unless recursive triggers are on) and upserts."""

import pytest
from django.db import DatabaseError, connection, transaction

from lianxin.core.append_only import append_only_models
from lianxin.core.tests.ledger_rows import ledger_rows

# The column each attack rewrites, and the forged value.
FORGED = {
    "land_payment": ("amount", "999999.00"),
    "cases_caseevent": ("reason", "'已调解,双方满意'"),
    "accounts_securityevent": ("username", "'mallory'"),
    "party_organizationchange": ("description", "'从未成立'"),
    "party_membershiptransfer": ("reason", "'伪造的转出'"),
    "party_duespayment": ("amount", "0.01"),
    "livelihood_placementevent": ("note", "'伪造的录用'"),
}


@pytest.fixture
def rows(town, group_a1, household_a, person_a, working_group_member):
    return ledger_rows(town=town, group=group_a1, household=household_a, actor=working_group_member).by_table()


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _q(column: str) -> str:
    return connection.ops.quote_name(column)  # a column may be a keyword ("on")


def _snapshot(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        return cursor.fetchall()


def _statements(table: str, pk: int) -> dict[str, str]:
    column, value = FORGED[table]
    columns = _columns(table)
    names = ", ".join(_q(c) for c in columns)
    forged = ", ".join(value if c == column else _q(c) for c in columns)
    select = f"SELECT {forged} FROM {table} WHERE id = {pk}"
    statements = {
        "update": f"UPDATE {table} SET {column} = {value} WHERE id = {pk}",
        "delete": f"DELETE FROM {table} WHERE id = {pk}",
        "upsert": f"INSERT INTO {table} ({names}) {select} ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}",
    }
    if connection.vendor == "sqlite":
        statements["insert-or-replace"] = f"INSERT OR REPLACE INTO {table} ({names}) {select}"
        statements["replace"] = f"REPLACE INTO {table} ({names}) {select}"
    if connection.vendor == "postgresql":
        statements["truncate"] = f"TRUNCATE {table} CASCADE"
    return statements


ATTACKS = ["update", "delete", "upsert", "insert-or-replace", "replace", "truncate"]


def test_every_append_only_table_is_covered():
    assert {m._meta.db_table for m in append_only_models()} == set(FORGED)


@pytest.mark.parametrize("table", sorted(FORGED))
@pytest.mark.parametrize("attack", ATTACKS)
def test_database_refuses_every_way_of_changing_a_ledger_row(rows, table, attack):
    statements = _statements(table, rows[table].pk)
    if attack not in statements:
        pytest.skip(f"{attack} does not exist on {connection.vendor}")
    before = _snapshot(table)
    if attack == "truncate":  # fire the deferred foreign-key checks of the rows just written, so they are not pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statements[attack])

    assert _snapshot(table) == before


@pytest.fixture
def recursive_triggers_off():
    """A client that never turned recursive triggers on (the sqlite3 shell): only the insert trigger stands."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers = OFF")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers = ON")


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="REPLACE exists on SQLite only")
@pytest.mark.parametrize("table", sorted(FORGED))
def test_replace_on_any_unique_key_is_refused_by_the_database_itself(rows, recursive_triggers_off, table):
    """REPLACE deletes whichever row holds a unique value it inserts: the same id, or a new id with an old
    sequence number or hash, would silently remove the row. The table's own trigger refuses each."""
    from lianxin.core.append_only import sqlite_unique_keys

    row, (column, value) = rows[table], FORGED[table]
    columns = _columns(table)
    with connection.cursor() as cursor:
        keys = sqlite_unique_keys(cursor, table)
        cursor.execute(f"SELECT {', '.join(_q(c) for c in columns)} FROM {table} WHERE id = {row.pk}")
        stored = dict(zip(columns, cursor.fetchone(), strict=True))
    before = _snapshot(table)
    tried = 0
    for key, _predicate in keys:
        if any(stored[c] is None for c in key):
            continue  # NULL never conflicts
        # A new row that repeats only this key (a fresh id unless the key is the id).
        values = ", ".join(
            value if c == column else (_q(c) if c in key or c != "id" else str(row.pk + 10_000)) for c in columns
        )
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"REPLACE INTO {table} ({', '.join(_q(c) for c in columns)}) SELECT {values} FROM {table} WHERE id = {row.pk}"
            )
        tried += 1

    assert tried == len([k for k, _p in keys if all(stored[c] is not None for c in k)]) >= 1
    assert _snapshot(table) == before


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="a setting of SQLite connections")
def test_every_sqlite_connection_fires_delete_triggers_on_replace(db):
    """Belt and braces: with recursive triggers on, REPLACE's implicit delete meets the delete trigger too,
    whatever unique index a later migration adds."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        assert cursor.fetchone()[0] == 1


def test_an_ordinary_insert_still_works(rows):
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.services import security_event_record

    security_event_record(kind=SecurityEvent.Kind.LOGOUT, username="someone")

    assert SecurityEvent.objects.filter(username="someone").exists()
