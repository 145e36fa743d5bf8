"""Small SQL helpers the ORM lacks."""

import json
from collections.abc import Iterable

from django.db import connections, router
from django.db.models.expressions import RawSQL


def any_of(values: list, *, using: str = "default", integers: bool = False) -> RawSQL:
    """A subquery of ``values`` bound as ONE parameter, for ``filter(field__in=any_of(values))``.

    An ``__in`` list of 2,000 values costs Django about as long to compile (a placeholder and a
    conversion per value) as the database takes to answer; one array (PostgreSQL) or one JSON text
    (SQLite's json_each) costs nothing, and the database still uses the column's index."""
    if connections[using].vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{'bigint' if integers else 'text'}[])", [list(values)])  # nosec B611  # constant SQL per vendor; the values travel as one bound parameter
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])


def insert_rows(model, fields: tuple[str, ...], rows: Iterable[tuple], *, new_ids: bool = False) -> list[int]:
    """Insert ``rows`` (tuples of ``fields`` of ``model``, values already adapted for the database) in
    one statement, without a model instance per row: COPY on PostgreSQL (executemany there sends,
    parses and plans one INSERT per row), executemany of one prepared INSERT elsewhere.

    With ``new_ids``, returns the ids the rows got, in order, without reading them back: PostgreSQL
    takes them from the table's sequence first and copies them in; SQLite numbers the rows of one
    statement consecutively inside the write transaction (which excludes other writers), up to
    last_insert_rowid(), and a count over that id range confirms it."""
    connection = connections[router.db_for_write(model)]
    quote, meta = connection.ops.quote_name, model._meta
    table = quote(meta.db_table)
    columns = [quote(meta.get_field(name).column) for name in fields]
    pk = quote(meta.pk.column)
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if new_ids:
                rows = list(rows)
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                ids = [pk_value for (pk_value,) in cursor.fetchall()]
                rows = ((pk_value, *row) for pk_value, row in zip(ids, rows, strict=True))
                columns.insert(0, pk)
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return ids
        if not connection.in_atomic_block and new_ids:
            raise RuntimeError("insert_rows(new_ids=True) needs a transaction")
        # identifiers from the model's _meta, quoted; the values are bound parameters
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(fields))})"  # nosec B608
        cursor.executemany(insert, rows)
        if new_ids and cursor.rowcount:
            count = cursor.rowcount
            cursor.execute("SELECT last_insert_rowid()")
            (last,) = cursor.fetchone()
            ids = list(range(last - count + 1, last + 1))
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {pk} BETWEEN %s AND %s", [ids[0], last])  # nosec B608  # identifiers from the model's _meta, quoted; values bound
            if cursor.fetchone()[0] != count:
                raise RuntimeError(f"{meta.db_table}: the ids of the rows just inserted are not consecutive")
    return ids
