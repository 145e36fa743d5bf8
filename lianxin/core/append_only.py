"""Ledgers that do not forget: tables whose rows may be added but never changed or removed.

Security events, case history and payments refuse UPDATE and DELETE in their services *and* in the
database, by triggers, so that no code path — a raw query, a careless shell, a bug — can rewrite
them. A model says it is one with ``append_only = {"what": "payments"}`` (the arguments its
migration gave ``append_only_operation``; ``append_only_models()`` finds them), and its migration
adds the triggers with ``append_only_operation(table, what=..., truncate=...)``. TRUNCATE is refused too on
PostgreSQL unless the migration says otherwise (SQLite has no TRUNCATE).

The SQL is generated here once; migrations call it, so keep the statements stable: a change would
not reach databases migrated before it.
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


def append_only_models() -> list:
    return [model for model in apps.get_models() if getattr(model, "append_only", False)]


def set_guard(connection, model, *, on: bool) -> None:
    """Remove the model's triggers, and with ``on`` put them back (tests that must empty the table)."""
    by_vendor = statements(model._meta.db_table, **model.append_only)
    adding, removing = by_vendor.get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for statement in removing + (adding if on else []):
            cursor.execute(statement)
