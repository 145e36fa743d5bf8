"""The annotated workbook (错误标注): the uploaded sheet with bad cells highlighted, the reason as a
comment, and a 错误说明 column, so the clerk fixes the same file and uploads it again.

An .xlsx of ordinary size is annotated in place with openpyxl: the clerk's own workbook comes back —
other sheets, merged titles, column widths, number formats, fonts, formulas and drop-downs kept.
Anything else (.xls, .ods, .csv, or a sheet above ``IN_PLACE_MAX_CELLS``, which openpyxl would
hold in memory several times over) is rebuilt from the values as read, streaming, in constant memory.
"""

from collections import defaultdict
from pathlib import Path

import openpyxl
import xlsxwriter
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .engine import RowError, run_import
from .ledger import Context, Ledger
from .masking import Masker, mask_workbook_in_place, personal_letters
from .reading import Table, column_letters, open_table

IN_PLACE_MAX_CELLS = 500_000
BAD_FILL, BAD_FONT = "FFC7CE", "9C0006"


def annotate(
    path: Path,
    *,
    original_name: str,
    ledger: Ledger,
    ctx: Context,
    remembered: dict[str, str],
    out: Path,
    masked_header: dict | None = None,
) -> Masker | None:
    """Check the upload at ``path`` and write its annotated copy to ``out``. Raises FileRejected.

    With ``masked_header`` (the batch's recognised header) the copy is masked as well (``masking.py``:
    IDs, phones and bank accounts in every cell, the ledger's personal columns strictly); the Masker
    returned tells how many values it masked."""
    masker = None
    with open_table(path, original_name=original_name) as table:
        errors = errors_by_row(table, ledger, ctx, remembered)
        in_place = table.format == "xlsx" and (table.height or 0) * (table.width or 0) <= IN_PLACE_MAX_CELLS
        sheet_name = table.sheet_name
        if masked_header is not None:
            masker = Masker(personal_letters(table, masked_header, ledger.personal_columns))
    if in_place and _annotate_in_place(path, sheet_name, errors, out, masker):
        return masker
    if masker is not None:
        masker.counts.clear()
    with open_table(path, original_name=original_name) as table:
        write_annotated(table, errors, out, masker)
    return masker


def _explanation(row_number: int, row_errors: list[RowError]) -> str:
    return ";".join((f"{e.column}{row_number} {e.header}:" if e.column else "") + e.message for e in row_errors)


def _annotate_in_place(
    path: Path, sheet_name: str, errors: dict[int, list[RowError]], out: Path, masker: Masker | None = None
) -> bool:
    """Mark the errors in the clerk's own workbook; False if openpyxl cannot load or save it."""
    try:
        workbook = openpyxl.load_workbook(path, rich_text=True)
        sheet = workbook[sheet_name]
    except Exception:  # noqa: BLE001 - anything openpyxl cannot take is annotated from the values instead
        return False
    explain_col = sheet.max_column + 1
    header = sheet.cell(row=1, column=explain_col, value=_("错误说明"))
    header.font = Font(bold=True)
    header.fill = PatternFill(fill_type="solid", fgColor="FCE4D6")
    sheet.column_dimensions[column_letters(explain_col - 1)].width = 60
    fill, font = PatternFill(fill_type="solid", fgColor=BAD_FILL), Font(color=BAD_FONT)
    for row_number, row_errors in errors.items():
        for error in row_errors:
            if not error.column:
                continue
            cell = sheet[f"{error.column}{row_number}"]
            cell.fill, cell.font = fill, font
            comment = Comment(error.message, "连心桥")
            comment.width, comment.height = 300, 120
            cell.comment = comment
        note = sheet.cell(row=row_number, column=explain_col, value=_explanation(row_number, row_errors))
        note.font = Font(color=BAD_FONT)
    try:
        if masker is not None:
            mask_workbook_in_place(workbook, masker)
            for row_number in errors:  # the explanations quote what was typed: as strictly as a personal column
                note = sheet.cell(row=row_number, column=explain_col)
                if isinstance(note.value, str):
                    note.value = masker.text(note.value, strict=True)
        workbook.save(out)
    except Exception:  # noqa: BLE001
        return False
    return True


def _cell_value(value):
    # Dates, numbers and text as read; anything else (times, durations) as text.
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def errors_by_row(table: Table, ledger: Ledger, ctx: Context, remembered: dict[str, str]) -> dict[int, list[RowError]]:
    """Every error of the file (not only the first thousand the history keeps), by sheet row."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    summary, _match = run_import(table=table, ledger=ledger, ctx=ctx, remembered=remembered, max_errors=None)
    for error in summary.errors:
        by_row[error.row].append(error)
    return by_row


def write_annotated(table: Table, errors: dict[int, list[RowError]], out: Path, masker: Masker | None = None) -> None:
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(table.sheet_name[:31] or "Sheet1")
    bad = workbook.add_format({"bg_color": f"#{BAD_FILL}", "font_color": f"#{BAD_FONT}"})
    note = workbook.add_format({"font_color": f"#{BAD_FONT}", "text_wrap": True})
    head = workbook.add_format({"bold": True, "bg_color": "#FCE4D6"})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    width = 0
    explain_col = None
    for row_number, cells in table.rows():
        r = row_number - 1
        width = max(width, len(cells))
        if explain_col is None:
            explain_col = max(table.width or 0, len(cells)) + table.first_column
            sheet.write(r, explain_col, _("错误说明"), head)
        row_errors = errors.get(row_number, [])
        marked = {e.column: e for e in row_errors if e.column}
        for index, value in enumerate(cells):
            c = table.first_column + index
            letter = column_letters(c)
            fmt = bad if letter in marked else (dates if hasattr(value, "year") else None)
            if value == "" and fmt is None:
                continue
            if masker is not None:
                value = masker.value(value, strict=masker.strict(table.sheet_name, letter))
            sheet.write(r, c, _cell_value(value), fmt)
            if letter in marked:
                message = marked[letter].message
                shown = masker.text(message, strict=masker.strict(table.sheet_name, letter)) if masker else message
                sheet.write_comment(r, c, shown, {"x_scale": 2, "y_scale": 1.5})
        if row_errors:
            explanation = _explanation(row_number, row_errors)
            # The explanations quote what was typed in bad cells: mask them as strictly as a personal column.
            sheet.write(r, explain_col, masker.text(explanation, strict=True) if masker else explanation, note)
    sheet.set_column(explain_col or 0, explain_col or 0, 60)
    workbook.close()
