"""Security events (安全事件) are append-only and hash-chained: the database refuses edits, the verifier finds them."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lianxin.accounts.models import SecurityChainHead, SecurityEvent
from lianxin.accounts.services import security_event_record, security_events_verify
from lianxin.core.append_only import set_guard

TABLE = "accounts_securityevent"


@pytest.fixture
def three_events(db) -> list[SecurityEvent]:
    return [
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username="甲", ip_address="10.0.0.1"),
        security_event_record(kind=SecurityEvent.Kind.ID_REVEAL, username="乙", detail={"object_id": 7}),
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, username="甲"),
    ]


@contextmanager
def append_only_lifted():
    """What an intruder with database access would do first: switch the triggers off (inside the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {TABLE}_no_update")
            cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only")
        else:  # pragma: no cover
            pytest.skip(f"no append-only trigger on {connection.vendor}")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            set_guard(connection, SecurityEvent, on=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_append_only")


def _verify_broken() -> tuple[CommandError, str]:
    """Run the check as cron would; it must fail. Returns the error and the report written to stderr."""
    stderr = StringIO()
    with pytest.raises(CommandError) as broken:
        call_command("verify_security_events", stdout=StringIO(), stderr=stderr)
    return broken.value, stderr.getvalue()


# --- the chain ----------------------------------------------------------------------------


def test_each_event_seals_the_one_before(three_events):
    first, second, third = three_events

    assert second.sequence == first.sequence + 1
    assert third.sequence == second.sequence + 1
    assert (second.previous_hash, third.previous_hash) == (first.hash, second.hash)
    assert all(e.hash == e.compute_hash() for e in SecurityEvent.objects.all())
    head = SecurityChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (third.sequence, third.hash)


def test_untouched_chain_verifies_clean(three_events):
    stdout = StringIO()

    call_command("verify_security_events", stdout=stdout, stderr=StringIO())

    assert security_events_verify() == []
    assert "chain intact" in stdout.getvalue()
    assert f"{SecurityEvent.objects.count()} security events" in stdout.getvalue()


def test_empty_log_verifies_clean(db):
    assert security_events_verify() == []


def test_failed_login_is_recorded_with_the_typed_name_and_client_address(client, village_a_clerk):
    client.post("/accounts/login/", {"username": "village_a_clerk", "password": "wrong"}, REMOTE_ADDR="10.4.4.4")

    failed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert (failed.username, failed.ip_address) == ("village_a_clerk", "10.4.4.4")
    assert "wrong" not in str(failed.detail)


# --- the database refuses edits -----------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET detail = '{{}}'",
        f"UPDATE {TABLE} SET username = 'someone_else' WHERE sequence = 1",
        f"DELETE FROM {TABLE}",
        f"DELETE FROM {TABLE} WHERE sequence = 2",
    ],
    ids=["update-all", "update-one", "delete-all", "delete-one"],
)
def test_database_refuses_to_change_security_events(three_events, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    assert SecurityEvent.objects.count() == 3
    assert security_events_verify() == []


def test_database_refuses_orm_updates_and_deletes_too(three_events):
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=three_events[0].pk).update(username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        three_events[1].delete()

    assert list(SecurityEvent.objects.values_list("username", flat=True).order_by("sequence")) == ["甲", "乙", "甲"]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE triggers exist on PostgreSQL only")
def test_postgres_refuses_truncate(three_events):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")


# --- the verifier finds what got past the triggers ----------------------------------------


def test_verifier_names_an_edited_row(three_events):
    second = three_events[1]
    with append_only_lifted():
        SecurityEvent.objects.filter(pk=second.pk).update(detail={"object_id": 8})

    error, report = _verify_broken()

    assert "1 problem" in str(error)
    assert f"第{second.sequence}条事件的内容被改动" in report


def test_verifier_names_the_next_link_when_an_edited_row_was_rehashed(three_events):
    first, second, third = three_events
    with append_only_lifted():
        forged = SecurityEvent.objects.get(pk=second.pk)
        forged.username = "丙"
        SecurityEvent.objects.filter(pk=second.pk).update(username="丙", hash=forged.compute_hash())

    _error, report = _verify_broken()

    assert f"第{third.sequence}条事件之前的记录被删除或改动" in report


def test_verifier_names_the_row_after_a_deleted_middle_row(three_events):
    first, second, third = three_events
    with append_only_lifted():
        SecurityEvent.objects.filter(pk=second.pk).delete()

    _error, report = _verify_broken()

    assert f"第{third.sequence}条事件之前的记录被删除或改动" in report


def test_verifier_notices_a_deleted_last_row(three_events):
    third = three_events[2]
    with append_only_lifted():
        SecurityEvent.objects.filter(pk=third.pk).delete()

    _error, report = _verify_broken()

    assert f"最新的事件记录被删除或改动(链尾应为第{third.sequence}条)" in report


def test_triggers_are_back_after_the_tampering_helper(three_events):
    with append_only_lifted():
        pass

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
