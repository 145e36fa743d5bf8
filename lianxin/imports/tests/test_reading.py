import datetime as dt
import functools
import random
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxin.imports import normalise, reading
from lianxin.imports.headers import find_header
from lianxin.imports.reading import FileRejected, OversizedCell, Table, column_letters, open_table
from lianxin.imports.tests import workbooks as wb

NOT_SPREADSHEET = "不是可识别的表格文件(支持 .xlsx、.xls、.ods、.csv)"
CORRUPT = "文件已损坏或不完整,无法读取"
PASSWORD = "文件有密码保护,请先取消密码再上传"
BOMB = "文件解压后过大,疑似压缩炸弹"


def rejected(path, **options) -> str:
    with pytest.raises(FileRejected) as exc:
        with open_table(path, original_name=path.name, **options) as table:
            list(table.rows())
    return exc.value.message


def records(path):
    """The messy ledger read, header-matched and normalised: {row: {key: value or error}}."""
    by_key = {c.key: c for c in wb.PERSON_COLUMNS}
    out = {}
    with open_table(path, original_name=path.name) as table:
        match = find_header(table.rows(), wb.PERSON_COLUMNS)
        bound = {i: normalise.normaliser_for(by_key[k], match.units.get(i, "")) for i, k in match.columns.items()}
        for number, cells in match.data_rows:
            if normalise.row_is_blank(cells):
                continue
            kind = normalise.footer_kind(cells)
            if kind is not None:
                out[number] = kind
                continue
            row = {}
            for i, fn in bound.items():
                try:
                    row[match.columns[i]] = fn(cells[i] if i < len(cells) else "")
                except normalise.CellError as exc:
                    row[match.columns[i]] = exc.message
            out[number] = row
    return out


EXPECTED = {
    5: {
        "name": "王小明",
        "resident_id": "11010519491231002X",
        "gender": "male",
        "birth_date": dt.date(1949, 12, 31),
        "compensation": Decimal("15000.00"),
        "land_area": Decimal("2.50"),
        "low_income": True,
        "phone": "13800138000",
        "note": None,
    },
    6: {
        "name": "李四",
        "resident_id": "110105195003050012",
        "gender": "female",
        "birth_date": dt.date(1950, 3, 5),
        "compensation": Decimal("1234.50"),
        "land_area": Decimal("1.00"),
        "low_income": True,
        "phone": "13900139000",
        "note": "已兑付",
    },
    8: {
        "name": "阿依古丽·买买提",
        "resident_id": "身份证号码被Excel当作数字保存,后几位已丢失(显示为5.32622E+17);请将该列设为文本格式后重新填写",
        "gender": "female",
        "birth_date": dt.date(2011, 3, 5),
        "compensation": Decimal("3500.00"),
        "land_area": Decimal("3.00"),
        "low_income": False,
        "phone": "13800138000",
        "note": None,
    },
    9: {
        "name": "赵六",
        "resident_id": "11010519491231002X",
        "gender": "male",
        "birth_date": dt.date(2011, 3, 5),
        "compensation": Decimal("35000.00"),
        "land_area": Decimal("2.50"),
        "low_income": False,
        "phone": "0871-12345678",
        "note": "代领",
    },
    11: "total",
    12: "note",
}


# ------------------------------------------------------------------------------------------
# formats


@pytest.mark.parametrize(
    ("builder", "name", "fmt"),
    [
        (wb.messy_person_ledger_xlsx, "台账.xlsx", "xlsx"),
        (wb.messy_person_ledger_csv, "台账.csv", "csv"),
        (wb.messy_person_ledger_ods, "台账.ods", "ods"),
        (wb.messy_person_ledger_xls, "台账.xls", "xls"),
    ],
)
def test_the_messy_ledger_reads_the_same_in_every_format(tmp_path, builder, name, fmt):
    path = builder(tmp_path / name)
    with open_table(path, original_name=name) as table:
        assert table.format == fmt
        assert table.original_name == name
    assert records(path) == EXPECTED


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gbk", ","), ("gb18030", "\t"), ("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t")],
)
def test_csv_encoding_and_delimiter_are_detected(tmp_path, encoding, delimiter):
    path = wb.messy_person_ledger_csv(tmp_path / "台账.csv", encoding=encoding, delimiter=delimiter)
    with open_table(path, original_name="台账.csv") as table:
        assert table.csv_delimiter == delimiter
        rows = list(table.rows())
    assert rows[0] == (1, [wb.TITLE] + [""] * 9)
    assert rows[2][1][:3] == ["序号", "身份信息", ""]
    assert records(path) == EXPECTED


def test_format_is_detected_from_content_not_the_name(tmp_path):
    xlsx_named_csv = wb.messy_person_ledger_xlsx(tmp_path / "台账.csv")
    csv_named_xlsx = wb.messy_person_ledger_csv(tmp_path / "台账.xlsx")
    ods_named_xls = wb.messy_person_ledger_ods(tmp_path / "台账.xls")
    with open_table(xlsx_named_csv, original_name="台账.csv") as table:
        assert table.format == "xlsx"
    with open_table(csv_named_xlsx, original_name="台账.xlsx") as table:
        assert table.format == "csv"
    with open_table(ods_named_xls, original_name="台账.xls") as table:
        assert table.format == "ods"
    assert records(xlsx_named_csv) == records(csv_named_xlsx) == EXPECTED


def test_rows_are_numbered_as_excel_shows_them_and_columns_know_their_letters(tmp_path):
    path = tmp_path / "offset.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write("C3", "姓名")
    sheet.write("D3", "身份证号码")
    sheet.write("C5", "王小明")
    book.close()
    with open_table(path, original_name=path.name) as table:
        rows = list(table.rows())
        assert table.first_column == 2
        assert table.column_label(0) == "C"
        assert table.column_label(1) == "D"
    assert rows == [(1, ["", ""]), (2, ["", ""]), (3, ["姓名", "身份证号码"]), (4, ["", ""]), (5, ["王小明", ""])]


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_rows_can_be_read_again_from_the_top(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "a.xlsx", [["姓名"], ["王小明"]])
    with open_table(path, original_name="a.xlsx") as table:
        assert list(table.rows()) == list(table.rows())


def test_closed_table_cannot_be_read(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "a.xlsx", [["姓名"]])
    table = open_table(path, original_name="a.xlsx")
    table.close()
    with pytest.raises(ValueError, match="closed"):
        table.rows()


def test_first_visible_sheet_is_read_unless_one_is_named(tmp_path):
    path = tmp_path / "sheets.xlsx"
    book = xlsxwriter.Workbook(str(path))
    lists = book.add_worksheet("字典")
    lists.write("A1", "男")
    lists.hide()
    data = book.add_worksheet("台账")
    data.write("A1", "姓名")
    data.activate()
    book.close()
    with open_table(path, original_name=path.name) as table:
        assert table.sheet_name == "台账"
        assert table.sheet_names == ["字典", "台账"]
    with open_table(path, original_name=path.name, sheet="字典") as table:
        assert list(table.rows()) == [(1, ["男"])]
    assert rejected(path, sheet="没有") == "文件中没有名为“没有”的工作表"


def test_formulas_come_back_as_their_cached_values_or_empty(tmp_path):
    cached = tmp_path / "cached.xlsx"
    book = xlsxwriter.Workbook(str(cached))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [1.5, 2.5])
    sheet.write_formula(0, 2, "=A1+B1", None, 4.0)
    sheet.write_formula(0, 3, '="合"&"计"', None, "合计")
    book.close()
    with open_table(cached, original_name=cached.name) as table:
        assert list(table.rows()) == [(1, [1.5, 2.5, 4.0, "合计"])]

    # openpyxl stores formulas without computing them: with no cached value calamine has no cell
    # there at all, so the row ends early and the column reads as empty
    uncached = tmp_path / "uncached.xlsx"
    book = openpyxl.Workbook()
    book.active.append([1.5, 2.5, "=A1+B1"])
    book.save(uncached)
    with open_table(uncached, original_name=uncached.name) as table:
        assert list(table.rows()) == [(1, [1.5, 2.5])]


def test_formula_errors_read_as_empty(tmp_path):
    cells = '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B1" t="e"><v>#N/A</v></c><c r="C1"><v>1</v></c></row>'
    path = wb.craft_xlsx(tmp_path / "errors.xlsx", cells, dimension="A1:C1")
    with open_table(path, original_name=path.name) as table:
        assert list(table.rows()) == [(1, ["", "", 1.0])]


def test_a_huge_cell_is_cut_and_flagged(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "huge.xlsx", [["姓名", "备注"], ["王小明", "长" * 5000]])
    with open_table(path, original_name=path.name) as table:
        rows = list(table.rows())
    cell = rows[1][1][1]
    assert isinstance(cell, OversizedCell)
    assert len(cell) == 2000
    assert cell.original_length == 5000
    assert rows[1][1][0] == "王小明"
    with pytest.raises(normalise.CellError, match=r"单元格内容过长\(超过2000字\)"):
        normalise.text(cell)


def test_a_huge_csv_cell_is_cut_and_flagged(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("姓名,备注\n王小明," + "长" * 3000 + "\n", encoding="utf-8")
    with open_table(path, original_name=path.name, max_cell_chars=100) as table:
        rows = list(table.rows())
    assert isinstance(rows[1][1][1], OversizedCell)
    assert rows[1][1][1].limit == 100


# ------------------------------------------------------------------------------------------
# whole-file rejections


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert rejected(path) == "文件是空的"


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00",
        b"\x7fELF\x02\x01\x01",
        b"\x1f\x8b\x08\x00",
    ],
)
def test_documents_and_images_are_not_spreadsheets(tmp_path, head):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(head + bytes(range(256)) * 4)
    assert rejected(path) == NOT_SPREADSHEET


def test_binary_junk_without_magic_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"ab" + bytes(range(1, 32)) * 50)
    assert rejected(path) == NOT_SPREADSHEET


def test_word_document_zip_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<document/>")
    assert rejected(path) == NOT_SPREADSHEET


def test_plain_zip_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    assert rejected(path) == NOT_SPREADSHEET


def test_html_table_saved_as_xls_gets_a_hint(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    assert "网页(HTML)格式" in rejected(path)


def test_xml_spreadsheet_2003_gets_a_hint(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>')
    assert "XML表格格式" in rejected(path)


def test_xlsb_is_refused_with_advice(tmp_path):
    path = wb.craft_xlsx(tmp_path / "a.xlsb", "", main_type="application/vnd.ms-excel.sheet.binary.macroEnabled.main")
    assert ".xlsb" in rejected(path)


def test_truncated_xlsx_is_corrupt(tmp_path):
    whole = wb.messy_person_ledger_xlsx(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert rejected(path) == CORRUPT


def test_xlsx_with_a_damaged_sheet_is_corrupt(tmp_path):
    path = wb.messy_person_ledger_xlsx(tmp_path / "damaged.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 20, start + 60):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    assert rejected(path) == CORRUPT


def test_truncated_xls_is_corrupt(tmp_path):
    whole = wb.messy_person_ledger_xls(tmp_path / "whole.xls").read_bytes()
    path = tmp_path / "half.xls"
    path.write_bytes(whole[:1000])
    assert rejected(path) == CORRUPT


def test_zip_bomb_by_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", wb.SPREADSHEET_MAIN)
        with z.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\x00" * (1 << 20)
            for _ in range(30):  # 30 MB of zeros deflate to about 30 KB
                member.write(block)
    assert path.stat().st_size < 200_000
    assert rejected(path) == BOMB


def test_zip_bomb_by_declared_size(tmp_path):
    path = wb.craft_xlsx(tmp_path / "bomb.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    wb.patch_declared_size(path, "xl/worksheets/sheet1.xml", 600 * 1024 * 1024)
    assert rejected(path) == BOMB


def test_a_big_but_ordinary_file_is_refused_as_too_big_not_as_a_bomb(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r * 7919 % 100003}</v></c></row>' for r in range(1, 5000))
    path = wb.craft_xlsx(tmp_path / "big.xlsx", rows, dimension="A1:A4999")
    assert rejected(path, max_uncompressed=100_000) == "文件过大:解压后超过0MB,请删除多余的工作表或拆分后分批上传"


def test_a_member_that_lies_about_its_size_is_refused_before_calamine_reads_it(tmp_path):
    # zipfile stops at the claimed size and the checksum no longer matches; calamine's zip reader
    # is never handed the file
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 5000))
    path = wb.craft_xlsx(tmp_path / "a.xlsx", rows, dimension="A1:A4999")
    wb.patch_declared_size(path, "xl/worksheets/sheet1.xml", 1000)  # claims 1 KB, inflates to 150 KB
    assert rejected(path) == CORRUPT


def test_password_protected_xlsx_is_refused(tmp_path):
    assert rejected(wb.encrypted_ooxml(tmp_path / "secret.xlsx")) == PASSWORD


def test_password_protected_xls_is_refused(tmp_path):
    path = wb.write_xls(tmp_path / "secret.xls", [("台账", [["姓名"]])], password=True)
    assert rejected(path) == PASSWORD


def test_password_protected_ods_is_refused(tmp_path):
    path = tmp_path / "secret.ods"
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", bytes(range(256)) * 8)
    assert rejected(path) == PASSWORD


def test_ole_file_without_a_workbook_is_not_a_spreadsheet(tmp_path):
    path = wb.write_cfb(tmp_path / "old.doc", {"WordDocument": b"\x00" * 5000})
    assert rejected(path) == NOT_SPREADSHEET


def test_ten_thousand_columns_are_refused(tmp_path):
    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row in range(3):
        sheet.write_row(row, 0, [f"列{c}" for c in range(10_000)])
    book.close()
    assert rejected(path) == "表格列数过多(10000列),最多支持200列"


def test_column_limit_is_inclusive(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "w.xlsx", [[f"列{c}" for c in range(200)]])
    with open_table(path, original_name=path.name) as table:
        assert table.width == 200
    path = wb.xlsx_from_rows(tmp_path / "w2.xlsx", [[f"列{c}" for c in range(201)]])
    assert rejected(path) == "表格列数过多(201列),最多支持200列"


def test_wide_csv_is_refused_while_reading(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("姓名,身份证号码\n" + ",".join(["x"] * 300) + "\n", encoding="utf-8")
    assert rejected(path) == "表格列数过多(300列),最多支持200列"


def test_trailing_empty_csv_fields_do_not_count_as_columns(tmp_path):
    path = tmp_path / "commas.csv"
    path.write_text("姓名,身份证号码" + "," * 500 + "\n", encoding="utf-8")
    with open_table(path, original_name=path.name) as table:
        assert list(table.rows()) == [(1, ["姓名", "身份证号码"])]


def test_a_stray_value_far_away_is_refused_before_calamine_allocates(tmp_path):
    # calamine would allocate rows × columns × 32 bytes between A1 and the stray cell: 550 GB for
    # XFD1048576, which aborts the whole process rather than raising.
    path = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write("A1", "姓名")
    sheet.write("XFD1048576", "x")
    book.close()
    assert rejected(path) == "表格列数过多(16384列),最多支持200列"


def test_a_stray_value_far_down_a_narrow_sheet_is_refused(tmp_path):
    path = tmp_path / "deep.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write("A1", "姓名")
    sheet.write("GR1048576", "x")  # 200 columns × 1,048,576 rows
    book.close()
    message = rejected(path)
    assert message.startswith("表格范围过大:数据区域为1048576行×200列")
    assert "远处的单元格" in message


def test_cells_without_references_are_placed_as_calamine_places_them(tmp_path):
    far_row = '<row r="1048576">' + "<c><v>1</v></c>" * 30 + "</row>"
    path = wb.craft_xlsx(tmp_path / "rless.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>' + far_row)
    assert rejected(path).startswith("表格范围过大:数据区域为1048576行×30列")


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A1" r="XFD1048576"><v>1</v></c>',  # calamine takes the last r
        '<c s="0" r="XFD1048576"><v>1</v></c>',  # r not first
        '<x:c r="XFD1048576"><v>1</v></x:c>',  # a prefix calamine ignores
        "<c r='XFD1048576'><v>1</v></c>",
        '<c r="xfd1048576"><v>1</v></c>',  # lower case works in calamine too
    ],
)
def test_odd_cell_markup_cannot_sneak_a_cell_past_the_dimension(tmp_path, cell):
    sheet = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">' + cell + "</row>"
    path = wb.craft_xlsx(tmp_path / "odd.xlsx", sheet, dimension="A1")
    assert rejected(path) == "表格列数过多(16384列),最多支持200列"


def test_fast_path_patterns_bound_columns_and_rows_exactly():
    for n in (1, 12, 26, 27, 52, 200, 702, 703, 16384):
        pattern = re.compile(f"(?:{reading._le_letters_pattern(n)})$")
        assert [i for i in range(17000) if bool(pattern.match(column_letters(i))) != (i < n)] == []
    for n in (1, 9, 10, 99, 100, 101, 100001, 1048576):
        pattern = re.compile(reading._le_number_pattern(n) + "$")
        assert [i for i in range(1, n + 2000) if bool(pattern.match(str(i))) != (i <= n)] == []


def test_fast_path_vouches_only_for_canonical_cells_inside_the_dimension():
    outside, row_bound = reading._outside_pattern(12, 100001, 20_000_000)
    assert row_bound == 999_999  # six digits × 12 columns fits in 20 M cells
    for tag in (b'<c r="A1">', b'<c r="L999999" s="3" t="s">', b'<c r="B2"/>', b'<c r="C3" t="inlineStr">'):
        assert outside.search(tag) is None, tag
    for tag in (
        b'<c r="M1">',
        b'<c r="A1000000">',
        b'<c r="A01">',
        b'<c r="a1">',
        b'<c s="1" r="A1">',
        b'<c r="A1" r="XFD1">',
        b"<c r='A1'>",
        b"<c>",
        b'<c  r="A1">',
    ):
        assert outside.search(tag) is not None, tag
    assert outside.search(b'<cols><col min="1" max="3" width="12"/></cols>') is None


def test_a_cell_outside_the_dimension_sends_the_scan_to_the_exact_path(tmp_path):
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="AB1"><v>2</v></c><c r="AC1"><v>3</v></c></row>'
    path = wb.craft_xlsx(tmp_path / "ac.xlsx", cells, dimension="A1:AB1")
    with open_table(path, original_name=path.name) as table:
        assert table.width == 29
        assert list(table.rows())[0][1][-1] == 3.0


def test_a_lying_dimension_is_harmless(tmp_path):
    path = wb.craft_xlsx(tmp_path / "lie.xlsx", '<row r="1"><c r="B1"><v>7</v></c></row>', dimension="A1:XFD1048576")
    with open_table(path, original_name=path.name) as table:
        assert list(table.rows()) == [(1, [7.0])]


def test_sheet_without_dimension_is_scanned_exactly(tmp_path):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>王</t></is></c></row>'
    path = wb.craft_xlsx(tmp_path / "nodim.xlsx", rows, dimension=None)
    with open_table(path, original_name=path.name) as table:
        assert list(table.rows()) == [(1, ["姓名"]), (2, ["王"])]


def test_shared_strings_count_that_would_be_preallocated_is_refused(tmp_path):
    # calamine reserves uniqueCount strings up front: 4,000,000,000 × 24 bytes aborts it
    sst = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    path = wb.craft_xlsx(tmp_path / "sst.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared_strings=sst)
    assert rejected(path) == CORRUPT


def test_xls_dimensions_record_that_would_be_preallocated_is_refused(tmp_path):
    path = wb.write_xls(tmp_path / "dims.xls", [("台账", [["姓名"]])], dimensions=(0, 65536, 0, 1000))
    assert rejected(path).startswith("表格范围过大")


def test_xls_reversed_dimensions_are_corrupt(tmp_path):
    path = wb.write_xls(tmp_path / "dims.xls", [("台账", [["姓名"]])], dimensions=(10, 5, 0, 1))
    assert rejected(path) == CORRUPT


def test_xls_shared_string_count_that_would_be_preallocated_is_refused(tmp_path):
    path = wb.write_xls(tmp_path / "sst.xls", [("台账", [["姓名"]])], sst_unique=2_000_000_000)
    assert rejected(path) == CORRUPT


def test_xls_stray_cell_far_away_is_refused(tmp_path):
    path = wb.write_xls(tmp_path / "far.xls", [("台账", [["姓名"]])], extra_cells=[(65535, 255, 1.0)])
    assert rejected(path).startswith("表格范围过大") or "列数过多" in rejected(path)


def test_xls_any_sheet_is_bounded_because_calamine_reads_them_all(tmp_path):
    draft = [["x"] + [None] * 250 + ["y"]] + [[None]] * 40000 + [["z"]]  # 40,002 rows × 252 columns
    path = wb.write_xls(tmp_path / "two.xls", [("台账", [["姓名"]]), ("草稿", draft)])
    with open_table(path, original_name=path.name) as table:
        assert table.sheet_name == "台账"  # about 10 M cells in the draft: within the default
    assert rejected(path, max_cells=1_000_000).startswith("表格范围过大")


def test_ods_repeated_cells_are_bounded(tmp_path):
    row = '<table:table-row><table:table-cell table:number-columns-repeated="30000000" office:value-type="float" office:value="1"/></table:table-row>'
    path = wb.write_ods(tmp_path / "cols.ods", wb.ods_content([("表", [row])]))
    assert rejected(path).startswith("表格范围过大")


def test_ods_repeated_rows_are_bounded(tmp_path):
    row = '<table:table-row table:number-rows-repeated="30000000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
    path = wb.write_ods(tmp_path / "rows.ods", wb.ods_content([("表", [row])]))
    assert rejected(path).startswith("表格范围过大:数据区域为30000000行×1列")


def test_ods_every_table_is_bounded_because_calamine_reads_them_all(tmp_path):
    bomb = '<table:table-row table:number-rows-repeated="30000000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
    tables = [("台账", [wb.ods_row(["姓名"])]), ("草稿", [bomb])]
    assert rejected(wb.write_ods(tmp_path / "two.ods", wb.ods_content(tables))).startswith("表格范围过大")


def test_ods_trailing_padding_rows_and_columns_are_fine(tmp_path):
    rows = [
        wb.ods_row(["姓名", "身份证号码"]),
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
    ]
    path = wb.write_ods(tmp_path / "pad.ods", wb.ods_content([("表", rows)]))
    with open_table(path, original_name=path.name) as table:
        assert list(table.rows()) == [(1, ["姓名", "身份证号码"])]


def test_csv_in_an_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("姓名,备注\n".encode() + b"\x80\x80,\xff\n")
    assert rejected(path) == "文件编码无法识别,请另存为 UTF-8 或 GBK 编码的 CSV 文件"


def test_csv_with_a_runaway_quote_is_refused_not_crashed(tmp_path):
    # an unclosed quote swallows the rest of the file into one field, past csv's field limit
    path = tmp_path / "quote.csv"
    path.write_bytes(b'a,b\n"x,y\n' + b"z" * 200_000 + b"\n")
    assert rejected(path) == "CSV 文件格式有误(第2行附近),请检查引号是否成对"


# ------------------------------------------------------------------------------------------
# fuzzing: whatever arrives, a Table or FileRejected


def _read_anything(path) -> None:
    """Open and read every row; FileRejected with a message is fine, any other exception fails."""
    message = None
    try:
        with open_table(path, original_name="upload.xlsx") as table:
            for _number, cells in table.rows():
                assert isinstance(cells, list)
    except FileRejected as exc:
        message = exc.message
    assert message is None or message.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096))
def test_random_bytes_give_a_table_or_a_clear_rejection(tmp_path, data):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    _read_anything(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x05\x06", b"\xef\xbb\xbf"]),
    data=st.binary(max_size=2048),
)
def test_random_bytes_behind_spreadsheet_magic_give_a_clear_rejection(tmp_path, prefix, data):
    path = tmp_path / "upload.bin"
    path.write_bytes(prefix + data)
    _read_anything(path)


@functools.cache
def _valid_bytes(kind: str) -> bytes:
    folder = Path(tempfile.mkdtemp(prefix="valid-"))
    builder = {
        "xlsx": wb.messy_person_ledger_xlsx,
        "xls": wb.messy_person_ledger_xls,
        "ods": wb.messy_person_ledger_ods,
    }[kind]
    data = builder(folder / f"a.{kind}").read_bytes()
    shutil.rmtree(folder)
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["xlsx", "xls", "ods"]),
    seed=st.integers(0, 2**32 - 1),
    flips=st.integers(1, 40),
    cut=st.booleans(),
)
def test_damaged_spreadsheets_give_a_table_or_a_clear_rejection(tmp_path, kind, seed, flips, cut):
    data = bytearray(_valid_bytes(kind))
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if cut:
        del data[rng.randrange(len(data)) :]
    path = tmp_path / f"damaged.{kind}"
    path.write_bytes(bytes(data))
    _read_anything(path)


def test_table_is_a_context_manager(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "a.xlsx", [["姓名"]])
    with open_table(path, original_name="a.xlsx") as table:
        assert isinstance(table, Table)
        assert "a.xlsx" in repr(table)


def test_large_ledger_writer_produces_the_declared_rows(tmp_path):
    path = wb.write_large_ledger(tmp_path / "big.xlsx", 50)
    with open_table(path, original_name=path.name) as table:
        match = find_header(table.rows(), wb.LARGE_COLUMNS)
        rows = list(match.data_rows)
    assert len(rows) == 50
    assert len(match.columns) == 11
    assert match.serial_column == 0


def test_open_table_accepts_a_path_string(tmp_path):
    path = wb.xlsx_from_rows(tmp_path / "a.xlsx", [["姓名"]])
    with open_table(str(path), original_name="a.xlsx") as table:
        assert table.format == "xlsx"
