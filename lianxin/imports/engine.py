"""The one import engine every ledger uses: read → match headers → normalise → prepare → classify → write.

``run_import`` makes one lazy pass over the file. In a dry run nothing is written; in a commit every
chunk is written inside one transaction, so a failure — or, in all-or-nothing mode, a single
rejected row — rolls the whole batch back. Rows are processed in chunks: one query finds the
stored records of a chunk's natural keys, one bulk write stores it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core import formats
from lianxin.core.text import FORBIDDEN_TEXT

from .headers import HeaderMatch, find_header
from .ledger import Context, Ledger, RowRejected, Written
from .masking import Masker
from .normalise import CellError, excel_general, footer_kind, mask_resident_id, normaliser_for, row_is_blank
from .reading import Table

CHUNK_ROWS = 2000
FEN = Decimal("0.01")
MAX_STORED_ERRORS = 1000


@dataclass
class RowError:
    row: int  # as Excel shows it
    column: str  # spreadsheet letters, "" for the whole row
    header: str
    value: str
    message: str

    def as_dict(self) -> dict:
        # The file's own text is quoted back: a NUL or lone surrogate in it becomes U+FFFD, or the
        # error list itself could not be stored (PostgreSQL refuses \u0000 in JSON).
        return {
            "row": self.row,
            "column": self.column,
            "header": FORBIDDEN_TEXT.sub("\ufffd", self.header),
            "value": FORBIDDEN_TEXT.sub("\ufffd", self.value),
            "message": self.message,
        }


@dataclass
class Summary:
    rows_read: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RowError] = field(default_factory=list)  # rows imported that a person should look at
    notes: list[str] = field(default_factory=list)  # the ledger's account of the pass (Ledger.notes)
    written: Written = field(default_factory=Written)
    file_error: str = ""

    max_errors: int | None = MAX_STORED_ERRORS

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if self.max_errors is None or len(self.errors) < self.max_errors:
            self.errors.append(error)


class ImportAborted(Exception):
    """Raised inside the commit transaction to roll it back; carries the summary to report."""

    def __init__(self, summary: Summary) -> None:
        super().__init__("import rolled back")
        self.summary = summary


def progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def header_problem(match: HeaderMatch, ledger: Ledger) -> str:
    """A whole-file message when the header cannot be used, naming what is missing."""
    if not match.found:
        return _("没有找到表头:前10行中没有与“%(ledger)s”的列名对应的行(例如:%(examples)s)") % {
            "ledger": _(ledger.label),
            "examples": "、".join(_(c.label) for c in ledger.columns[:4]),
        }
    if match.missing_required:
        return _("缺少必填列:%(columns)s。可下载模板对照列名,或在页面上把表头对应到这些列") % {
            "columns": "、".join(_(c.label) for c in match.missing_required)
        }
    return ledger.header_problem(set(match.columns.values()))


def _shown(column_kind: str, raw: Any) -> str:
    if raw is None or raw == "":
        return ""
    if column_kind == "resident_id" and isinstance(raw, float):
        return excel_general(raw)  # as the clerk sees it in Excel: 5.32622E+17 (six digits, nothing more)
    text = str(raw)
    # Personal data is never echoed in clear into error lists, pages or logs: IDs, and any number long
    # enough to be a phone or a bank account wherever it was typed (masking.py).
    return mask_resident_id(text) if column_kind == "resident_id" else Masker().text(text)[:60]


def iterate_rows(
    table: Table, ledger: Ledger, match: HeaderMatch
) -> Iterator[tuple[int, dict[str, Any] | None, list[RowError]]]:
    """(row number, normalised values or None, cell errors) for each data row, up to the footer."""
    bound = []
    for index, key in match.columns.items():
        column = ledger.column(key)
        bound.append(
            (index, key, column, normaliser_for(column, match.units.get(index, "")), match.labels.get(index, ""))
        )
    required = [c for c in ledger.columns if c.required]
    for row_number, cells in match.data_rows:
        if row_is_blank(cells):
            continue
        kind = footer_kind(cells)
        if kind == "subtotal":
            continue
        if kind is not None:  # 合计, 以下空白, 制表人…: the data has ended
            break
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        failed: set[str] = set()
        width = len(cells)
        for index, key, column, normalise, label in bound:
            raw = cells[index] if index < width else ""
            try:
                values[key] = normalise(raw)
            except CellError as exc:
                errors.append(
                    RowError(row_number, table.column_label(index), label, _shown(column.kind, raw), exc.message)
                )
                values[key] = None
                failed.add(key)
        for column in required:
            if values.get(column.key) is None and column.key not in failed:
                index = match.index_of(column.key)
                errors.append(
                    RowError(
                        row_number,
                        table.column_label(index) if index is not None else "",
                        column.label,
                        "",
                        _("“%(column)s”为必填项") % {"column": _(column.label)},
                    )
                )
        yield row_number, (None if errors else values), errors


def check_sums(ledger: Ledger, values: dict[str, Any], ctx: Context) -> None:
    """A total that is not the sum of its parts (Ledger.sums) rejects the row naming the values, or with
    LIANXIN_IMPORT_CONTRADICTIONS = "warn" is listed as a warning and the total kept as written."""
    for total_key, part_keys in ledger.sums:
        total = values.get(total_key)
        parts = [(key, values[key]) for key in part_keys if values.get(key) is not None]
        if total is None or not parts:
            continue
        added = sum((value for _key, value in parts), Decimal("0"))
        if abs(added - total) <= FEN:
            continue
        message = _("%(total_label)s为%(total)s元,%(parts)s之和为%(sum)s元") % {
            "total_label": _(ledger.column(total_key).label),
            "total": formats.money(total),
            "parts": "+".join(_(ledger.column(key).label) for key, _value in parts),
            "sum": formats.money(added),
        }
        if getattr(settings, "LIANXIN_IMPORT_CONTRADICTIONS", "reject") == "warn":
            ctx.warnings.append((total_key, formats.money(total), message))
        else:
            raise RowRejected(message, total_key)


# Column key → (spreadsheet letters, header text as in the file): how a row error names its cell.
ColumnLabels = dict[str, tuple[str, str]]


def column_labels(table: Table, ledger: Ledger, match: HeaderMatch) -> ColumnLabels:
    labels = {}
    for index, key in match.columns.items():
        labels[key] = (table.column_label(index), match.labels.get(index, ledger.column(key).label))
    return labels


class _Chunks:
    """Prepared rows in chunks: one query finds the chunk's stored records, every row is classified
    against its record, and (when writing) one bulk write stores the chunk. A dry run may hand each
    chunk to a stage as well, for the commit that follows (``staging.py``)."""

    def __init__(self, ledger, ctx, summary, labels, *, write, valid_only=False, progress=None, stage=None) -> None:
        self.ledger, self.ctx, self.summary, self.labels = ledger, ctx, summary, labels
        self.write, self.valid_only, self.progress, self.stage = write, valid_only, progress, stage
        self.chunk: list[tuple[int, Any, Hashable]] = []
        self.total: int | None = None  # rows expected, for progress

    def add(self, row_number: int, prepared: Any, key: Hashable) -> None:
        self.chunk.append((row_number, prepared, key))
        if len(self.chunk) >= CHUNK_ROWS:
            self.flush(self.chunk)
            self.chunk = []

    def finish(self) -> None:
        if self.chunk:
            self.flush(self.chunk)
            self.chunk = []

    def flush(self, chunk: list[tuple[int, Any, Hashable]]) -> None:
        ledger, ctx, summary = self.ledger, self.ctx, self.summary
        if self.stage is not None:
            self.stage.write(chunk)
        existing = ledger.existing([prepared for _row, prepared, _key in chunk], ctx)
        creates, updates = [], []
        for row_number, prepared, key in chunk:
            current = existing.get(key)
            try:
                action = ledger.classify(prepared, current, ctx)
            except RowRejected as exc:
                summary.rejected += 1
                summary.add_error(_row_error(self.labels, ledger, row_number, exc, {}))
                continue
            if action == "create":
                creates.append(prepared)
            elif action == "update":
                updates.append((prepared, current))
            else:
                summary.unchanged += 1
        summary.to_create += len(creates)
        summary.to_update += len(updates)
        if self.write and (self.valid_only or summary.rejected == 0) and (creates or updates):
            summary.written.extend(ledger.write(creates, updates, ctx))
        if self.progress is not None:
            self.progress(summary.rows_read, self.total)


def _committed(summary: Summary, valid_only: bool, apply: Callable[[], None]) -> Summary:
    """Run ``apply`` in one transaction, rolled back if any row was rejected (unless ``valid_only``)."""
    try:
        with transaction.atomic():
            apply()
            if summary.rejected and not valid_only:
                raise ImportAborted(summary)
    except ImportAborted:
        summary.written = Written()
    return summary


def run_import(
    *,
    table: Table,
    ledger: Ledger,
    ctx: Context,
    remembered: dict[str, str] | None = None,
    commit: bool = False,
    valid_only: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    max_errors: int | None = MAX_STORED_ERRORS,
    stage=None,
) -> tuple[Summary, HeaderMatch]:
    """Check (and with ``commit``, write) every row of ``table`` for ``ledger``; see the module docstring.

    ``stage`` (a dry run only): a ``staging.StageWriter`` that receives the prepared rows."""
    summary = Summary(max_errors=max_errors)
    match = find_header(table.rows(), ledger.columns, remembered)
    problem = header_problem(match, ledger)
    if problem:
        summary.file_error = problem
        return summary, match
    ctx.units = {key: match.units.get(index, "") for index, key in match.columns.items()}
    ledger.start(ctx)
    labels = column_labels(table, ledger, match)
    chunks = _Chunks(ledger, ctx, summary, labels, write=commit, valid_only=valid_only, progress=progress, stage=stage)

    # What the file itself gets wrong (cells, rules, duplicates), apart from what the stored records
    # reject: the stage keeps these, and the commit classifies the rest again.
    in_file = Summary(max_errors=max_errors)

    def process() -> None:
        seen: dict[Hashable, int] = {}
        for row_number, values, errors in iterate_rows(table, ledger, match):
            summary.rows_read += 1
            prepared = None
            if values is not None:
                ctx.warnings.clear()
                try:
                    check_sums(ledger, values, ctx)
                    prepared = ledger.prepare(values, ctx)
                except RowRejected as exc:
                    errors = [_row_error(labels, ledger, row_number, exc, values)]
                else:
                    for key, shown, message in ctx.warnings:
                        if len(summary.warnings) < (max_errors or MAX_STORED_ERRORS):
                            letters, header = labels.get(key, ("", ledger.column(key).label))
                            summary.warnings.append(RowError(row_number, letters, header, shown, message))
            if prepared is not None:
                key = ledger.natural_key(prepared)
                first = seen.get(key)
                if first is not None:
                    errors = [RowError(row_number, "", "", "", _("与第%(row)d行重复") % {"row": first})]
                    prepared = None
                else:
                    seen[key] = row_number
            if prepared is None:
                summary.rejected += 1
                in_file.rejected += 1
                for error in errors:
                    summary.add_error(error)
                    in_file.add_error(error)
                continue
            chunks.add(row_number, prepared, key)
        chunks.finish()
        summary.notes = ledger.notes(ctx)

    if not commit:
        process()
        if stage is not None:
            stage.save(
                {
                    "labels": labels,
                    "rows_read": summary.rows_read,
                    "rejected": in_file.rejected,
                    "errors": in_file.errors,
                    "error_count": in_file.error_count,
                }
            )
        return summary, match
    return _committed(summary, valid_only, process), match


def run_staged(
    *,
    stage,
    ledger: Ledger,
    ctx: Context,
    valid_only: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    max_errors: int | None = MAX_STORED_ERRORS,
) -> Summary:
    """Commit the rows a dry run staged (``staging.StageReader``), classifying them again against the
    stored records; the stage's header carries the dry run's rows read and the rows the file's own
    content got rejected. Raises ``staging.StageBroken`` (inside the transaction, so nothing stays
    written) if a record of the stage cannot be read back."""
    header = stage.header
    summary = Summary(rows_read=header["rows_read"], rejected=header["rejected"], max_errors=max_errors)
    summary.errors, summary.error_count = list(header["errors"]), header["error_count"]
    ledger.start(ctx)
    chunks = _Chunks(ledger, ctx, summary, stage.header["labels"], write=True, valid_only=valid_only)

    def apply() -> None:
        done = 0
        for chunk in stage.chunks():
            chunks.flush(chunk)
            done += len(chunk)
            if progress is not None:
                progress(min(done, summary.rows_read), summary.rows_read)
        summary.errors.sort(key=lambda error: error.row)

    return _committed(summary, valid_only, apply)


def _row_error(labels: ColumnLabels, ledger: Ledger, row_number: int, exc: RowRejected, values: dict) -> RowError:
    if exc.column is None:
        return RowError(row_number, "", "", "", exc.message)
    column = ledger.column(exc.column)
    letters, header = labels.get(exc.column, ("", column.label))
    value = values.get(exc.column)
    if column.kind == "choice" and column.choices and value is not None:
        # the stored value ("female") read back as the sheet's word (女)
        value = next((label for label, stored in column.choices.items() if stored == value), value)
    return RowError(row_number, letters, header, _shown(column.kind, value), exc.message)


def cache_progress(batch_id: int) -> Callable[[int, int | None], None]:
    """Progress for the polling page goes through the cache: the commit's transaction hides DB writes.
    ``total`` is the rows expected (the sheet's height, or the rows a dry run read), None if unknown."""

    def report(rows: int, total: int | None) -> None:
        cache.set(progress_key(batch_id), {"rows": rows, "total": total}, timeout=3600)

    return report
