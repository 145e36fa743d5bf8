"""insert_rows: plain rows in one statement, and the ids they got without reading them back."""

import datetime as dt

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from lianxin.core.models import Holiday
from lianxin.core.sql import insert_rows

pytestmark = pytest.mark.django_db

FIELDS = ("created_at", "updated_at", "date", "is_workday", "name")


def _rows(start: dt.date, n: int) -> list[tuple]:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [
        (now, now, connection.ops.adapt_datefield_value(start + dt.timedelta(days=i)), False, f"假{i}")
        for i in range(n)
    ]


def test_the_ids_returned_are_those_the_rows_got_in_order():
    Holiday.objects.create(date=dt.date(2030, 1, 1), name="先有的")
    with transaction.atomic():
        first = insert_rows(Holiday, FIELDS, _rows(dt.date(2031, 1, 1), 5), new_ids=True)
        second = insert_rows(Holiday, FIELDS, iter(_rows(dt.date(2032, 1, 1), 3)), new_ids=True)

    stored = dict(Holiday.objects.values_list("pk", "name"))
    assert [stored[pk] for pk in first] == ["假0", "假1", "假2", "假3", "假4"]
    assert [stored[pk] for pk in second] == ["假0", "假1", "假2"]
    assert Holiday.objects.get(pk=second[0]).date == dt.date(2032, 1, 1)
    assert len(set(first) | set(second)) == 8
    # The model's own inserts carry on after them.
    assert Holiday.objects.create(date=dt.date(2033, 1, 1), name="后来的").pk > max(second)


def test_without_new_ids_nothing_is_returned_and_an_empty_insert_is_harmless():
    with transaction.atomic():
        assert insert_rows(Holiday, FIELDS, _rows(dt.date(2031, 1, 1), 2)) == []
        assert insert_rows(Holiday, FIELDS, [], new_ids=True) == []
    assert Holiday.objects.count() == 2


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite numbers the rows inside the write transaction")
def test_sqlite_refuses_to_infer_ids_outside_a_transaction(monkeypatch):
    # In autocommit, each row of executemany is its own transaction: another writer could interleave.
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)  # as outside the test's own transaction
    with pytest.raises(RuntimeError):
        insert_rows(Holiday, FIELDS, _rows(dt.date(2031, 1, 1), 2), new_ids=True)
    assert not Holiday.objects.exists()
