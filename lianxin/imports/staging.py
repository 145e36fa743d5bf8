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

A record is plain data, never code (issue 16): JSON with the few Python types a prepared row holds
tagged explicitly (``encode``/``decode``: tuple, bytes, Decimal, date, datetime, time, the ledgers'
NamedTuple and dataclass rows, model instances by their field values). A class is rebuilt only if it
is a NamedTuple or dataclass defined in an already imported ``lianxin`` module, or a model of an
installed app; nothing in a stage can name a function to call. Stages written by older versions
(pickle) carry another purpose, so they cannot even be opened: they are refused as broken, never
unpickled, and the commit reads the uploaded file again.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import functools
import hashlib
import inspect
import io
import json
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
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
    # v2: JSON records. Version 1 (pickle, before issue 16) used "import-stage:…": such a stage fails
    # to open under this purpose and is never unpickled.
    return f"import-stage-v2:{batch_pk}:{index}"


# --- records: JSON with explicit tags ------------------------------------------------------------
#
# A tagged value is a JSON object whose first key starts with "~"; a plain dict whose keys are all
# strings not starting with "~" is stored as itself, any other dict as {"~m": [[key, value], …]}.

_NATIVE = frozenset({str, int, float, bool, type(None)})


class StageBroken(Exception):
    """A record of the stage cannot be read back: it was truncated or tampered with."""


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


@functools.cache
def _row_class(name: str) -> type:
    """A ledger row class named in a stage: a NamedTuple or dataclass of an imported lianxin module only."""
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith("lianxin.") else None
    cls = module
    for part in qualname.split(".") if module is not None else ():
        cls = getattr(cls, part, None)
    if isinstance(cls, type) and (
        dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
    ):
        return cls
    raise StageBroken(f"class not allowed in a stage: {name}")


def _encoder() -> Callable[[Any], Any]:
    by_type: dict[type, Callable[[Any], Any]] = {}
    b64 = base64.b64encode

    def encode(value: Any) -> Any:
        kind = type(value)
        if kind in _NATIVE:
            return value
        method = by_type.get(kind)
        if method is None:
            method = by_type[kind] = _method(kind)
        return method(value)

    def _list(value):
        return [encode(item) for item in value]

    def _dict(value):
        if all(type(k) is str and k[:1] != "~" for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"~m": [[encode(k), encode(v)] for k, v in value.items()]}

    def _method(kind: type) -> Callable[[Any], Any]:
        if kind is list:
            return _list
        if kind is tuple:
            return lambda value: {"~t": _list(value)}
        if kind is dict:
            return _dict
        if kind in (set, frozenset):
            tag = "~s" if kind is set else "~f"
            return lambda value: {tag: _list(value)}
        if kind is bytes or kind is memoryview:
            return lambda value: {"~b": b64(value).decode("ascii")}
        if kind is Decimal:
            return lambda value: {"~D": str(value)}
        if kind is dt.datetime:
            return lambda value: {"~dt": value.isoformat()}
        if kind is dt.date:
            return lambda value: {"~d": value.isoformat()}
        if kind is dt.time:
            return lambda value: {"~tm": value.isoformat()}
        if kind is dt.timedelta:
            return lambda value: {"~td": [value.days, value.seconds, value.microseconds]}
        if issubclass(kind, tuple) and hasattr(kind, "_fields"):
            name = _class_name(kind)
            return lambda value: {"~n": name, "v": _list(value)}
        if dataclasses.is_dataclass(kind):
            name, names = _class_name(kind), [f.name for f in dataclasses.fields(kind)]
            return lambda value: {"~c": name, "v": [encode(getattr(value, n)) for n in names]}
        from django.db import models
        from django.utils.functional import Promise

        if issubclass(kind, str) or issubclass(kind, Promise):  # TextChoices members, lazy messages
            return str
        if issubclass(kind, int):  # IntegerChoices members
            return int
        if issubclass(kind, float):
            return float
        if issubclass(kind, models.Model):
            label, names = kind._meta.label_lower, [f.attname for f in kind._meta.concrete_fields]
            return lambda value: {"~o": label, "v": [encode(getattr(value, n)) for n in names]}
        raise TypeError(f"a stage cannot hold {kind.__qualname__}")

    return encode


def _column(values: tuple, encode: Callable[[Any], Any]) -> list:
    """One field of a chunk's rows, as [kind, values]: a column of one type (None allowed) is
    converted in one pass, and rebuilt in one pass too (``_COLUMNS``)."""
    kinds = {type(v) for v in values} - {type(None)}
    if kinds <= _NATIVE:
        return ["", list(values)]
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is bytes:
            b64 = binascii.b2a_base64  # base64.b64encode's Python wrapper costs more than the encoding
            return ["b", [None if v is None else b64(v, newline=False).decode("ascii") for v in values]]
        if kind is dt.date:
            return ["d", [None if v is None else v.isoformat() for v in values]]
        if kind is Decimal:
            return ["D", [None if v is None else str(v) for v in values]]
    return ["~", [encode(v) for v in values]]


def _column_values(kind: str, values: list) -> list:
    if kind == "" or kind == "~":
        return values
    convert = _COLUMNS[kind]
    if None not in values:
        return list(map(convert, values))
    return [None if v is None else convert(v) for v in values]


_COLUMNS: dict[str, Callable[[str], Any]] = {
    "b": binascii.a2b_base64,
    "d": dt.date.fromisoformat,
    "D": Decimal,
}


def _encode_chunk(chunk: list, encode: Callable[[Any], Any]) -> Any:
    """A chunk of (row number, prepared row, key): when every row is a NamedTuple of one class (the
    people's ledger: the fast path, issue 16's "keep the speed"), column by column; else value by value."""
    rows = [prepared for _number, prepared, _key in chunk]
    kind = type(rows[0]) if rows else None
    if (
        kind is None
        or not (issubclass(kind, tuple) and hasattr(kind, "_fields"))
        or any(type(r) is not kind for r in rows)
    ):
        return encode(chunk)
    columns = list(zip(*rows, strict=True))
    keys = tuple(key for _number, _prepared, key in chunk)
    # The key is often one of the row's fields (the person's digest): stored once, as its position.
    same = next((index for index, values in enumerate(columns) if values == keys), None)
    return {
        "~rows": _class_name(kind),
        "r": [number for number, _prepared, _key in chunk],
        "k": same if same is not None else [encode(key) for key in keys],
        "c": [_column(values, encode) for values in columns],
    }


def _decode_rows(obj: dict) -> list:
    cls = _row_class(obj["~rows"])
    if not issubclass(cls, tuple):
        raise StageBroken(f"not a NamedTuple: {obj['~rows']}")
    columns = [_column_values(kind, values) for kind, values in obj["c"]]
    if len(columns) != len(cls._fields):
        raise StageBroken(f"{obj['~rows']}: fields changed")
    # tuple.__new__ straight: what cls._make does, without its per-row length check (zip's strict did it)
    rows = list(map(functools.partial(tuple.__new__, cls), zip(*columns, strict=True))) if columns else []
    keys = obj["k"]
    return list(zip(obj["r"], rows, columns[keys] if isinstance(keys, int) else keys, strict=True))


def _model_instance(label: str, values: list):
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise StageBroken(f"model not allowed in a stage: {label}") from exc
    names = [f.attname for f in model._meta.concrete_fields]
    if len(names) != len(values):
        raise StageBroken(f"{label}: fields changed")
    return model.from_db("default", names, values)


def _row(name: str, values: list):
    cls = _row_class(name)
    if dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls)]
        return cls(**dict(zip(names, values, strict=True)))
    return cls._make(values)


_DECODERS: dict[str, Callable[[dict], Any]] = {
    "~t": lambda o: tuple(o["~t"]),
    "~b": lambda o: base64.b64decode(o["~b"]),
    "~D": lambda o: Decimal(o["~D"]),
    "~d": lambda o: dt.date.fromisoformat(o["~d"]),
    "~dt": lambda o: dt.datetime.fromisoformat(o["~dt"]),
    "~tm": lambda o: dt.time.fromisoformat(o["~tm"]),
    "~td": lambda o: dt.timedelta(*o["~td"]),
    "~s": lambda o: set(o["~s"]),
    "~f": lambda o: frozenset(o["~f"]),
    "~m": lambda o: {k: v for k, v in o["~m"]},
    "~n": lambda o: _row(o["~n"], o["v"]),
    "~c": lambda o: _row(o["~c"], o["v"]),
    "~o": lambda o: _model_instance(o["~o"], o["v"]),
    "~rows": _decode_rows,
}


def _tagged(obj: dict) -> Any:
    for key in obj:  # the first key only
        if key[:1] == "~":
            decoder = _DECODERS.get(key)
            if decoder is None:
                raise StageBroken(f"unknown tag {key}")
            return decoder(obj)
        return obj
    return obj


_MAGIC = b"LXS2"  # a JSON record; a pickle starts with b"\x80"
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_loads = json.JSONDecoder(object_hook=_tagged).decode


def encode(payload: Any) -> bytes:
    """``payload`` as the bytes of one record (plain JSON, tagged); TypeError for a type it cannot hold."""
    return _MAGIC + _dumps(_encoder()(payload)).encode()


def encode_chunk(chunk: list) -> bytes:
    """A chunk of (row number, prepared row, key) as the bytes of one record."""
    return _MAGIC + _dumps(_encode_chunk(chunk, _encoder())).encode()


def decode(data: bytes) -> Any:
    """The payload ``encode`` was given; StageBroken for anything else (a pickle, garbage)."""
    if data[: len(_MAGIC)] != _MAGIC:
        raise StageBroken("not a stage record of this version (an older stage: not read)")
    try:
        return _loads(data[len(_MAGIC) :].decode())
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise StageBroken(str(exc) or type(exc).__name__) from exc


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
        self._encode = _encoder()  # one per stage: it caches how each row class is written

    def _sealed(self, encoded: Any, index: int) -> bytes:
        """One record: ``encoded`` (JSON-ready: what ``_encoder`` or ``_encode_chunk`` made) sealed."""
        data = _MAGIC + _dumps(encoded).encode()
        sealed = crypto.seal(data, purpose=_purpose(self.batch_pk, index))
        return _LENGTH.pack(len(sealed)) + sealed

    def write(self, chunk: list) -> None:
        self._chunks.write(self._sealed(_encode_chunk(chunk, self._encode), self._index))
        self._index += 1

    def save(self, header: dict) -> None:
        with tempfile.TemporaryFile() as stage:
            header = {**header, "fingerprint": self.fingerprint, "created": time.time()}
            stage.write(self._sealed(self._encode(header), 0))
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
            data = crypto.unseal(sealed, purpose=_purpose(self.batch_pk, self._index))
        except (ValueError, InvalidTag) as exc:
            raise StageBroken(str(exc) or type(exc).__name__) from exc
        payload = decode(data)
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
