"""Ledgers that do not forget: tables whose rows may be added but never changed or removed.

Security events, case history and payments refuse UPDATE and DELETE in their services *and* in the
database, by triggers, so that no code path — a raw query, a careless shell, a bug — can rewrite
them. A model says it is one with ``append_only = {"what": "payments"}`` (the arguments its
migration gave ``append_only_operation``; ``append_only_models()`` finds them), and its migration
adds the triggers with ``append_only_operation(table, what=..., truncate=...)``. TRUNCATE is refused too on
PostgreSQL unless the migration says otherwise (SQLite has no TRUNCATE).

The SQL is generated here once; migrations call it, so keep the statements stable: a change would
not reach databases migrated before it.

SQLite has a third way to change a row: ``INSERT OR REPLACE`` / ``REPLACE`` deletes the row that holds
a key it inserts, and that implicit delete fires no DELETE trigger unless recursive triggers are on.
So (1) every SQLite connection of the project turns ``recursive_triggers`` on (settings), and (2) in
the database itself, whatever client connects, a BEFORE INSERT trigger refuses an insert whose primary
key or any other unique key already exists (``insert_guard_operation``, read from the table's unique
indexes when the migration runs: a later migration that adds a unique index must add the guard again).
Upserts (``ON CONFLICT DO UPDATE``) are UPDATEs and meet the update trigger on both databases.
"""

import re

from django.apps import apps
from django.db import migrations

_FUNCTION = """CREATE OR REPLACE FUNCTION lianxin_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"""


def statements(table: str, *, what: str, truncate: bool = True) -> dict[str, tuple[list[str], list[str]]]:
    """{vendor: (statements that add the guard, statements that remove it)}; ``what`` names the rows
    in the error message ("payments")."""
    sqlite_forward = [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END;""",
    ]
    sqlite_backward = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    postgres_forward = [
        _FUNCTION,
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION lianxin_refuse_change();""",
    ]
    postgres_backward = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]
    if truncate:
        postgres_forward.append(
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION lianxin_refuse_change();"""
        )
        postgres_backward.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    return {"sqlite": (sqlite_forward, sqlite_backward), "postgresql": (postgres_forward, postgres_backward)}


def _runner(table: str, what: str, truncate: bool, *, forward: bool):
    def run(apps, schema_editor):
        by_vendor = statements(table, what=what, truncate=truncate)
        adding, removing = by_vendor.get(schema_editor.connection.vendor, ([], []))
        for statement in adding if forward else removing:
            # params=None: the PL/pgSQL body's RAISE '%' is SQL, not a placeholder to interpolate.
            schema_editor.execute(statement, params=None)

    return run


def append_only_operation(table: str, *, what: str, truncate: bool = True) -> migrations.RunPython:
    """The migration operation that makes ``table`` append-only (reversible)."""
    return migrations.RunPython(
        _runner(table, what, truncate, forward=True), _runner(table, what, truncate, forward=False)
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_unique_keys(cursor, table: str) -> list[tuple[list[str], str]]:
    """The primary key and every unique index of ``table``: (columns, the partial index's predicate or "")."""
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    info = cursor.fetchall()
    primary = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
    keys: list[tuple[list[str], str]] = [(primary, "")] if primary else []
    cursor.execute(f"PRAGMA index_list({_quote(table)})")
    for _seq, name, unique, _origin, partial in cursor.fetchall():
        if not unique:
            continue
        cursor.execute(f"PRAGMA index_info({_quote(name)})")
        columns = [row[2] for row in cursor.fetchall()]
        if None in columns:
            # An expression index would need its expression here; none exists: say so loudly.
            raise ValueError(f"append-only guard of {table}: unique index {name} is on an expression")
        predicate = ""
        if partial:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
            sql = cursor.fetchone()[0]
            predicate = re.split(r"\sWHERE\s", sql, maxsplit=1, flags=re.IGNORECASE)[1]
        if (columns, predicate) not in keys:
            keys.append((columns, predicate))
    return keys


def _on_new_row(predicate: str, columns: set[str]) -> str:
    """A partial index's predicate about the row being inserted: its quoted column names read from NEW."""
    return re.sub(r'"(\w+)"', lambda m: f"NEW.{m.group(0)}" if m.group(1) in columns else m.group(0), predicate)


def insert_guard_statements(cursor, table: str, *, what: str) -> tuple[list[str], list[str]]:
    """SQLite: (add, remove) the trigger that refuses an INSERT whose key exists — the REPLACE route.

    A partial unique index conflicts only when both the stored row and the new one satisfy its predicate."""
    keys = sqlite_unique_keys(cursor, table)
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    all_columns = {row[1] for row in cursor.fetchall()}
    conditions = []
    for key, predicate in keys:
        match = " AND ".join(f"{_quote(c)} = NEW.{_quote(c)}" for c in key)
        if predicate:
            conditions.append(
                f"(({_on_new_row(predicate, all_columns)}) AND EXISTS (SELECT 1 FROM {_quote(table)} "
                f"WHERE {match} AND ({predicate})))"
            )
        else:
            conditions.append(f"EXISTS (SELECT 1 FROM {_quote(table)} WHERE {match})")
    exists = " OR ".join(conditions)
    add = [
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {exists}
        BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END;"""
    ]
    return add, [f"DROP TRIGGER IF EXISTS {table}_no_replace;"]


def _insert_guard_runner(table: str, what: str, *, forward: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            adding, removing = insert_guard_statements(cursor, table, what=what)
        for statement in removing + (adding if forward else []):
            schema_editor.execute(statement, params=None)

    return run


def insert_guard_operation(table: str, *, what: str) -> migrations.RunPython:
    """The migration operation that makes SQLite refuse REPLACE on ``table`` (a no-op elsewhere; reversible)."""
    return migrations.RunPython(
        _insert_guard_runner(table, what, forward=True), _insert_guard_runner(table, what, forward=False)
    )


def append_only_models() -> list:
    return [model for model in apps.get_models() if getattr(model, "append_only", False)]


def set_guard(connection, model, *, on: bool) -> None:
    """Remove the model's triggers, and with ``on`` put them back (tests that must empty the table)."""
    table = model._meta.db_table
    by_vendor = statements(table, **model.append_only)
    adding, removing = by_vendor.get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            guard_add, guard_remove = insert_guard_statements(cursor, table, what=model.append_only["what"])
            adding, removing = adding + guard_add, removing + guard_remove
        for statement in removing + (adding if on else []):
            cursor.execute(statement)
