"""Masked copies of uploaded workbooks (脱敏副本): resident IDs, phones and bank accounts masked in the
cells, everything else of the clerk's workbook as it was.

An uploaded ledger is personal data like the records it fills: whoever may not see a full resident ID
on a page may not take one home in the original file or its annotated copy (``services.batch_download``
decides who gets what). What counts as such a number, in any cell of any sheet:

- a run of 11 or more digits in text (spaces and hyphens between digits allowed, a trailing X for an
  ID): an ID's shape (18 characters, or 15 digits) → first 6 and last 4 kept (the resident-ID mask of
  the pages), 11 digits → first 3 and last 4 (a mobile), any other length → first 4 and last 4 (the
  bank-account mask of the payment pages);
- a number cell holding an 11-digit mobile (1…) or 15 digits or more (an ID or a card that Excel
  turned into a number); smaller numbers are amounts and stay;
- in the columns the ledger declares personal (``Ledger.personal_columns``: the ID, phone and bank
  account columns as the header matcher found them), any run of 7 digits or more, so a mistyped,
  too short number is not handed out whole either.

An .xlsx the size the annotated workbook is made in place (``annotate.IN_PLACE_MAX_CELLS``) is masked
in place with openpyxl: every sheet, cell comments included, formats, merged cells and formulas kept.
A CSV comes back as CSV (UTF-8); .xls, .ods and larger .xlsx come back as an .xlsx rebuilt from the
values of every sheet (the formatting cannot be carried over without the original program).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

from .reading import FileRejected, Table, column_letters, open_table

IN_PLACE_MAX_CELLS = 500_000
_RUN = re.compile(r"(?<!\d)\d(?:[ \-]?\d){6,}(?:[ \-]?[Xx])?(?!\d)")
_ID_SHAPE = re.compile(r"^(?:\d{17}[\dX]|\d{15})$")


class Masker:
    """Masks cell values and counts what it masked: ``counts["resident_id"|"phone"|"other"]``.

    ``personal`` maps a sheet name to the column letters of its personal columns (strict rule there).
    """

    def __init__(self, personal: dict[str, set[str]] | None = None) -> None:
        self.personal = personal or {}
        self.counts: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def strict(self, sheet: str, letter: str) -> bool:
        return letter in self.personal.get(sheet, ())

    def _mask_run(self, match: re.Match, minimum: int) -> str:
        shown = match.group(0)
        digits = "".join(ch for ch in shown if ch.isdigit() or ch in "Xx").upper()
        n = len(digits)
        if n < minimum:
            return shown
        if _ID_SHAPE.match(digits):
            self.counts["resident_id"] += 1
        elif n == 11 and digits.startswith("1"):
            self.counts["phone"] += 1
        else:
            self.counts["other"] += 1
        if _ID_SHAPE.match(digits):
            return digits[:6] + "*" * (n - 10) + digits[-4:]
        if n >= 12:
            return digits[:4] + "*" * (n - 8) + digits[-4:]
        if n == 11:
            return digits[:3] + "****" + digits[-4:]
        return "*" * (n - 4) + digits[-4:]

    def text(self, value: str, *, strict: bool = False) -> str:
        minimum = 7 if strict else 11
        return _RUN.sub(lambda m: self._mask_run(m, minimum), value)

    def value(self, value: Any, *, strict: bool = False) -> Any:
        """The cell value masked (a masked number becomes text); anything else unchanged."""
        if isinstance(value, str):
            return self.text(value, strict=strict) if any(ch.isdigit() for ch in value) else value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return value
        if isinstance(value, float) and not value.is_integer():
            return value
        digits = str(abs(int(value)))
        n = len(digits)
        if (strict and n >= 7) or (n == 11 and digits.startswith("1")) or n >= 15:
            return self.text(digits, strict=True)
        return value


def personal_letters(table: Table, header: dict, personal_keys: Iterable[str]) -> dict[str, set[str]]:
    """{sheet: column letters} of the ledger's personal columns as the dry run recognised them."""
    keys = set(personal_keys)
    letters = {table.column_label(int(index)) for index, key in (header.get("columns") or {}).items() if key in keys}
    return {table.sheet_name: letters} if letters else {}


def mask_workbook_in_place(workbook, masker: Masker) -> None:
    """Mask every cell and cell comment of an openpyxl workbook (loaded with rich_text=False or True)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if value is None:
                    continue
                if isinstance(value, str | int | float):
                    masked = masker.value(value, strict=masker.strict(sheet.title, cell.column_letter))
                    if masked is not value:
                        cell.value = masked
                elif hasattr(value, "__iter__") and not isinstance(value, bytes):  # rich text: a CellRichText
                    text = str(value)
                    masked = masker.text(text, strict=masker.strict(sheet.title, cell.column_letter))
                    if masked != text:
                        cell.value = masked
                if cell.comment is not None and cell.comment.text:
                    # An error note on a personal cell may quote what was typed there.
                    masked = masker.text(cell.comment.text, strict=masker.strict(sheet.title, cell.column_letter))
                    if masked != cell.comment.text:
                        cell.comment.text = masked


def _xlsx_in_place(path: Path, table: Table) -> bool:
    return table.format == "xlsx" and (table.height or 0) * (table.width or 0) <= IN_PLACE_MAX_CELLS


def masked_copy(path: Path, *, original_name: str, header: dict, personal_keys: Iterable[str], out_dir: Path):
    """Write the masked copy of the upload at ``path`` into ``out_dir``; returns (file path, suffix, masker).

    Raises FileRejected when the file cannot be read (it was read at upload, so only if it changed)."""
    with open_table(path, original_name=original_name) as table:
        masker = Masker(personal_letters(table, header, personal_keys))
        fmt, in_place, sheet_names = table.format, _xlsx_in_place(path, table), list(table.sheet_names)
    if in_place:
        out = out_dir / "masked.xlsx"
        try:
            workbook = openpyxl.load_workbook(path, rich_text=True)
            mask_workbook_in_place(workbook, masker)
            workbook.save(out)
            return out, ".xlsx", masker
        except Exception:  # noqa: BLE001 - what openpyxl cannot take is rebuilt from the values instead
            masker.counts.clear()
    if fmt == "csv":
        out = out_dir / "masked.csv"
        with (
            open_table(path, original_name=original_name) as table,
            out.open("w", encoding="utf-8-sig", newline="") as fh,
        ):
            writer = csv.writer(fh)
            for _number, cells in table.rows():
                writer.writerow(
                    masker.value(v, strict=masker.strict(table.sheet_name, table.column_label(i)))
                    for i, v in enumerate(cells)
                )
        return out, ".csv", masker
    out = out_dir / "masked.xlsx"
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    try:
        for name in sheet_names:
            with open_table(path, original_name=original_name, sheet=name) as table:
                sheet = workbook.add_worksheet(name[:31] or "Sheet1")
                for number, cells in table.rows():
                    for index, value in enumerate(cells):
                        if value == "" or value is None:
                            continue
                        column = table.first_column + index
                        masked = masker.value(value, strict=masker.strict(name, column_letters(column)))
                        if hasattr(masked, "year"):
                            sheet.write(number - 1, column, masked, dates)
                        elif isinstance(masked, str | int | float | bool):
                            sheet.write(number - 1, column, masked)
                        else:  # times, durations
                            sheet.write(number - 1, column, str(masked))
    finally:
        workbook.close()
    return out, ".xlsx", masker


def count_personal(path: Path, *, original_name: str, header: dict, personal_keys: Iterable[str]) -> Masker:
    """Count (without writing anything) what a masked copy would mask: the figures of a reveal's audit."""
    with open_table(path, original_name=original_name) as table:
        masker = Masker(personal_letters(table, header, personal_keys))
        sheet_names = list(table.sheet_names)
    for name in sheet_names:
        try:
            with open_table(path, original_name=original_name, sheet=name) as table:
                for _number, cells in table.rows():
                    for index, value in enumerate(cells):
                        if value != "":
                            masker.value(value, strict=masker.strict(name, table.column_label(index)))
        except FileRejected:
            continue  # a sheet the reader refuses (chart sheet, too large) cannot be counted; the others are
    return masker
