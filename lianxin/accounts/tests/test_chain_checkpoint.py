"""A chain that cannot be re-forged: keyed seals (SECURITY_EVENT_KEY, outside the database) and checkpoints of
every append-only ledger in a file outside the database. The intruder here has the database, not the key."""

import base64
import hashlib
import hmac
import json
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from lianxin.accounts import chain
from lianxin.accounts.checkpoint import checkpoint_read, checkpoint_verify, checkpoint_write
from lianxin.accounts.models import SecurityChainHead, SecurityEvent
from lianxin.accounts.services import security_event_record, security_events_verify
from lianxin.cases.models import CaseEvent
from lianxin.core.append_only import set_guard
from lianxin.core.tests.ledger_rows import ledger_rows
from lianxin.land.models import Payment


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.LIANXIN_CHECKPOINT_FILE = tmp_path / "checkpoints" / "ledger-checkpoints.jsonl"
    return settings.LIANXIN_CHECKPOINT_FILE


@pytest.fixture
def five_events(db) -> list[SecurityEvent]:
    return [
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username=name, ip_address="10.0.0.1")
        for name in ("甲", "乙", "丙", "丁", "戊")
    ]


@pytest.fixture
def rows(town, group_a1, household_a, person_a, working_group_member):
    return ledger_rows(town=town, group=group_a1, household=household_a, actor=working_group_member)


@contextmanager
def guard_lifted(*models):
    """What an intruder with database access does first: drop the append-only triggers (inside the test's transaction)."""
    for model in models:
        set_guard(connection, model, on=False)
    try:
        yield
    finally:
        for model in models:
            set_guard(connection, model, on=True)


def _verify() -> tuple[bool, str]:
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("verify_security_events", stdout=stdout, stderr=stderr)
    except CommandError:
        return False, stderr.getvalue()
    return True, stdout.getvalue()


def _forge_from(sequence: int, *, seal, **changes) -> None:
    """Edit one event and recompute every later seal with ``seal`` (what the intruder can compute)."""
    previous = SecurityEvent.objects.get(sequence=sequence - 1).hash if sequence > 1 else "0" * 64
    with guard_lifted(SecurityEvent):
        for event in SecurityEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
            if event.sequence == sequence:
                for name, value in changes.items():
                    setattr(event, name, value)
            event.previous_hash = previous
            event.hash = seal(event._payload())
            SecurityEvent.objects.filter(pk=event.pk).update(
                previous_hash=event.previous_hash, hash=event.hash, **changes if event.sequence == sequence else {}
            )
            previous = event.hash
        SecurityChainHead.objects.filter(pk=1).update(last_hash=previous)


# --- the keyed chain ------------------------------------------------------------------------------


def test_the_seal_needs_the_key(five_events, settings):
    event = five_events[0]
    key = base64.b64decode(settings.SECURITY_EVENT_KEY)

    assert event.hash == hmac.new(key, event._payload(), hashlib.sha256).hexdigest()
    assert event.hash != hashlib.sha256(event._payload()).hexdigest()


@pytest.mark.parametrize(
    "seal",
    [
        lambda payload: hashlib.sha256(payload).hexdigest(),  # the old, unkeyed scheme
        lambda payload: hmac.new(b"a guessed key", payload, hashlib.sha256).hexdigest(),
    ],
    ids=["sha256", "wrong-key"],
)
def test_a_row_forged_with_every_later_seal_recomputed_is_detected(five_events, seal):
    _forge_from(2, seal=seal, username="mallory")

    ok, report = _verify()

    assert not ok
    assert "第2条事件的内容被改动" in report


def test_the_whole_chain_rewritten_as_old_unkeyed_rows_is_detected(five_events):
    _forge_from(1, seal=lambda payload: hashlib.sha256(payload).hexdigest(), username="mallory")

    problems = security_events_verify()

    assert any("没有密钥签名" in p for p in problems)


# --- checkpoints ----------------------------------------------------------------------------------


def test_the_deleted_tail_with_the_head_rolled_back_is_detected(five_events, checkpoint_file):
    checkpoint_write(reason="daily")
    survivor = five_events[2]
    with guard_lifted(SecurityEvent):
        SecurityEvent.objects.filter(sequence__gt=survivor.sequence).delete()
        SecurityChainHead.objects.filter(pk=1).update(last_sequence=survivor.sequence, last_hash=survivor.hash)
    assert security_events_verify() == []  # what is left is an intact, shorter chain

    ok, report = _verify()

    assert not ok
    assert "安全事件链尾被回滚" in report
    assert f"记录到第{five_events[-1].sequence}条,现在只到第{survivor.sequence}条" in report


def test_an_intact_database_matches_its_checkpoint(rows, checkpoint_file):
    checkpoint_write(reason="daily")
    security_event_record(kind=SecurityEvent.Kind.LOGOUT, username="later")  # rows after a checkpoint are fine

    ok, report = _verify()

    assert ok, report
    assert "matches the checkpoint of" in report


def test_payments_and_case_history_are_covered_too(rows, checkpoint_file):
    line = checkpoint_write(reason="daily")

    assert line["state"]["ledgers"]["land_payment"]["count"] == Payment.objects.count() == 1
    assert line["state"]["ledgers"]["cases_caseevent"]["count"] == CaseEvent.objects.count() >= 1
    assert len(line["state"]["ledgers"]["land_payment"]["digest"]) == 64


def test_a_deleted_payment_is_detected(rows, checkpoint_file):
    checkpoint_write(reason="daily")
    with guard_lifted(Payment):
        Payment.objects.filter(pk=rows.payment.pk).delete()

    ok, report = _verify()

    assert not ok
    assert "兑付比" in report
    assert "记录被删除" in report


def test_a_payment_replaced_by_another_amount_is_detected(rows, checkpoint_file):
    checkpoint_write(reason="daily")
    with guard_lifted(Payment):
        Payment.objects.filter(pk=rows.payment.pk).update(amount=Decimal("1.00"))

    ok, report = _verify()

    assert not ok
    assert "兑付在" in report
    assert "摘要不符" in report


def test_deleted_case_history_is_detected(rows, checkpoint_file):
    checkpoint_write(reason="daily")
    with guard_lifted(CaseEvent):
        CaseEvent.objects.filter(pk=rows.case_event.pk).delete()

    ok, report = _verify()

    assert not ok
    assert "办理记录" in report


def test_the_checkpoint_file_is_append_only_and_sealed(five_events, checkpoint_file):
    checkpoint_write(reason="daily")
    checkpoint_write(reason="daily")
    checkpoint_write(reason="on demand")
    assert len(checkpoint_read()) == 3
    assert oct(checkpoint_file.stat().st_mode & 0o777) == "0o600"
    lines = checkpoint_file.read_text(encoding="utf-8").splitlines()

    # an intruder lowers the recorded head in the latest line
    edited = json.loads(lines[2])
    edited["state"]["security_events"]["last_sequence"] = 3
    checkpoint_file.write_text("\n".join([*lines[:2], json.dumps(edited)]) + "\n", encoding="utf-8")
    problems, _latest = checkpoint_verify()
    assert problems == ["检查点文件第3行被改动(签名不符)"]

    # or removes a line from the middle
    checkpoint_file.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    problems, _latest = checkpoint_verify()
    assert problems == ["检查点文件第2行之前的检查点被删除或改动"]


def test_the_command_writes_on_demand_and_exports_for_the_county(five_events, checkpoint_file, tmp_path):
    county = tmp_path / "county-copy.jsonl"
    out = StringIO()

    call_command("checkpoint_security_events", "--export", str(county), stdout=out)

    assert "5 security events, head #5" in out.getvalue()
    assert county.read_text(encoding="utf-8") == checkpoint_file.read_text(encoding="utf-8")
    assert checkpoint_read(county)[0]["reason"] == "on demand"


def test_the_county_copy_shows_a_local_checkpoint_file_cut_short(five_events, checkpoint_file, tmp_path):
    """Delete the tail of the chain *and* the checkpoint lines after it: the local file agrees, the county's copy does not."""
    checkpoint_write(reason="daily")
    before_attack = checkpoint_file.read_text(encoding="utf-8")
    security_event_record(kind=SecurityEvent.Kind.EXPORT, username="甲")
    checkpoint_write(reason="daily")
    county = tmp_path / "county.jsonl"
    call_command("checkpoint_security_events", "--export", str(county), stdout=StringIO())
    last_kept = SecurityEvent.objects.get(sequence=5)
    with guard_lifted(SecurityEvent):
        SecurityEvent.objects.filter(sequence__gt=5).delete()
        SecurityChainHead.objects.filter(pk=1).update(last_sequence=5, last_hash=last_kept.hash)
    checkpoint_file.write_text(before_attack, encoding="utf-8")

    assert _verify()[0] is True
    problems, _latest = checkpoint_verify(county)
    assert any("链尾被回滚" in p for p in problems)


def test_a_checkpoint_falls_due_daily_and_is_written_by_the_worker(
    five_events, checkpoint_file, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.delete("accounts:checkpoint-queued")
    with django_capture_on_commit_callbacks(execute=True):
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username="甲")
    assert len(checkpoint_read()) == 1  # none yet: due at once (the test settings run tasks inline)

    cache.delete("accounts:checkpoint-queued")
    with django_capture_on_commit_callbacks(execute=True):
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username="乙")
    assert len(checkpoint_read()) == 1  # the latest is not a day old
    cache.delete("accounts:checkpoint-queued")


# --- events from before the chain was keyed -------------------------------------------------------


def _legacy_events(n: int) -> None:
    previous = "0" * 64
    for sequence in range(1, n + 1):
        fields = {
            "sequence": sequence,
            "occurred_at": timezone.now(),
            "kind": SecurityEvent.Kind.LOGIN,
            "username": f"old{sequence}",
            "ip_address": None,
            "detail": {},
            "previous_hash": previous,
        }
        event = SecurityEvent(**fields)
        event.hash = event.compute_legacy_hash()
        event.save(force_insert=True)
        previous = event.hash
    SecurityChainHead.objects.update_or_create(pk=1, defaults={"last_sequence": n, "last_hash": previous})


def _migration():
    from importlib import import_module

    return import_module("lianxin.accounts.migrations.0005_security_event_keyed_chain")


def test_old_unkeyed_events_are_sealed_once_by_the_migration_and_then_verify(db):
    _legacy_events(3)
    assert security_events_verify() == ["最新的事件没有密钥签名:事件链可能被整体重写"]

    _migration().seal_legacy_rows(apps, None)
    security_event_record(kind=SecurityEvent.Kind.LOGIN, username="new")

    assert security_events_verify() == []
    keyed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.CHAIN_KEYED)
    assert keyed.sequence == 4
    assert keyed.detail["legacy_events"] == 3
    assert keyed.detail["legacy_head"] == SecurityEvent.objects.get(sequence=3).hash


def test_old_events_rewritten_after_the_migration_are_detected(db):
    _legacy_events(3)
    _migration().seal_legacy_rows(apps, None)
    sealed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.CHAIN_KEYED)

    # the intruder rewrites an old row and recomputes the old rows' plain hashes (all the old scheme needs)
    with guard_lifted(SecurityEvent):
        previous = SecurityEvent.objects.get(sequence=1).hash
        for event in SecurityEvent.objects.filter(sequence__in=[2, 3]).order_by("sequence"):
            event.username = "mallory" if event.sequence == 2 else event.username
            event.previous_hash = previous
            event.hash = event.compute_legacy_hash()
            SecurityEvent.objects.filter(pk=event.pk).update(
                username=event.username, previous_hash=previous, hash=event.hash
            )
            previous = event.hash

    problems = security_events_verify()

    assert f"第{sealed.sequence}条事件之前的记录被删除或改动(链接断开)" in problems


def test_an_empty_log_needs_no_sealing_event(db):
    _migration().seal_legacy_rows(apps, None)

    assert not SecurityEvent.objects.exists()


def test_chain_module_seal_is_keyed(settings):
    payload = b"x"
    first = chain.seal(payload)
    settings.SECURITY_EVENT_KEY = base64.b64encode(b"k" * 32).decode()

    assert chain.seal(payload) != first
