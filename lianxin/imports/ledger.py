"""What a ledger declares to the import engine (台账导入规格), and the registry of ledgers.

A ledger names its columns (with synonyms, kinds and units: ``headers.Column``), how a clean row
becomes a prepared record (validation, scope), its natural key, how existing records are found in
bulk, and how records are written and undone. The engine (``engine.py``) does everything else:
reading, header matching, normalising cells, duplicates within the file, dry run, atomic commit,
progress, the annotated workbook and the history.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .headers import Column


class RowRejected(Exception):
    """A row breaks a rule; ``column`` is the Column.key to blame (or None for the whole row)."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class Context:
    """What the ledger may consult while preparing rows: who imports, and caches it fills."""

    user: Any
    batch: Any = None  # the ImportBatch: batch audit entries are recorded on it
    options: dict[str, Any] = field(default_factory=dict)  # ImportBatch.options, as Ledger.options_clean made them
    cache: dict[str, Any] = field(default_factory=dict)
    # (Column.key, value as shown, message) of the row being prepared that do not reject it (a column
    # contradicting the resident ID when LIANXIN_IMPORT_CONTRADICTIONS is "warn"); the engine collects them.
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    # The unit each matched column's header (or the sheet's "单位:万元" line) states, by Column.key: for a
    # ledger whose column holds amounts in different units by row (村级指标: 元, 头, 亩), parsed in ``prepare``.
    units: dict[str, str] = field(default_factory=dict)


@dataclass
class Written:
    """What a chunk's write did, for the history and for undo: model label, id (and values before)."""

    created: list[tuple[str, int]] = field(default_factory=list)
    updated: list[tuple[str, int, dict]] = field(default_factory=list)

    def extend(self, other: Written) -> None:
        self.created.extend(other.created)
        self.updated.extend(other.updated)


class Ledger(ABC):
    """Base of every ledger spec. Subclasses set the class attributes and implement the hooks."""

    key: ClassVar[str]
    label: ClassVar[str]  # 户籍人口台账
    columns: ClassVar[tuple[Column, ...]]
    permission: ClassVar[str]  # the permission an importer needs, e.g. "people.add_person"
    sample: ClassVar[dict[str, Any]] = {}  # one example row for the template, by column key
    # The models (app_label.Model) whose rows ``prepare`` looks up: a change to them between the dry run
    # and the commit makes the commit prepare the file again instead of using the staged rows.
    reads: ClassVar[tuple[str, ...]] = ("regions.Region",)
    # Uploaded files are personal data (services.batch_download). The columns holding resident IDs, phones
    # or bank accounts (masked strictly in a masked copy; numbers like them are masked in any column);
    personal_columns: ClassVar[tuple[str, ...]] = ()
    # what a user needs to download the file unmasked (each such download is audited as a reveal);
    reveal_permissions: ClassVar[tuple[str, ...]] = ("people.reveal_resident_id",)
    # and what a user needs to get the file at all, even masked: the view permission of the ledger's
    # records (derived from ``permission``: people.add_person → people.view_person).
    data_permission: ClassVar[str] = ""
    # What the importer chooses on the upload besides the file (page field, API parameter, command-line
    # option of the same name), e.g. ("project",) for a sheet that holds one project's rows.
    options: ClassVar[tuple[str, ...]] = ()
    # Money columns that must add up: (total column, its parts). A row whose parts (those filled in) do not
    # add up to its total within a fen is rejected naming the values (a warning with
    # LIANXIN_IMPORT_CONTRADICTIONS = "warn", the total then imported as written).
    sums: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()

    @abstractmethod
    def start(self, ctx: Context) -> None:
        """Load lookups once per import (e.g. the village groups in the user's scope)."""

    @abstractmethod
    def prepare(self, values: dict[str, Any], ctx: Context) -> Any:
        """Turn normalised cell values into a record to write; raise RowRejected to refuse the row."""

    @abstractmethod
    def natural_key(self, prepared: Any) -> Hashable:
        """The key that identifies the record across imports (the resident ID's digest, the credit code)."""

    @abstractmethod
    def existing(self, chunk: list[Any], ctx: Context) -> dict[Hashable, Any]:
        """The stored records for a chunk of prepared rows (a query or two), keyed by natural key."""

    @abstractmethod
    def classify(self, prepared: Any, current: Any | None, ctx: Context) -> str:
        """ "create", "update" or "unchanged" for this row against its stored record (None: none yet);
        may raise RowRejected (e.g. the record belongs to another village)."""

    @abstractmethod
    def write(self, creates: list[Any], updates: list[tuple[Any, Any]], ctx: Context) -> Written:
        """Insert ``creates`` and apply ``updates`` ((prepared, current) pairs) in bulk."""

    @abstractmethod
    def undo(self, created: list[tuple[str, int]], updated: Iterable[tuple[str, int, dict]], ctx: Context) -> None:
        """Remove what an import created and put back what it overwrote; raise DomainError if
        records were changed since, so undo would destroy later work."""

    def options_clean(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        """Check what the importer chose on the upload (``options``: option name → the raw value) and return
        what to keep on the batch (JSON); raise DomainError naming the option. Ledgers without options get {}."""
        return {}

    def option_field(self, name: str, user: Any) -> tuple[str, list[tuple[str, str]]]:
        """The upload page's field for option ``name``: its label and the choices (value, label) for ``user``."""
        raise LookupError(name)

    def options_shown(self, options: dict[str, Any]) -> list[tuple[str, str]]:
        """What the importer chose on the upload, as (label, value) for the batch's page."""
        return []

    def header_problem(self, columns: set[str]) -> str:
        """A whole-file message when the columns found (Column.keys) cannot identify the records
        although every required column is there; "" when they can."""
        return ""

    def notes(self, ctx: Context) -> list[str]:
        """Lines for the dry run's summary once every row is prepared (e.g. how households were formed)."""
        return []

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def file_permission(self) -> str:
        return self.data_permission or self.permission.replace(".add_", ".view_", 1)


_REGISTRY: dict[str, type[Ledger]] = {}


def register(ledger: type[Ledger]) -> type[Ledger]:
    _REGISTRY[ledger.key] = ledger
    return ledger


def ledger_get(key: str) -> Ledger:
    try:
        return _REGISTRY[key]()
    except KeyError:
        raise LookupError(key) from None


def ledger_choices() -> list[tuple[str, str]]:
    return [(key, str(cls.label)) for key, cls in sorted(_REGISTRY.items())]
