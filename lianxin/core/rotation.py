"""Key rotation (密钥轮换, docs/decisions/0015): every ciphertext re-encrypted and every blind index
recomputed under the keys configured now, in batches, resumable, while the site runs.

The columns are found by their field class (``crypto.EncryptedField``, ``crypto.BlindIndexField``) in
every installed model. A batch of ``batch_size`` rows, by primary key, is locked (SELECT … FOR UPDATE on
PostgreSQL; SQLite's write transaction excludes other writers), rewritten where it is not under the
current keys yet, and its progress (``KeyRotationProgress``) saved in the same transaction: a rerun
resumes after the last committed batch, and an edit made meanwhile is never overwritten with the
value read before it.

Append-only ledgers (payments' bank accounts) are not rewritten: a payment row never changes (its
triggers refuse it and the checkpoints hash its bytes), so its ciphertext stays under the key that
sealed it, which must stay configured as a retired key (``retired_still_needed`` counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from . import crypto, keys
from .models import KeyFingerprint, KeyRotationProgress


@dataclass
class Target:
    model: type
    encrypted: list  # EncryptedField
    indexes: list  # BlindIndexField

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def append_only(self) -> bool:
        return bool(getattr(self.model, "append_only", None))


@dataclass
class Outcome:
    label: str
    rows_seen: int = 0
    rows_changed: int = 0
    batches: int = 0
    finished: bool = False
    skipped: str = ""
    details: list[str] = field(default_factory=list)


def targets() -> list[Target]:
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        encrypted = [f for f in fields if isinstance(f, crypto.EncryptedField)]
        indexes = [f for f in fields if isinstance(f, crypto.BlindIndexField)]
        if encrypted or indexes:
            found.append(Target(model, encrypted, indexes))
    return sorted(found, key=lambda t: t.label)


def target_id() -> str:
    """Names the keys a finished rotation leaves everything under (a change restarts the walk)."""
    return f"v{crypto.key_version()}:{keys.fingerprint('FIELD_ENCRYPTION_KEY')[:12]}:{keys.fingerprint('BLIND_INDEX_KEY')[:12]}"


def _rewrite(target: Target, row) -> list[str]:
    """The fields of ``row`` set anew under the current keys (the row is changed in place)."""
    changed = []
    version = crypto.key_version()
    clear: dict[str, str | None] = {}
    for f in target.encrypted:
        token = getattr(row, f.attname)
        if token is None:
            clear[f.name] = None
            continue
        value = crypto.decrypt(bytes(token), purpose=f.purpose)
        clear[f.name] = value
        if crypto.token_version(token) != version:
            setattr(row, f.attname, crypto.encrypt(value, purpose=f.purpose))
            changed.append(f.attname)
    for f in target.indexes:
        value = clear.get(f.source)
        if value is None:
            continue
        digest = crypto.blind_index(value, purpose=f.purpose)
        if getattr(row, f.attname) != digest:
            setattr(row, f.attname, digest)
            changed.append(f.attname)
    return changed


def _rows_under_retired_keys(target: Target) -> int:
    version = crypto.key_version()
    count = 0
    names = [f.attname for f in target.encrypted]
    for values in target.model._default_manager.values_list(*names).iterator(chunk_size=2000):
        if any(v is not None and crypto.token_version(v) != version for v in values):
            count += 1
    return count


def rotate(*, batch_size: int = 500, max_batches: int | None = None, dry_run: bool = False, log=None) -> list[Outcome]:
    """Walk every target; ``max_batches`` stops after that many batches in all (a rerun resumes)."""
    log = log or (lambda message: None)
    goal = target_id()
    outcomes, batches_left = [], max_batches
    for target in targets():
        outcome = Outcome(target.label)
        outcomes.append(outcome)
        if target.append_only:
            outcome.skipped = "append-only"
            outcome.rows_seen = _rows_under_retired_keys(target)
            continue
        progress, _created = KeyRotationProgress.objects.get_or_create(model=target.label, defaults={"target": goal})
        if progress.target != goal:  # other keys than the walk recorded: start again
            progress.target, progress.last_pk, progress.rows_changed, progress.finished_at = goal, 0, 0, None
            if not dry_run:
                progress.save()
        if progress.finished_at is not None:
            outcome.finished = True
            continue
        last_pk = progress.last_pk
        manager = target.model._default_manager
        names = [target.model._meta.pk.attname] + [f.attname for f in target.encrypted + target.indexes]
        while True:
            if batches_left is not None and batches_left <= 0:
                break
            with transaction.atomic():
                query = manager.filter(pk__gt=last_pk).order_by("pk").only(*names)
                if not dry_run:
                    query = query.select_for_update()
                rows = list(query[:batch_size])
                if not rows:
                    outcome.finished = True
                    if not dry_run:
                        progress.finished_at = timezone.now()
                        progress.save()
                    break
                to_update, fields = [], set()
                for row in rows:
                    changed = _rewrite(target, row)
                    if changed:
                        to_update.append(row)
                        fields.update(changed)
                if to_update and not dry_run:
                    manager.bulk_update(to_update, sorted(fields))
                last_pk = rows[-1].pk
                outcome.rows_seen += len(rows)
                outcome.rows_changed += len(to_update)
                outcome.batches += 1
                if not dry_run:
                    progress.last_pk, progress.rows_changed = last_pk, progress.rows_changed + len(to_update)
                    progress.save()
            if batches_left is not None:
                batches_left -= 1
            log(f"{target.label}: up to id {last_pk}, {outcome.rows_changed} rows rewritten")
    if not dry_run and all(o.finished or o.skipped for o in outcomes):
        for name in ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"):
            KeyFingerprint.objects.update_or_create(name=name, defaults={"fingerprint": keys.fingerprint(name)})
    return outcomes


def retired_still_needed() -> dict[str, int]:
    """{model: rows} whose ciphertexts are still under a retired key (after a finished walk: the
    append-only ledgers only)."""
    needed = {}
    for target in targets():
        if target.encrypted:
            count = _rows_under_retired_keys(target)
            if count:
                needed[target.label] = count
    return needed
