"""Checkpoints (检查点): the state of the append-only ledgers, anchored outside the database.

A keyed chain shows any row that was changed, but not the newest rows deleted with the chain's head
rolled back to the survivor: what is left is a shorter, intact chain. So at least daily, and on demand
(``manage.py checkpoint_security_events``), one line is appended to a file under the var directory
(``LIANXIN_CHECKPOINT_FILE``, opened append-only, mode 0600) holding

- the security events: count, last sequence number and its seal (the head);
- every other append-only ledger (payments, case history — ``core.append_only``): row count, last id,
  and a running SHA-256 over all rows up to it in id order;

each line sealed with SECURITY_EVENT_KEY and carrying the seal of the line before, so a line cannot
be edited or removed from the middle. ``verify_security_events`` checks the database against the latest
line: a head that is gone or changed, fewer rows, or rows up to the checkpoint's last id that no longer
hash to its digest. The file is exported for the county (``--export``): a copy the township's own
administrator cannot change is what also shows a file truncated after the fact.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.append_only import append_only_models

from . import chain
from .models import SecurityEvent


class CheckpointFileBroken(Exception):
    pass


def checkpoint_path() -> Path | None:
    value = getattr(settings, "LIANXIN_CHECKPOINT_FILE", None)
    return Path(value) if value else None


def _canonical(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value if isinstance(value, int | float | bool | type(None) | dict | list) else str(value)


def _table_state(model, *, up_to_id: int | None = None) -> dict:
    """Row count, last id and running digest of a ledger's rows (up to ``up_to_id`` if given)."""
    names = [f.attname for f in model._meta.concrete_fields]
    qs = model._default_manager.order_by("pk")
    if up_to_id is not None:
        qs = qs.filter(pk__lte=up_to_id)
    digest, count, last_id = hashlib.sha256(), 0, 0
    for row in qs.values_list(*names).iterator(chunk_size=5000):
        digest.update(json.dumps([_canonical(v) for v in row], sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
        count, last_id = count + 1, row[names.index(model._meta.pk.attname)]
    return {"count": count, "last_id": last_id, "digest": digest.hexdigest()}


def _ledgers() -> list:
    return sorted((m for m in append_only_models() if m is not SecurityEvent), key=lambda m: m._meta.db_table)


def ledger_state() -> dict:
    head = SecurityEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    return {
        "security_events": {
            "count": SecurityEvent.objects.count(),
            "last_sequence": head["sequence"] if head else 0,
            "head": head["hash"] if head else "",
        },
        "ledgers": {model._meta.db_table: _table_state(model) for model in _ledgers()},
    }


def _line_mac(entry: dict) -> str:
    return chain.mac(json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())


def checkpoint_read(path: Path | None = None) -> list[dict]:
    """Every checkpoint in the file, oldest first; raises CheckpointFileBroken naming the first bad line."""
    path = path or checkpoint_path()
    if path is None or not path.exists():
        return []
    entries, previous = [], ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            seal = entry["mac"]
            body = {k: v for k, v in entry.items() if k != "mac"}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CheckpointFileBroken(_("检查点文件第%(n)d行无法读取") % {"n": number}) from exc
        if seal != _line_mac(body):
            raise CheckpointFileBroken(_("检查点文件第%(n)d行被改动(签名不符)") % {"n": number})
        if entry.get("previous_mac", "") != previous:
            raise CheckpointFileBroken(_("检查点文件第%(n)d行之前的检查点被删除或改动") % {"n": number})
        previous = seal
        entries.append(entry)
    return entries


def checkpoint_write(*, reason: str = "scheduled", path: Path | None = None) -> dict:
    """Append the current state as one sealed line (creating the file, mode 0600)."""
    path = path or checkpoint_path()
    if path is None:
        raise CheckpointFileBroken(_("未配置检查点文件(LIANXIN_CHECKPOINT_FILE)"))
    existing = checkpoint_read(path)
    entry = {
        "written_at": timezone.now().isoformat(timespec="seconds"),
        "reason": reason,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "state": ledger_state(),
        "previous_mac": existing[-1]["mac"] if existing else "",
    }
    line = {**entry, "mac": _line_mac(entry)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return line


def checkpoint_verify(path: Path | None = None) -> tuple[list[str], dict | None]:
    """(problems, latest checkpoint): the database against the latest checkpoint of the file."""
    try:
        entries = checkpoint_read(path)
    except CheckpointFileBroken as exc:
        return [str(exc)], None
    if not entries:
        return [], None
    latest = entries[-1]
    problems: list[str] = []
    events = latest["state"]["security_events"]
    if events["last_sequence"]:
        current_last = SecurityEvent.objects.aggregate(m=Max("sequence"))["m"] or 0
        anchored = SecurityEvent.objects.filter(sequence=events["last_sequence"]).values_list("hash", flat=True).first()
        if current_last < events["last_sequence"]:
            problems.append(
                _("安全事件链尾被回滚:%(when)s的检查点记录到第%(n)d条,现在只到第%(m)d条")
                % {"when": latest["written_at"], "n": events["last_sequence"], "m": current_last}
            )
        elif anchored != events["head"]:
            problems.append(
                _("安全事件第%(n)d条与%(when)s的检查点不符(被删除或改动)")
                % {"n": events["last_sequence"], "when": latest["written_at"]}
            )
    if SecurityEvent.objects.count() < events["count"]:
        problems.append(
            _("安全事件比%(when)s的检查点少(%(then)d条,现在%(now)d条)")
            % {"when": latest["written_at"], "then": events["count"], "now": SecurityEvent.objects.count()}
        )
    tables = {model._meta.db_table: model for model in _ledgers()}
    for table, recorded in latest["state"]["ledgers"].items():
        model = tables.get(table)
        if model is None:
            continue
        label = str(model._meta.verbose_name)
        now = _table_state(model, up_to_id=recorded["last_id"])
        if now["count"] < recorded["count"]:
            problems.append(
                _("%(what)s比%(when)s的检查点少(%(then)d条,现在%(now)d条):记录被删除")
                % {"what": label, "when": latest["written_at"], "then": recorded["count"], "now": now["count"]}
            )
        elif now["digest"] != recorded["digest"]:
            problems.append(
                _("%(what)s在%(when)s的检查点之前的记录被改动或替换(摘要不符)")
                % {"what": label, "when": latest["written_at"]}
            )
    return problems, latest


def checkpoint_due(now: datetime | None = None) -> bool:
    """No checkpoint yet, or the latest is older than ``LIANXIN_CHECKPOINT_INTERVAL_HOURS`` (file time: cheap)."""
    path = checkpoint_path()
    if path is None:
        return False
    try:
        written = path.stat().st_mtime
    except FileNotFoundError:
        return True
    now = now or timezone.now()
    return now.timestamp() - written >= timedelta(hours=settings.LIANXIN_CHECKPOINT_INTERVAL_HOURS).total_seconds()


def checkpoint_export(out: Path, path: Path | None = None) -> int:
    """Copy the whole checkpoint file for the county (after checking it); returns the number of checkpoints."""
    path = path or checkpoint_path()
    entries = checkpoint_read(path)
    out.write_text(path.read_text(encoding="utf-8") if entries else "", encoding="utf-8")
    return len(entries)
