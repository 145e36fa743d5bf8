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


def sqlite_unique_keys(cursor, table: str) -> list[list[str]]:
    """The primary key and every unique index of ``table``, as column lists (SQLite's catalogue)."""
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    primary = [row[1] for row in sorted(cursor.fetchall(), key=lambda row: row[5]) if row[5]]
    keys = [primary] if primary else []
    cursor.execute(f"PRAGMA index_list({_quote(table)})")
    for _seq, name, unique, _origin, partial in cursor.fetchall():
        if not unique:
            continue
        cursor.execute(f"PRAGMA index_info({_quote(name)})")
        columns = [row[2] for row in cursor.fetchall()]
        if partial or None in columns:
            # A partial or expression index would need its predicate here; none exists yet: say so loudly.
            raise ValueError(f"append-only guard of {table}: unique index {name} is partial or on an expression")
        if columns not in keys:
            keys.append(columns)
    return keys


def insert_guard_statements(cursor, table: str, *, what: str) -> tuple[list[str], list[str]]:
    """SQLite: (add, remove) the trigger that refuses an INSERT whose key exists — the REPLACE route."""
    keys = sqlite_unique_keys(cursor, table)
    exists = " OR ".join(
        f"EXISTS (SELECT 1 FROM {_quote(table)} WHERE "
        + " AND ".join(f"{_quote(c)} = NEW.{_quote(c)}" for c in key)
        + ")"
        for key in keys
    )
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
