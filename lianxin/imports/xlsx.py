"""Excel files we hand out (台账 .xlsx): the blank import template of a ledger, and list exports.

- ``template_workbook(ledger, title_prefix=...)``: the template a village fills in and uploads. Row 1
  a merged title, row 2 the headers (units in brackets, required ones marked with a red ``*``, a
  comment on each with help, 必填/选填 and the synonyms the import accepts), row 3 the ledger's
  sample row. Drop-downs for choice and yes/no columns (from the hidden sheet ``选项`` when the list
  is longer than Excel's 255-character inline limit); ID, phone, code and number columns formatted
  as text so Excel never turns 18 digits into 5.3E+17. Reading it back through
  ``reading.open_table`` + ``headers.find_header`` maps every column.
- ``export_workbook(out, ...)``: a list as a conventional ledger — merged title, 填报单位/制表日期
  line, header with units, 序号 from 1, the rows, a 合计 row — streamed with XlsxWriter's
  ``constant_memory`` mode, so memory stays flat however many rows there are. Totals are summed
  in Python (Decimal) while streaming and written as ``SUM()`` formulas with that cached value.
- ``export_response(request, ...)``: write an export to a temporary file, record the EXPORT
  security event, stream the file back (deleted once sent).
- ``title_prefix(user)``: the place name that heads a user's files (示范镇, or 甲马石村 for a
  village cadre).

Text cells are always written with ``write_string``, never ``write``: a value such as "=1+1" or
"@SUM(...)" stays text and is never turned into a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from lianxin.core.errors import DomainError

from .headers import Column
from .ledger import Ledger

__all__ = [
    "XLSX_CONTENT_TYPE",
    "ExportColumn",
    "choice_labels",
    "display_width",
    "export_response",
    "export_workbook",
    "header_text",
    "template_workbook",
    "title_prefix",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "宋体"
TEXT = "@"
DATE = "yyyy-mm-dd"
EXCEL_MAX_ROWS = 1_048_576
INLINE_LIST_LIMIT = 255  # characters of an inline data-validation list, commas included
TEMPLATE_ROWS = 1000  # rows below the header that get text format and drop-downs
OPTIONS_SHEET = "选项"
# Kinds whose cells must stay text: leading zeros, 18-digit numbers, codes with letters.
TEXT_KINDS = frozenset({"text", "name", "resident_id", "credit_code", "phone"})
NUMBER_KINDS = frozenset({"money", "area", "int"})
DEFAULT_UNITS = {"money": "元", "area": "亩"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_WIDTH = 50
_WIDTH_SAMPLE_ROWS = 500  # export column widths are fitted to the first rows only (streaming)


def display_width(value: Any) -> int:
    """Characters as Excel's column width counts them: CJK and full-width characters count double."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(width: float, minimum: int = 6) -> float:
    return min(max(width + 2, minimum), _MAX_WIDTH)


def title_prefix(user) -> str:
    """The place a user's files are headed with: the name of the user's scope region (the township
    for township staff, the village for a village cadre), else ``LIANXIN_TOWNSHIP_NAME``, else ""."""
    if getattr(user, "scope_region_id", None):
        return user.scope_region.name
    return settings.LIANXIN_TOWNSHIP_NAME or ""


def _sheet_name(text: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text).strip("'")
    return cleaned[:31] or "Sheet1"


def _excel_date(value: dt.date) -> int:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return (value - _EXCEL_EPOCH).days


# ---------------------------------------------------------------------------------------------
# Import template


def header_text(column: Column) -> str:
    """The header a template shows: the label, plus the unit in brackets (产值(元))."""
    return f"{column.label}({column.unit})" if column.unit else str(column.label)


def choice_labels(column: Column) -> list[str]:
    """The drop-down of a choice column: for each stored value, the first label naming it (民族: the
    58 full names 汉族…, not the short forms and codes the import also accepts)."""
    first: dict[str, str] = {}
    for label, value in (column.choices or {}).items():
        first.setdefault(value, str(label))
    return list(first.values())


def _column_comment(column: Column) -> str:
    lines = []
    if column.help:
        lines.append(str(column.help))
    lines.append(_("必填") if column.required else _("选填"))
    if column.unit:
        lines.append(_("单位:%(unit)s") % {"unit": column.unit})
    if column.synonyms:
        lines.append(_("也可用列名:%(names)s") % {"names": "、".join(column.synonyms)})
    return "\n".join(lines)


def _comment_options(text: str) -> dict:
    per_line = 26  # double-width characters in a 300-pixel box
    lines = sum(max(1, -(-display_width(line) // (per_line * 2))) for line in text.split("\n"))
    return {"author": "连心桥", "width": 300, "height": 16 * lines + 14, "font_name": FONT, "font_size": 10}


def template_workbook(ledger: Ledger, *, title_prefix: str) -> bytes:
    """The blank import template of ``ledger`` as .xlsx bytes (in Chinese, whatever the language)."""
    with translation.override(None):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        _write_template(workbook, ledger, title_prefix)
        workbook.close()
    return buffer.getvalue()


def _write_template(workbook, ledger: Ledger, prefix: str) -> None:
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    title_fmt = workbook.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
    header_fmt = workbook.add_format(
        {**base, "bold": True, "align": "center", "text_wrap": True, "border": 1, "bg_color": "#D9E1F2"}
    )
    required_fmt = workbook.add_format(
        {**base, "bold": True, "align": "center", "text_wrap": True, "border": 1, "bg_color": "#FCE4D6"}
    )
    star_fmt = workbook.add_format({**base, "bold": True, "font_color": "#C00000"})
    bold_fmt = workbook.add_format({**base, "bold": True})
    text_fmt = workbook.add_format({**base, "num_format": TEXT})
    date_fmt = workbook.add_format({**base, "num_format": DATE})
    plain_fmt = workbook.add_format(base)

    label = str(ledger.label)
    sheet = workbook.add_worksheet(_sheet_name(label))
    options = None  # the hidden sheet of long drop-down lists, made on first need
    options_used = 0
    columns = ledger.columns
    last = len(columns) - 1
    first_data, last_data = 2, 2 + TEMPLATE_ROWS - 1

    title = _("%(place)s%(ledger)s(导入模板)") % {"place": prefix, "ledger": label}
    if last > 0:
        sheet.merge_range(0, 0, 0, last, title, title_fmt)
    else:
        sheet.write_string(0, 0, title, title_fmt)
    sheet.set_row(0, 32)
    notes = _(
        "第2行是列名,请勿修改;标*的列必填。第3行是示例,导入前请改为实际数据或删除。"
        "身份证号码、手机号码等列已设为文本格式;从别的表格复制时请用“选择性粘贴—数值”,以免改掉格式。"
    )
    sheet.write_comment(0, 0, notes, _comment_options(notes))
    sheet.set_row(1, 36)

    for index, column in enumerate(columns):
        text = header_text(column)
        if column.required:
            sheet.write_rich_string(1, index, star_fmt, "*", bold_fmt, text, required_fmt)
        else:
            sheet.write_string(1, index, text, header_fmt)
        comment = _column_comment(column)
        sheet.write_comment(1, index, comment, _comment_options(comment))

        kind = column.kind
        widths = [display_width(text) + (1 if column.required else 0)]
        sample = ledger.sample.get(column.key)
        if sample is not None:
            widths.append(display_width(sample))
        cell_fmt = text_fmt if kind in TEXT_KINDS else date_fmt if kind == "date" else None
        source: list[str] | str | None = None
        if kind == "choice":
            labels = choice_labels(column)
            widths.append(max(map(display_width, labels), default=0))
            if len(",".join(labels)) > INLINE_LIST_LIMIT or any("," in item for item in labels):
                if options is None:
                    options = workbook.add_worksheet(OPTIONS_SHEET)
                    options.hide()
                for row, item in enumerate(labels):
                    options.write_string(row, options_used, item)
                letter = xl_col_to_name(options_used)
                source = f"='{OPTIONS_SHEET}'!${letter}$1:${letter}${len(labels)}"
                options.set_column(options_used, options_used, _fit(max(map(display_width, labels), default=4)))
                options_used += 1
            else:
                source = labels
        elif kind == "bool":
            source = [_("是"), _("否")]
        if source:  # a warning, not a stop: the import also accepts synonyms (妻, 苗, √)
            validation = {
                "validate": "list",
                "source": source,
                "error_type": "warning",
                "error_title": _("不在下拉选项中"),
                "error_message": _("请从下拉列表中选择;其他写法导入时可能被拒绝。"),
            }
            sheet.data_validation(first_data, index, last_data, index, validation)

        sheet.set_column(index, index, _fit(max(widths), 8), cell_fmt)
        if kind in TEXT_KINDS:  # explicit cells as well, for programs that ignore column formats
            for row in range(first_data if sample is None else first_data + 1, last_data + 1):
                sheet.write_blank(row, index, None, text_fmt)
        if sample is not None:
            _write_sample(sheet, first_data, index, sample, kind, text_fmt, date_fmt, plain_fmt)

    sheet.freeze_panes(2, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)


def _write_sample(sheet, row: int, col: int, value: Any, kind: str, text_fmt, date_fmt, plain_fmt) -> None:
    if isinstance(value, bool):
        sheet.write_string(row, col, _("是") if value else _("否"), plain_fmt)
    elif isinstance(value, dt.date):
        sheet.write_number(row, col, _excel_date(value), date_fmt)
    elif isinstance(value, int | float | Decimal) and kind not in TEXT_KINDS:
        sheet.write_number(row, col, float(value), plain_fmt)
    else:
        sheet.write_string(row, col, str(value), text_fmt if kind in TEXT_KINDS else plain_fmt)


# ---------------------------------------------------------------------------------------------
# List export


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export. ``kind`` as for import columns (text, name, resident_id,
    credit_code, phone, choice, date, money, area, int, bool); values arrive ready to show
    (choice labels, masked IDs). ``total`` sums the column in the 合计 row (money/area/int).
    ``unit`` goes into the header in brackets; None means the kind's unit (money 元, area 亩)."""

    label: str
    kind: str = "text"
    total: bool = False
    width: float | None = None
    unit: str | None = None

    def header(self) -> str:
        unit = DEFAULT_UNITS.get(self.kind, "") if self.unit is None else self.unit
        return f"{self.label}({unit})" if unit else str(self.label)


class ExportTooLarge(DomainError):
    """More rows than one Excel sheet holds."""


# The writer's per-cell dispatch, decided once per column.
_STRING, _DECIMAL, _INT, _DATE, _BOOL = range(5)


def export_workbook(
    out: IO[bytes] | str,
    *,
    title: str,
    columns: Sequence[ExportColumn],
    rows: Iterable[Sequence[Any]],
    township: str,
    generated_on: dt.date,
    count_unit: str = "",
) -> int:
    """Write ``rows`` (one value per column, None for empty) as a ledger to ``out`` (a path or a
    binary file object) and return how many rows were written. Constant memory: rows are consumed
    lazily and flushed row by row. ``count_unit`` (人, 户, 家) puts "共N人" into the 合计 row."""
    workbook = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    try:
        count = _write_export(workbook, title, list(columns), rows, township, generated_on, count_unit)
    finally:
        workbook.close()
    return count


def _write_export(workbook, title, columns, rows, township, generated_on, count_unit) -> int:
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    cell = {**base, "border": 1}
    title_fmt = workbook.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
    left_fmt = workbook.add_format({**base, "align": "left"})
    right_fmt = workbook.add_format({**base, "align": "right"})
    header_fmt = workbook.add_format(
        {**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9E1F2"}
    )
    serial_fmt = workbook.add_format({**cell, "align": "center"})
    total_label_fmt = workbook.add_format({**cell, "bold": True, "align": "center"})
    total_text_fmt = workbook.add_format({**cell, "bold": True})
    formats = {
        "text": workbook.add_format({**cell, "num_format": TEXT}),
        "date": workbook.add_format({**cell, "num_format": DATE, "align": "center"}),
        "money": workbook.add_format({**cell, "num_format": "#,##0.00"}),
        "area": workbook.add_format({**cell, "num_format": "#,##0.00"}),
        "int": workbook.add_format({**cell, "num_format": "0"}),  # years and codes: no thousands separator
        "count": workbook.add_format({**cell, "num_format": "#,##0"}),
        "center": workbook.add_format({**cell, "align": "center", "num_format": TEXT}),
    }
    column_text_fmt = workbook.add_format({"num_format": TEXT})  # for rows typed in later
    total_formats = {
        kind: workbook.add_format({**cell, "bold": True, "num_format": fmt})
        for kind, fmt in (("money", "#,##0.00"), ("area", "#,##0.00"), ("int", "#,##0"))
    }

    sheet = workbook.add_worksheet(_sheet_name(title))
    width = len(columns) + 1  # 序号 + columns
    last = width - 1

    sheet.set_row(0, 30)
    if last > 0:
        sheet.merge_range(0, 0, 0, last, title, title_fmt)
    else:
        sheet.write_string(0, 0, title, title_fmt)
    unit_line = _("填报单位:%(name)s") % {"name": township} if township else ""
    date_line = _("制表日期:%(y)d年%(m)d月%(d)d日") % {
        "y": generated_on.year,
        "m": generated_on.month,
        "d": generated_on.day,
    }
    split = max(1, width // 2)
    if width >= 2:
        _merge_or_write(sheet, 1, 0, split - 1, unit_line, left_fmt)
        _merge_or_write(sheet, 1, split, last, date_line, right_fmt)
    else:
        sheet.write_string(1, 0, date_line, right_fmt)

    header_row = 2
    sheet.set_row(header_row, 30)
    headers = [_("序号"), *(column.header() for column in columns)]
    for index, text in enumerate(headers):
        sheet.write_string(header_row, index, text, header_fmt)

    plan = []
    for column in columns:
        kind = column.kind
        if kind in ("money", "area"):
            plan.append((_DECIMAL, formats[kind]))
        elif kind == "int":
            plan.append((_INT, formats["count" if column.total else "int"]))
        elif kind == "date":
            plan.append((_DATE, formats["date"]))
        elif kind == "bool":
            plan.append((_BOOL, formats["center"]))
        else:
            plan.append((_STRING, formats["text"]))
    totals: list[Any] = [Decimal(0) if c.kind in ("money", "area") else 0 for c in columns]
    summed = [c.total and c.kind in NUMBER_KINDS for c in columns]
    widths = [display_width(text) for text in headers]
    yes, no = _("是"), _("否")

    write_string, write_number = sheet.write_string, sheet.write_number
    first_data = header_row + 1
    max_rows = EXCEL_MAX_ROWS - first_data - 1  # the 合计 row needs the last one
    row = first_data
    count = 0
    for values in rows:
        if count >= max_rows:
            raise ExportTooLarge(_("导出超过Excel单表上限(%(n)d行),请缩小筛选范围后分批导出") % {"n": max_rows})
        count += 1
        write_number(row, 0, count, serial_fmt)
        col = 0
        for value in values:
            col += 1
            if value is None or value == "":
                continue
            how, fmt = plan[col - 1]
            if how == _STRING:
                write_string(row, col, value if type(value) is str else str(value), fmt)
            elif how == _DECIMAL:
                write_number(row, col, float(value), fmt)
                if summed[col - 1]:
                    totals[col - 1] += value if type(value) is Decimal else Decimal(str(value))
            elif how == _INT:
                write_number(row, col, value, fmt)
                if summed[col - 1]:
                    totals[col - 1] += value
            elif how == _DATE:
                write_number(row, col, _excel_date(value), fmt)
            else:
                write_string(row, col, yes if value else no, fmt)
        if count <= _WIDTH_SAMPLE_ROWS:
            for index, value in enumerate(values, start=1):
                if value is not None and plan[index - 1][0] in (_STRING, _DECIMAL):
                    shown = display_width(value) + (3 if plan[index - 1][0] == _DECIMAL else 0)
                    if shown > widths[index]:
                        widths[index] = shown
        row += 1

    # 合计
    write_string(row, 0, _("合计"), total_label_fmt)
    last_data = row - 1
    for index, column in enumerate(columns, start=1):
        if summed[index - 1]:
            total = totals[index - 1]
            fmt = total_formats[column.kind]
            if count:
                rng = f"{xl_rowcol_to_cell(first_data, index)}:{xl_rowcol_to_cell(last_data, index)}"
                sheet.write_formula(row, index, f"=SUM({rng})", fmt, total)
            else:
                write_number(row, index, 0, fmt)
        elif index == 1 and count_unit:
            write_string(row, index, _("共%(n)d%(unit)s") % {"n": count, "unit": count_unit}, total_text_fmt)
        else:
            sheet.write_blank(row, index, None, total_text_fmt)

    sheet.set_column(0, 0, _fit(max(widths[0], display_width(count)), 6))
    for index, column in enumerate(columns, start=1):
        how = plan[index - 1][0]
        if column.width is not None:
            col_width = column.width
        elif how == _DATE:
            col_width = _fit(max(widths[index], 10))
        elif how in (_DECIMAL, _INT) and column.total:
            col_width = _fit(max(widths[index], 14))
        else:
            col_width = _fit(widths[index])
        sheet.set_column(index, index, col_width, column_text_fmt if column.kind in TEXT_KINDS else None)
    sheet.freeze_panes(first_data, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    return count


def _merge_or_write(sheet, row: int, first: int, last: int, text: str, fmt) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    elif text:
        sheet.write_string(row, first, text, fmt)


def export_response(
    request,
    *,
    list_key: str,
    title: str,
    columns: Sequence[ExportColumn],
    rows: Iterable[Sequence[Any]],
    filters: dict[str, Any],
    back: str,
    count_unit: str = "",
) -> HttpResponse:
    """Write the export to a temporary file, record the EXPORT security event (list, row count,
    the non-personal filters), and stream the file as ``<title>_<YYYYMMDD>.xlsx``; on a
    DomainError (too many rows) show the message on ``back``, the list page.

    The temporary file has no name on disk (``TemporaryFile``); it goes when the response closes."""
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.services import security_event_record

    today = timezone.localdate()
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        count = export_workbook(
            out,
            title=title,
            columns=columns,
            rows=rows,
            township=title_prefix(request.user),
            generated_on=today,
            count_unit=count_unit,
        )
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT,
            user=request.user,
            detail={"list": list_key, "rows": count, "filters": filters},
        )
        out.seek(0)
    except DomainError as exc:
        out.close()
        messages.error(request, exc.message)
        return redirect(back)
    except BaseException:
        out.close()
        raise
    response = FileResponse(
        out, as_attachment=True, filename=f"{title}_{today:%Y%m%d}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
