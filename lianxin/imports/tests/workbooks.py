"""Build messy test files the way real township ledgers look.

- ``messy_person_ledger_xlsx``: XlsxWriter; a merged title row, an info row, a two-row header with
  the merged group header 身份信息 over 姓名 / 公民身份号码, a 序号 column, blank rows, full-width
  digits, stray spaces, an ID that Excel turned into a number (5.32622198005170E+17), a date left
  as an Excel serial, 合计 and 制表人 rows at the bottom.
- ``messy_person_ledger_csv``: the same ledger as Excel would save it to CSV, in GBK.
- ``messy_person_ledger_ods``: the same as OpenDocument, written by hand (content.xml in a zip;
  openpyxl cannot write .ods and no extra package is needed for this much).
- ``messy_person_ledger_xls``: the same as BIFF8 .xls, written by hand (a minimal BIFF8 stream in a
  minimal OLE2 compound file; no xlwt needed).
- ``write_cfb``: an OLE2 compound file with the given streams (also used to fake a
  password-protected OOXML file: streams EncryptionInfo + EncryptedPackage).
- ``write_large_ledger``: a 12-column ledger of any size with XlsxWriter's constant_memory mode,
  for speed measurements.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

from lianxin.imports.headers import Column

TITLE = "示范镇人口台账"
MANGLED_ID = 5.32622198005170e17  # what Excel keeps of 532622198005171234 typed into a number cell

# The ledger spec the tests match against.
PERSON_COLUMNS = (
    Column("name", "姓名", ("户主姓名", "名字"), kind="name", required=True),
    Column("resident_id", "身份证号码", ("身份证号", "公民身份号码", "身份证"), kind="resident_id", required=True),
    Column("gender", "性别", kind="choice", choices={"男": "male", "女": "female", "男性": "male", "女性": "female"}),
    Column("birth_date", "出生日期", ("出生年月日", "生日"), kind="date"),
    Column("compensation", "补偿金额", ("金额", "兑付金额"), kind="money", unit="元"),
    Column("land_area", "承包面积", ("面积", "承包地面积"), kind="area", unit="亩"),
    Column("low_income", "是否低保", ("低保户",), kind="bool"),
    Column("phone", "联系电话", ("电话", "手机号码"), kind="phone"),
    Column("note", "备注", kind="text"),
    Column("village_group", "村民小组", ("组别", "所在组"), kind="text", required=True),
)

HEADER_TOP = [
    "序号",
    "身份信息",
    "",
    "性　别",
    "出生日期",
    "补偿金额(万元)",
    "承包面积（亩）",
    "是否低保",
    "联系电话",
    "备注",
]
HEADER_BOTTOM = ["", "姓名", "公民身份号码", "", "", "", "", "", "", ""]

# One ledger, as Python values per column (None = empty cell). Dates that are date objects
# (datetime.date) are written as date cells; int serials as plain numbers (a date cell that lost its format).
DATA_ROWS = [
    [
        1,
        "王 小明",
        "１１０１０５１９４９１２３１００２Ｘ",
        "男",
        dt.date(1949, 12, 31),
        1.5,
        2.5,
        "是",
        "138 0013 8000",
        None,
    ],
    [
        2,
        "  李四 ",
        "110105195003050012",
        "女",
        "1950.3.5",
        "1,234.50元",
        "666.67平方米",
        "√",
        "+86 139-0013-9000",
        "已兑付",
    ],
    None,
    [3, "阿依古丽•买买提", MANGLED_ID, "女性", 40607, 0.35, 3, "否", 13800138000, None],
    [4, "赵六", "11010519491231002x", "男", "2011年3月5日", "3.5万", "2.5", "×", "0871-12345678", "  代领 "],
    None,
]
TOTAL_ROW = ["合计", None, None, None, None, 5.0, 9.0, None, None, None]
NOTES_ROW = ["制表人:张三", None, None, None, "审核人:李四", None, None, None, None, None]

# Sheet row numbers in every variant: title 1, info 2, header 3–4, data 5–10, total 11, notes 12.
FIRST_DATA_ROW = 5
MANGLED_ROW = 8
TOTAL_ROW_NUMBER = 11
NOTES_ROW_NUMBER = 12


def ledger_rows() -> list[list]:
    """The whole sheet as rows of values (title and info rows included), for the hand-written
    formats; merges become a value in the first cell."""
    rows: list[list] = [
        [TITLE] + [None] * 9,
        ["填报单位:示范镇人民政府", None, None, None, None, "填报日期:2024年5月6日", None, None, None, None],
        list(HEADER_TOP),
        list(HEADER_BOTTOM),
    ]
    for row in DATA_ROWS:
        rows.append([None] * 10 if row is None else list(row))
    rows.append(list(TOTAL_ROW))
    rows.append(list(NOTES_ROW))
    return rows


# ---------------------------------------------------------------------------------------------
# xlsx


def messy_person_ledger_xlsx(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("人口台账")
    title = wb.add_format({"bold": True, "align": "center", "font_size": 16})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    text_format = wb.add_format({"num_format": "@", "border": 1})
    cell = wb.add_format({"border": 1})
    ws.merge_range(0, 0, 0, 9, TITLE, title)
    ws.write_string(1, 0, "填报单位:示范镇人民政府")
    ws.write_string(1, 5, "填报日期:2024年5月6日")
    # two header rows: 身份信息 merged over 姓名 / 公民身份号码, the others merged vertically
    for col, text in enumerate(HEADER_TOP):
        if col in (1, 2):
            continue
        ws.merge_range(2, col, 3, col, text, head)
    ws.merge_range(2, 1, 2, 2, "身份信息", head)
    ws.write_string(3, 1, "姓名", head)
    ws.write_string(3, 2, "公民身份号码", head)
    row_index = 4
    for row in DATA_ROWS:
        if row is not None:
            for col, value in enumerate(row):
                _write_xlsx_value(ws, row_index, col, value, cell, date_format, text_format)
        row_index += 1
    ws.merge_range(row_index, 0, row_index, 4, "合计", head)
    ws.write_formula(row_index, 5, "=SUM(F5:F10)", cell, 5.0)
    ws.write_formula(row_index, 6, "=SUM(G5:G10)", cell, 9.0)
    ws.write_string(row_index + 1, 0, NOTES_ROW[0])
    ws.write_string(row_index + 1, 4, NOTES_ROW[4])
    ws.freeze_panes(4, 0)
    wb.close()
    return path


def _write_xlsx_value(ws, row, col, value, cell, date_format, text_format) -> None:
    if value is None:
        ws.write_blank(row, col, None, cell)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, date_format)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, cell)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, cell)
    else:
        ws.write_string(row, col, value, text_format if col == 2 else cell)


def xlsx_from_rows(path: Path, rows: list[list], sheet_name: str = "Sheet1") -> Path:
    """A plain xlsx with ``rows`` from A1 (None → empty)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet_name)
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime | dt.date):
                ws.write_datetime(r, c, value, date_format)
            else:
                ws.write(r, c, value)
    wb.close()
    return path


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="{main}"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
{extra}</Relationships>"""
SPREADSHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def craft_xlsx(
    path: Path,
    sheet_data: str,
    *,
    dimension: str | None = "A1",
    shared_strings: str | None = None,
    main_type: str = SPREADSHEET_MAIN,
) -> Path:
    """An xlsx written by hand around ``sheet_data`` (the XML inside <sheetData>), for files no
    ordinary writer produces: cells without r, a lying dimension, a shared-strings count…"""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    extra = ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(main=main_type))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
            extra = (
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/sharedStrings" Target="sharedStrings.xml"/>'
            )
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(extra=extra))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def patch_declared_size(path: Path, member: str, size: int) -> Path:
    """Make the zip directory claim ``member`` inflates to ``size`` bytes (local and central
    headers), as a zip bomb's does, without writing that much."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_offset = 30 if signature == b"PK\x03\x04" else 46
        pos = data.find(signature)
        while pos >= 0:
            if data[pos + name_offset : pos + name_offset + len(name)] == name:
                struct.pack_into("<I", data, pos + offset, size)
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))
    return path


# ---------------------------------------------------------------------------------------------
# csv


def _csv_text(value) -> str:
    """What Excel writes to CSV for a cell: its displayed text."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, float):
        if value == MANGLED_ID:
            return "5.32622E+17"
        return f"{value:g}"
    return str(value)


def messy_person_ledger_csv(path: Path, encoding: str = "gbk", delimiter: str = ",") -> Path:
    lines = []
    for row in ledger_rows():
        fields = []
        for value in row:
            text = _csv_text(value).replace("•", "·")  # U+2022 is not in GBK
            if delimiter in text or '"' in text or "\n" in text:
                text = '"' + text.replace('"', '""') + '"'
            fields.append(text)
        lines.append(delimiter.join(fields))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


# ---------------------------------------------------------------------------------------------
# ods

_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_ODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>"""
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _ods_cell(value, span: int = 1) -> str:
    extra = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return f'<table:table-cell{extra} office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<table:table-cell{extra} office:value-type="float" office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>'
    return (
        f'<table:table-cell{extra} office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'
    )


def ods_content(tables: list[tuple[str, list[str]]]) -> str:
    """content.xml for tables given as (name, [row XML, …])."""
    body = "".join(
        f'<table:table table:name="{escape(name)}">' + "".join(rows) + "</table:table>" for name, rows in tables
    )
    return _ODS_HEAD + body + _ODS_TAIL


def write_ods(path: Path, content_xml: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content_xml, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_row(values: list, repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>" + "".join(_ods_cell(v) for v in values) + "</table:table-row>"


def messy_person_ledger_ods(path: Path) -> Path:
    rows = ledger_rows()
    xml_rows = [
        # merged title: one spanned cell and nine covered cells, as LibreOffice writes it
        "<table:table-row>"
        + _ods_cell(TITLE, span=10)
        + '<table:covered-table-cell table:number-columns-repeated="9"/>'
        + "</table:table-row>"
    ]
    xml_rows += [ods_row(row) for row in rows[1:]]
    # LibreOffice pads the sheet with a huge repeated empty row; calamine must not expand it
    xml_rows.append(
        '<table:table-row table:number-rows-repeated="1048560"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    return write_ods(path, ods_content([("人口台账", xml_rows)]))


# ---------------------------------------------------------------------------------------------
# OLE2 compound file and BIFF8 (.xls)

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR = 512


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A version-3 compound file. Every stream is padded to 4096 bytes or more so that it lives in
    regular sectors (no mini stream needed)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n] + b"\x00" * max(0, 4096 - len(streams[n])) for n in names]
    data_sectors = [-(-len(d) // _SECTOR) for d in datas]
    entries = 1 + len(names)
    dir_sectors = -(-entries // 4)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + dir_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [_FATSECT] * fat_sectors
    first_dir = len(fat)
    fat += [len(fat) + i + 1 for i in range(dir_sectors - 1)] + [_END]
    starts = []
    for count in data_sectors:
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, right: int = _NOSTREAM, child: int = _NOSTREAM) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            raw,
            len(raw) if name else 0,
            kind,
            1,
            _NOSTREAM,
            right,
            child,
            b"",
            0,
            0,
            0,
            start,
            size,
        )

    directory = entry("Root Entry", 5, _END, 0, child=1 if names else _NOSTREAM)
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        directory += entry(name, 2, starts[i], len(data), right=right)
    directory += b"".join(entry("", 0, 0, 0) for _ in range(dir_sectors * 4 - entries))
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        fat_sectors,
        first_dir,
        0,
        4096,
        _END,
        0,
        _END,
        0,
        *difat,
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    for data, count in zip(datas, data_sectors, strict=True):
        body += data + b"\x00" * (count * _SECTOR - len(data))
    path.write_bytes(header + body)
    return path


def _record(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def biff8_workbook(
    sheets: list[tuple[str, list[list]]],
    *,
    password: bool = False,
    dimensions: tuple[int, int, int, int] | None = None,
    sst_unique: int | None = None,
    extra_cells: list[tuple[int, int, float]] = (),
) -> bytes:
    """A minimal BIFF8 Workbook stream: strings through the SST, numbers as NUMBER records.

    ``dimensions`` (first row, last row + 1, first col, last col + 1) and ``sst_unique`` override
    what the records claim; ``extra_cells`` adds NUMBER records at (row, col) to the first sheet."""
    strings: list[str] = []
    index: dict[str, int] = {}
    sheet_bodies = []
    for sheet_index, (_, rows) in enumerate(sheets):
        cells = b""
        last_row = last_col = 0
        if sheet_index == 0:
            for r, c, v in extra_cells:
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, v))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                last_row, last_col = max(last_row, r), max(last_col, c)
                if isinstance(value, dt.date):
                    value = (value - dt.date(1899, 12, 30)).days
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
                else:
                    text = str(value)
                    if text not in index:
                        index[text] = len(strings)
                        strings.append(text)
                    cells += _record(0x00FD, struct.pack("<HHHI", r, c, 0, index[text]))
        dims = dimensions or (0, last_row + 1, 0, last_col + 1)
        dimension_record = _record(0x0200, struct.pack("<IIHHH", *dims, 0))
        sheet_bodies.append(
            _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
            + dimension_record
            + cells
            + _record(0x000A, b"")
        )
    unique = len(strings) if sst_unique is None else sst_unique
    sst = struct.pack("<ii", unique, unique) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings
    )
    if len(sst) > 8224:
        raise ValueError("test SST too large for one record")

    def globals_stream(offsets: list[int]) -> bytes:
        out = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
        if password:
            out += _record(0x002F, struct.pack("<H", 1) + b"\x00" * 52)
        out += _record(0x0042, struct.pack("<H", 1200))
        for (name, _), offset in zip(sheets, offsets, strict=True):
            raw = name.encode("utf-16-le")
            out += _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + raw)
        out += _record(0x00FC, sst)
        out += _record(0x000A, b"")
        return out

    size = len(globals_stream([0] * len(sheets)))
    offsets = []
    for body in sheet_bodies:
        offsets.append(size)
        size += len(body)
    return globals_stream(offsets) + b"".join(sheet_bodies)


def write_xls(path: Path, sheets: list[tuple[str, list[list]]], **options) -> Path:
    return write_cfb(path, {"Workbook": biff8_workbook(sheets, **options)})


def messy_person_ledger_xls(path: Path) -> Path:
    return write_xls(path, [("人口台账", ledger_rows())])


def encrypted_ooxml(path: Path) -> Path:
    """What Excel saves when "Encrypt with password" is on: an OLE2 file holding EncryptionInfo
    (here a stub agile-encryption header) and EncryptedPackage (random-looking bytes)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8"?><encryption/>'
    return write_cfb(path, {"EncryptionInfo": info, "EncryptedPackage": bytes(range(256)) * 32})


# ---------------------------------------------------------------------------------------------
# big files for speed

LARGE_HEADER = [
    "序号",
    "户主姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "村民小组",
    "承包面积(亩)",
    "补偿金额(元)",
    "是否低保",
    "银行账号",
    "备注",
]


def write_large_ledger(path: Path, rows: int) -> Path:
    """``rows`` data rows × 12 columns under a one-row header, streamed with constant_memory."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("台账")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, LARGE_HEADER)
    for i in range(1, rows + 1):
        ws.write_number(i, 0, i)
        ws.write_string(i, 1, f"张三{i % 1000}")
        ws.write_string(i, 2, "11010519491231002X")
        ws.write_string(i, 3, "男" if i % 2 else "女")
        ws.write_datetime(i, 4, dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28), date_format)
        ws.write_string(i, 5, f"1380013{i % 10000:04d}")
        ws.write_string(i, 6, f"第{i % 9 + 1}组")
        ws.write_number(i, 7, round(1.5 + (i % 100) / 7, 2))
        ws.write_number(i, 8, round(1234.56 + i % 1000, 2))
        ws.write_string(i, 9, "是" if i % 3 == 0 else "否")
        ws.write_string(i, 10, f"6222{i:015d}")
        if i % 10 == 0:
            ws.write_string(i, 11, "已核实")
    wb.close()
    return path


LARGE_COLUMNS = (
    Column("name", "户主姓名", ("姓名",), kind="name", required=True),
    Column("resident_id", "公民身份号码", ("身份证号码",), kind="resident_id", required=True),
    Column("gender", "性别", kind="choice", choices={"男": "male", "女": "female"}),
    Column("birth_date", "出生日期", kind="date"),
    Column("phone", "联系电话", kind="phone"),
    Column("village_group", "村民小组", kind="text"),
    Column("land_area", "承包面积", kind="area", unit="亩"),
    Column("compensation", "补偿金额", kind="money", unit="元"),
    Column("low_income", "是否低保", kind="bool"),
    Column("bank_account", "银行账号", kind="text"),
    Column("note", "备注", kind="text"),
)


def xlsx_bytes(rows: list[list]) -> bytes:
    """A plain one-sheet workbook of ``rows``, in memory (for uploads in view and API tests)."""
    import io

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    workbook.close()
    return buffer.getvalue()
