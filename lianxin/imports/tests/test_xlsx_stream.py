# ruff: noqa: DTZ001 - Excel date cells carry no time zone
"""A big .xlsx is read from its XML as it streams by (xlsx_stream.py); it must read exactly as
calamine reads it, and the engine must import it the same way."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from lianxin.imports import reading
from lianxin.imports.annotate import errors_by_row
from lianxin.imports.ledger import Context, ledger_get
from lianxin.imports.reading import OversizedCell, open_table
from lianxin.imports.tests import workbooks as wb
from lianxin.imports.tests.test_engine import messy_person_workbook

CALAMINE = 10**12  # never stream
STREAM = 0  # always stream


def _read(path: Path, stream_cells: int) -> list[tuple[int, list]]:
    """Rows as (number, cells counted from column A, trailing empties dropped)."""
    with open_table(path, original_name=path.name, stream_cells=stream_cells) as table:
        streamed = table._stream is not None
        assert streamed == (stream_cells == STREAM)
        out = []
        for number, cells in table.rows():
            cells = [""] * table.first_column + list(cells)
            while cells and cells[-1] == "":
                cells.pop()
            out.append((number, cells))
    while out and not out[-1][1]:
        out.pop()
    return out


def _same_both_ways(path: Path) -> list[tuple[int, list]]:
    calamine = _read(path, CALAMINE)
    assert _read(path, STREAM) == calamine
    return calamine


def test_the_messy_ledger_reads_the_same_streamed(tmp_path):
    rows = _same_both_ways(wb.messy_person_ledger_xlsx(tmp_path / "台账.xlsx"))
    assert len(rows) > 5


def test_dates_times_numbers_booleans_and_formulas_read_the_same_streamed(tmp_path):
    path = tmp_path / "values.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    chinese = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    builtin = book.add_format({"num_format": 14})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(1, 2, [1.0, 2.5, "x", True, False, 530121199001011234, 5.30121199e17])
    sheet.write_datetime(2, 2, dt.datetime(2011, 3, 5), day)
    sheet.write_datetime(2, 3, dt.datetime(2011, 3, 5, 8, 30), moment)
    sheet.write_datetime(2, 4, dt.datetime(1899, 12, 31, 8, 30), clock)
    sheet.write_datetime(2, 5, dt.datetime(2011, 3, 5), chinese)
    sheet.write_datetime(2, 6, dt.datetime(1990, 1, 1), builtin)
    sheet.write_number(2, 7, 12345.678, money)
    sheet.write_formula(3, 2, "=1/0")
    sheet.write_formula(3, 3, '="合"&"计"', None, "合计")
    sheet.write(5, 0, "a & b < c")  # a gap row above, markup characters
    sheet.write(6, 1, " 王 小明 ")
    book.close()

    rows = _same_both_ways(path)

    assert rows[2][1][2:4] == [dt.date(2011, 3, 5), dt.datetime(2011, 3, 5, 8, 30)]
    assert rows[1][1][2] == 1.0


def test_shared_and_rich_text_strings_read_the_same_streamed(tmp_path):
    path = tmp_path / "shared.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "备注"])
    sheet.append(["王小明", "53262219800101001X", CellRichText(["红色", TextBlock(InlineFont(b=True), "加粗")])])
    sheet.append(["李秀英", "532622198001020023", "line\nbreak"])
    book.save(path)

    rows = _same_both_ways(path)

    assert rows[1][1][2] == "红色加粗"


def test_hand_written_markup_reads_the_same_streamed(tmp_path):
    cells = (
        '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B1" t="inlineStr"><is><t>内联</t></is></c>'
        "<c r='C1'><v>7</v></c></row>"
        "<row><c><v>1</v></c><c/><c><v>3</v></c></row>"  # rows and cells without r
        '<row r="4"><c r="b4" t="s"><v>1</v></c><c r="D4" t="str"><v>x_x000D_y</v></c></row>'
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        '<si><t>甲</t></si><si><r><t>乙</t></r><rPh sb="0" eb="1"><t>yi</t></rPh></si></sst>'
    )
    path = wb.craft_xlsx(tmp_path / "hand.xlsx", cells, dimension="A1:D4", shared_strings=strings)

    rows = _same_both_ways(path)

    assert rows[-1] == (4, ["", "乙", "", "x\ry"])


def test_a_huge_cell_is_cut_and_flagged_when_streamed(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "huge.xlsx", [["姓名", "备注"], ["王小明", "长" * 5000]])
    with open_table(path, original_name=path.name, stream_cells=STREAM) as table:
        cell = list(table.rows())[1][1][1]
    assert isinstance(cell, OversizedCell)
    assert cell.original_length == 5000


@pytest.mark.django_db
def test_the_engine_checks_a_streamed_sheet_as_it_checks_a_loaded_one(tmp_path, monkeypatch, group_a1, village_a_clerk):
    path = messy_person_workbook(tmp_path / "户籍台账.xlsx")
    spec = ledger_get("persons")

    def errors() -> list[dict]:
        with open_table(path, original_name=path.name) as table:
            by_row = errors_by_row(table, spec, Context(user=village_a_clerk), {})
        return [error.as_dict() for row in sorted(by_row) for error in by_row[row]]

    loaded = errors()
    monkeypatch.setattr(reading, "DEFAULT_STREAM_CELLS", 0)
    streamed = errors()

    assert len(loaded) >= 3  # the float-mangled ID, the bad check digit, the other village
    assert streamed == loaded


def test_the_choice_to_stream_counts_the_rows_the_sheet_has(tmp_path):
    # 3,000 rows × 4 columns = 12,000 cells; the prescan proves them below row 9,999 (40,000 cells)
    path = wb.xlsx_from_rows(tmp_path / "mid.xlsx", [[f"r{i}", i, "x", "y"] for i in range(3000)])

    with open_table(path, original_name=path.name, stream_cells=20_000) as table:
        assert table._stream is None  # calamine: the sheet is small enough to hold
    with open_table(path, original_name=path.name, stream_cells=10_000) as table:
        assert table._stream is not None


def test_rows_mixing_the_common_cell_form_with_others_read_the_same_streamed(tmp_path):
    # Nearly every cell is written <c r=".." s=".." t=".."><v>..</v></c> and is read by one pattern; the
    # rest (attributes in another order, spaces kept, escapes, booleans, formula strings, empty values)
    # must read as calamine reads them, whether a row is all common cells or not.
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> 空格 </t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>a &amp; b_x0009_c</t></is></c><c r="C1" t="s"><v>1</v></c>'
        '<c r="D1"><v></v></c><c r="E1" t="str"><v>文本</v></c><c r="F1" t="b"><v>1</v></c>'
        '<c r="G1" t="e"><v>#N/A</v></c><c r="H1" t="n"><v>-2.5E3</v></c></row>'
        '<row r="2"><c r="A2"><v>1.5</v></c><c t="s" r="B2"><v>0</v></c><c r="C2"><v>2</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="AA3"><v>27</v></c></row>'
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        "<si><t>甲</t></si><si><t>乙</t></si></sst>"
    )
    path = wb.craft_xlsx(tmp_path / "mixed.xlsx", cells, dimension="A1:AA3", shared_strings=strings)

    rows = _same_both_ways(path)

    assert rows[0][1][:3] == [" 空格 ", "a & b\tc", "乙"]
    assert rows[1][1] == [1.5, "甲", 2.0]
    assert rows[2][1][0] == "甲"
    assert rows[2][1][26] == 27.0
