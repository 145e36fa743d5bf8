"""The rows a dry run has checked, kept for the commit that follows (暂存).

A dry run reads the file, normalises every cell and prepares every row; the commit that follows
the clerk's confirmation need not do it all again. So the dry run writes the prepared rows, chunk
by chunk, to a stage next to the uploaded file, and the commit applies the stage: it looks up the
stored records and classifies every row again (the database may have changed meanwhile) and
writes, but does not read or normalise the file a second time.

A stage is used only when it still describes what a fresh pass would prepare: the same batch,
file checksum, importer, role and scope, the same remembered header mappings, the same code (the
ledger's module and this one: a deployment between the dry run and the commit may change what a
prepared row holds), and no change to the tables the ledger's ``prepare`` looks rows up in
(``Ledger.reads``: their row count and latest ``updated_at``/id). It expires after ``LIANXIN_IMPORT_STAGE_MAX_AGE`` seconds. Otherwise — or if it
is missing, truncated or tampered with — the commit falls back to a full pass over the file.

Prepared rows hold personal data (resident IDs in clear, before encryption), so every record of the
stage is sealed with AES-256-GCM (``core.crypto.seal``) and bound to its batch and position: a
record cannot be altered, moved or taken from another stage. The stage is removed after the commit.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import pickle
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count, Max

from lianxin.core import crypto

from .ledger import Context, Ledger

STAGE_DIR = "imports/stage"
_LENGTH = struct.Struct(">I")
_END = "end"


def stage_name(batch_pk: int) -> str:
    return f"{STAGE_DIR}/{batch_pk}.stage"


def _purpose(batch_pk: int, index: int) -> str:
    return f"import-stage:{batch_pk}:{index}"


@functools.cache
def code_version(module_name: str) -> str:
    """A digest of a module's source, read once per process."""
    return hashlib.sha256(inspect.getsource(sys.modules[module_name]).encode()).hexdigest()


def fingerprint(ledger: Ledger, ctx: Context, remembered: dict[str, str]) -> str:
    """What the prepared rows depend on besides the file; a stage with another fingerprint is stale."""
    user = ctx.user
    parts: list[Any] = [
        ledger.key,
        ctx.batch.checksum if ctx.batch is not None else "",
        user.pk,
        getattr(user, "role", ""),
        getattr(user, "scope_region_id", None),
        getattr(user, "scope_enterprise_id", None),
        sorted(remembered.items()),
        sorted(ctx.options.items()),
        code_version(type(ledger).__module__),
        code_version(__name__),
    ]
    for label in ledger.reads:
        model = apps.get_model(label)
        latest = "updated_at" if any(f.name == "updated_at" for f in model._meta.fields) else "pk"
        parts.append((label, model.objects.aggregate(n=Count("*"), latest=Max(latest))))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class StageWriter:
    """Collects a dry run's prepared chunks; ``save(header)`` stores the stage, ``discard`` drops it.

    Records are numbered from 1 as they come; the header (record 0: fingerprint, column labels, the
    dry run's counts) is only known at the end, so ``save`` writes it in front of them."""

    def __init__(self, batch_pk: int, fingerprint: str) -> None:
        self.batch_pk = batch_pk
        self.fingerprint = fingerprint
        self._chunks = tempfile.TemporaryFile()
        self._index = 1

    def _sealed(self, payload: Any, index: int) -> bytes:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        sealed = crypto.seal(data, purpose=_purpose(self.batch_pk, index))
        return _LENGTH.pack(len(sealed)) + sealed

    def write(self, chunk: list) -> None:
        self._chunks.write(self._sealed(chunk, self._index))
        self._index += 1

    def save(self, header: dict) -> None:
        with tempfile.TemporaryFile() as stage:
            stage.write(self._sealed({**header, "fingerprint": self.fingerprint, "created": time.time()}, 0))
            self._chunks.seek(0)
            shutil.copyfileobj(self._chunks, stage)
            stage.write(self._sealed(_END, self._index))
            stage.seek(0)
            name = stage_name(self.batch_pk)
            default_storage.delete(name)
            default_storage.save(name, File(stage))
        self._chunks.close()

    def discard(self) -> None:
        self._chunks.close()


class StageBroken(Exception):
    """A record of the stage cannot be read back: it was truncated or tampered with."""


class StageReader:
    """A stored stage, checked record by record; ``header`` first, then ``chunks()``."""

    def __init__(self, batch_pk: int, handle: io.BufferedIOBase) -> None:
        self.batch_pk = batch_pk
        self._handle = handle
        self._index = 0
        self.header: dict = self._next()

    def _next(self) -> Any:
        size = self._handle.read(_LENGTH.size)
        if len(size) != _LENGTH.size:
            raise StageBroken("stage truncated")
        sealed = self._handle.read(_LENGTH.unpack(size)[0])
        try:
            payload = pickle.loads(crypto.unseal(sealed, purpose=_purpose(self.batch_pk, self._index)))
        except (ValueError, InvalidTag, pickle.UnpicklingError, EOFError) as exc:
            raise StageBroken(str(exc) or type(exc).__name__) from exc
        self._index += 1
        return payload

    def chunks(self) -> Iterator[list]:
        while (payload := self._next()) != _END:
            yield payload

    def close(self) -> None:
        self._handle.close()


def stage_open(batch_pk: int, expected_fingerprint: str) -> StageReader | None:
    """The batch's stage if it is complete-looking, fresh and still valid; else None (and it is removed)."""
    name = stage_name(batch_pk)
    if not default_storage.exists(name):
        return None
    handle = default_storage.open(name, "rb")
    try:
        reader = StageReader(batch_pk, handle)
    except StageBroken:
        handle.close()
        stage_discard(batch_pk)
        return None
    age = time.time() - reader.header.get("created", 0)
    if reader.header.get("fingerprint") != expected_fingerprint or age > settings.LIANXIN_IMPORT_STAGE_MAX_AGE:
        reader.close()
        stage_discard(batch_pk)
        return None
    return reader


def stage_discard(batch_pk: int) -> None:
    default_storage.delete(stage_name(batch_pk))
