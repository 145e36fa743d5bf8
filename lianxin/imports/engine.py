"""The one import engine every ledger uses: read → match headers → normalise → prepare → classify → write.

``run_import`` makes one lazy pass over the file. In a dry run nothing is written; in a commit every
chunk is written inside one transaction, so a failure — or, in all-or-nothing mode, a single
rejected row — rolls the whole batch back. Rows are processed in chunks: one query finds the
stored records of a chunk's natural keys, one bulk write stores it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from .headers import HeaderMatch, find_header
from .ledger import Context, Ledger, RowRejected, Written
from .normalise import CellError, excel_general, footer_kind, mask_resident_id, normaliser_for, row_is_blank
from .reading import Table

CHUNK_ROWS = 2000
MAX_STORED_ERRORS = 1000


@dataclass
class RowError:
    row: int  # as Excel shows it
    column: str  # spreadsheet letters, "" for the whole row
    header: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
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
    return ""


def _shown(column_kind: str, raw: Any) -> str:
    if raw is None or raw == "":
        return ""
    if column_kind == "resident_id" and isinstance(raw, float):
        return excel_general(raw)  # as the clerk sees it in Excel: 5.32622E+17 (six digits, nothing more)
    text = str(raw)
    # Personal data is never echoed in clear into error lists, pages or logs.
    return mask_resident_id(text) if column_kind == "resident_id" else text[:60]


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


def run_import(
    *,
    table: Table,
    ledger: Ledger,
    ctx: Context,
    remembered: dict[str, str] | None = None,
    commit: bool = False,
    valid_only: bool = False,
    progress: Callable[[int], None] | None = None,
    max_errors: int | None = MAX_STORED_ERRORS,
) -> tuple[Summary, HeaderMatch]:
    """Check (and with ``commit``, write) every row of ``table`` for ``ledger``; see the module docstring."""
    summary = Summary(max_errors=max_errors)
    match = find_header(table.rows(), ledger.columns, remembered)
    problem = header_problem(match, ledger)
    if problem:
        summary.file_error = problem
        return summary, match
    ledger.start(ctx)

    def process() -> None:
        seen: dict[Hashable, int] = {}
        chunk: list[tuple[int, Any, Hashable]] = []
        for row_number, values, errors in iterate_rows(table, ledger, match):
            summary.rows_read += 1
            prepared = None
            if values is not None:
                try:
                    prepared = ledger.prepare(values, ctx)
                except RowRejected as exc:
                    errors = [_row_error(table, ledger, match, row_number, exc, values)]
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
                for error in errors:
                    summary.add_error(error)
                continue
            chunk.append((row_number, prepared, key))
            if len(chunk) >= CHUNK_ROWS:
                _flush(chunk)
                chunk.clear()
        if chunk:
            _flush(chunk)

    def _flush(chunk: list[tuple[int, Any, Hashable]]) -> None:
        existing = ledger.existing([prepared for _row, prepared, _key in chunk], ctx)
        creates, updates = [], []
        for row_number, prepared, key in chunk:
            current = existing.get(key)
            try:
                action = ledger.classify(prepared, current, ctx)
            except RowRejected as exc:
                summary.rejected += 1
                summary.add_error(_row_error(table, ledger, match, row_number, exc, {}))
                continue
            if action == "create":
                creates.append(prepared)
            elif action == "update":
                updates.append((prepared, current))
            else:
                summary.unchanged += 1
        summary.to_create += len(creates)
        summary.to_update += len(updates)
        if commit and (valid_only or summary.rejected == 0) and (creates or updates):
            summary.written.extend(ledger.write(creates, updates, ctx))
        if progress is not None:
            progress(summary.rows_read)

    if not commit:
        process()
        return summary, match
    try:
        with transaction.atomic():
            process()
            if summary.rejected and not valid_only:
                raise ImportAborted(summary)
    except ImportAborted:
        summary.written = Written()
    return summary, match


def _row_error(
    table: Table, ledger: Ledger, match: HeaderMatch, row_number: int, exc: RowRejected, values: dict
) -> RowError:
    if exc.column is None:
        return RowError(row_number, "", "", "", exc.message)
    index = match.index_of(exc.column)
    column = ledger.column(exc.column)
    return RowError(
        row_number,
        table.column_label(index) if index is not None else "",
        match.labels.get(index, column.label) if index is not None else column.label,
        _shown(column.kind, values.get(exc.column)),
        exc.message,
    )


def cache_progress(batch_id: int) -> Callable[[int], None]:
    """Progress for the polling page goes through the cache: the commit's transaction hides DB writes."""

    def report(rows: int) -> None:
        cache.set(progress_key(batch_id), rows, timeout=3600)

    return report
