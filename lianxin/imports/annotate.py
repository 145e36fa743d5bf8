"""The annotated workbook (错误标注): the uploaded sheet as read, bad cells highlighted with the reason
as a comment, and a 错误说明 column, so the clerk fixes the same file and uploads it again."""

from collections import defaultdict
from pathlib import Path

import xlsxwriter
from django.utils.translation import gettext as _

from .engine import RowError, run_import
from .ledger import Context, Ledger
from .reading import Table, column_letters


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


def write_annotated(table: Table, errors: dict[int, list[RowError]], out: Path) -> None:
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(table.sheet_name[:31] or "Sheet1")
    bad = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    note = workbook.add_format({"font_color": "#9C0006", "text_wrap": True})
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
            sheet.write(r, c, _cell_value(value), fmt)
            if letter in marked:
                sheet.write_comment(r, c, marked[letter].message, {"x_scale": 2, "y_scale": 1.5})
        if row_errors:
            text = ";".join((f"{e.column}{row_number} {e.header}:" if e.column else "") + e.message for e in row_errors)
            sheet.write(r, explain_col, text, note)
    sheet.set_column(explain_col or 0, explain_col or 0, 60)
    workbook.close()
