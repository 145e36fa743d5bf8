"""Open an uploaded spreadsheet and hand its rows out lazily, or refuse it with a Chinese message.

``open_table(path, original_name=...)`` looks at the file's bytes, not its name: a zip holding
spreadsheetml is .xlsx, a zip whose ``mimetype`` is an OpenDocument spreadsheet is .ods, an OLE2
compound file with a ``Workbook`` stream is .xls (with ``EncryptionInfo`` it is a password-protected
OOXML file), anything else is tried as CSV text (UTF-8 with or without BOM, else GB18030, the
superset of GBK). xlsx/xls/ods go through python-calamine; CSV through the csv module.

Before calamine sees a file we check what would make it crash the worker rather than fail: calamine
builds each sheet as one dense rows × columns grid (32 bytes a cell) spanning the used cells, so a
5 KB file with a value in A1 and one in XFD1048576 asks for 550 GB and aborts the process (a Rust
allocation failure, not an exception). Likewise a shared-strings count or an .xls DIMENSIONS record
that lies about its size is preallocated. So each format gets a pre-scan that bounds the grid:

- xlsx: the zip's declared sizes and ratios (zip bomb); ``uniqueCount`` of the shared strings; the
  chosen sheet's XML streamed once. Fast path: when the sheet declares ``<dimension ref=...>`` within
  the limits, one regular-expression search per chunk proves that every cell lies inside it (costs
  about the time to inflate the XML). Otherwise, or if any cell escapes it, an exact tokenising scan
  that follows calamine's rules (cells without ``r``, rows without ``r``, attributes in any order).
- ods: calamine reads every table when the file opens, so all tables are scanned, with their
  ``number-rows-repeated`` / ``number-columns-repeated`` expansion.
- xls: calamine reads every sheet at open; all BIFF cell records are scanned, DIMENSIONS and the SST
  count are checked, FILEPASS means a password.

Formulas: calamine returns the value cached in the file when it was last saved. A formula without a
cached value (written by a program that does not compute, e.g. openpyxl, and never opened in
Excel) is no cell at all to calamine: the row is shorter or the cell "" (or 0 where the writer
stored 0 as its placeholder, as XlsxWriter does). Callers treat ``index >= len(cells)`` as "". Error values such as
#DIV/0! and #N/A also come back as "" (python-calamine's choice), so a required column fed by a
broken formula reads as missing, not as text. Nothing here evaluates formulas.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import itertools
import posixpath
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from lianxin.core import safexml

from .xlsx_stream import XlsxStream

__all__ = ["FileRejected", "OversizedCell", "Table", "open_table"]

MB = 1024 * 1024
DEFAULT_MAX_COLUMNS = 200
DEFAULT_MAX_CELL_CHARS = 2000
# The dense grid calamine allocates (rows × columns between the first and last used cell). 20 M cells
# is 640 MB of grid at worst; a 1,000,000-row × 12-column ledger is 12 M.
DEFAULT_MAX_CELLS = 20_000_000
# What the zip may inflate to in all. A 1,000,000-row × 12-column sheet written with inline strings
# (XlsxWriter's constant_memory mode, many export tools) is about 600 MB of XML, so 500 MB would
# refuse it; a real zip bomb is caught by its compression ratio long before this.
DEFAULT_MAX_UNCOMPRESSED = 1024 * MB
DEFAULT_MAX_RATIO = 100
# A member must be at least this large before its compression ratio counts: a small XML part
# full of repeats legitimately compresses more than 100×.
RATIO_FLOOR = 20 * MB
_CHUNK = 4 * MB
_MAX_ZIP_MEMBERS = 10_000
_MAX_META_PART = 20 * MB  # workbook.xml, rels, [Content_Types].xml, mimetype

# Above this many cells (rows × columns from A) an .xlsx sheet is streamed instead of loaded by
# calamine, whose grid and strings take about 1 GB for 1,000,000 rows × 12 columns.
DEFAULT_STREAM_CELLS = 2_500_000

FORMATS = ("xlsx", "xls", "ods", "csv")


# ---------------------------------------------------------------------------------------------
# Errors and markers


class FileRejected(Exception):
    """The whole file cannot be imported; ``message`` says why, in Chinese, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OversizedCell(str):
    """A cell's text cut to ``limit`` characters; the normalisers reject it with a message."""

    limit: int
    original_length: int

    def __new__(cls, value: str, limit: int, original_length: int) -> OversizedCell:
        obj = super().__new__(cls, value)
        obj.limit = limit
        obj.original_length = original_length
        return obj


def _not_spreadsheet() -> FileRejected:
    return FileRejected(_("不是可识别的表格文件(支持 .xlsx、.xls、.ods、.csv)"))


def _corrupt() -> FileRejected:
    return FileRejected(_("文件已损坏或不完整,无法读取"))


def _password() -> FileRejected:
    return FileRejected(_("文件有密码保护,请先取消密码再上传"))


def _unsafe_xml(member: str) -> FileRejected:
    return FileRejected(
        _(
            "文件中的XML部分“%(member)s”含有DTD或实体声明(Excel、WPS不会写入这些),疑似恶意构造的文件,已拒绝;"
            "请在Excel或WPS中打开后另存为再上传"
        )
        % {"member": member}
    )


def _bomb() -> FileRejected:
    return FileRejected(_("文件解压后过大,疑似压缩炸弹"))


def _too_big(limit: int) -> FileRejected:
    return FileRejected(_("文件过大:解压后超过%(mb)dMB,请删除多余的工作表或拆分后分批上传") % {"mb": limit // MB})


def _too_many_columns(n: int, limit: int) -> FileRejected:
    return FileRejected(_("表格列数过多(%(n)d列),最多支持%(max)d列") % {"n": n, "max": limit})


def _too_large(rows: int, cols: int) -> FileRejected:
    return FileRejected(
        _(
            "表格范围过大:数据区域为%(rows)d行×%(cols)d列,超出可导入的范围"
            "(可能有远处的单元格误填了内容),请删除多余内容或拆分文件后再上传"
        )
        % {"rows": rows, "cols": cols}
    )


# ---------------------------------------------------------------------------------------------
# Table


class Table:
    """One sheet of an uploaded file, read lazily.

    ``rows()`` yields ``(sheet_row_number, cells)``: the row number as Excel shows it (1-based) and
    a list of raw values — str, int, float, bool, datetime.date/datetime/time/timedelta, or "" for
    an empty cell (for CSV: str only). Rows of one sheet have equal length for xlsx/xls/ods; CSV
    rows are as long as their line. ``cells[i]`` is sheet column ``first_column + i`` (0-based):
    calamine drops empty columns on the left. A cell longer than ``max_cell_chars`` arrives as an
    ``OversizedCell``. Each call to ``rows()`` starts again from the top. Never builds a list of
    all rows: calamine keeps the sheet in Rust and converts one row at a time.

    For CSV, ``rows()`` can raise ``FileRejected`` part-way (an undecodable byte further down, a
    malformed quote, a row with too many columns): treat it like a rejection at open time.
    """

    def __init__(
        self,
        *,
        format: str,
        sheet_name: str,
        sheet_names: list[str],
        original_name: str,
        max_columns: int,
        max_cell_chars: int,
        sheet: Any = None,
        stream: XlsxStream | None = None,
        workbook: Any = None,
        handle: Any = None,
        csv_path: Path | None = None,
        csv_encoding: str = "",
        csv_delimiter: str = ",",
        first_column: int = 0,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        self.format = format
        self.sheet_name = sheet_name
        self.sheet_names = sheet_names
        self.original_name = original_name
        self.max_columns = max_columns
        self.max_cell_chars = max_cell_chars
        self.first_column = first_column
        self.width = width
        self.height = height  # rows in the sheet as far as known before reading (None for CSV): for progress
        self.csv_encoding = csv_encoding
        self.csv_delimiter = csv_delimiter
        self._sheet = sheet
        self._stream = stream
        self._workbook = workbook
        self._handle = handle
        self._csv_path = csv_path

    def __repr__(self) -> str:
        return f"<Table {self.format} {self.sheet_name!r} of {self.original_name!r}>"

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Free calamine's in-memory sheet; rows() cannot be called afterwards."""
        self._sheet = self._stream = None
        if self._workbook is not None:
            try:
                self._workbook.close()
            except CalamineError:
                pass
            self._workbook = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def column_label(self, index: int) -> str:
        """Spreadsheet letters of ``cells[index]``: 0 → "A" when the sheet starts at column A."""
        return column_letters(self.first_column + index)

    def rows(self) -> Iterator[tuple[int, list]]:
        if self.format == "csv":
            return self._csv_rows()
        if self._sheet is None and self._stream is None:
            raise ValueError("table is closed")
        return self._sheet_rows()

    def _sheet_rows(self) -> Iterator[tuple[int, list]]:
        limit = self.max_cell_chars
        number = 0
        # calamine (and the stream, which starts columns at A) yields every row from row 1 (empty
        # rows above the data) but starts columns at the first used one; so the row number is the position.
        rows = self._stream.rows() if self._stream is not None else self._sheet.iter_rows()
        for cells in rows:
            number += 1
            for value in cells:
                if type(value) is str and len(value) > limit:
                    break
            else:
                yield number, cells
                continue
            yield number, [_cap(v, limit) for v in cells]

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        limit = self.max_cell_chars
        max_columns = self.max_columns
        with open(self._csv_path, "rb") as raw:  # type: ignore[arg-type]
            text = io.TextIOWrapper(raw, encoding=self.csv_encoding, errors="strict", newline="")
            reader = csv.reader(text, delimiter=self.csv_delimiter)
            number = 0
            try:
                for cells in reader:
                    number = reader.line_num
                    if len(cells) > max_columns:
                        # Trailing empty fields (",,,,") do not count.
                        while cells and cells[-1] == "":
                            cells.pop()
                        if len(cells) > max_columns:
                            raise _too_many_columns(len(cells), max_columns)
                    for i, value in enumerate(cells):
                        if len(value) > limit:
                            cells[i] = OversizedCell(value[:limit], limit, len(value))
                    yield number, cells
            except UnicodeDecodeError as exc:
                raise FileRejected(
                    _("文件编码无法识别(第%(line)d行附近),请另存为 UTF-8 或 GBK 编码的 CSV 文件") % {"line": number + 1}
                ) from exc
            except csv.Error as exc:
                raise FileRejected(
                    _("CSV 文件格式有误(第%(line)d行附近),请检查引号是否成对") % {"line": number + 1}
                ) from exc


def _cap(value: Any, limit: int) -> Any:
    if type(value) is str and len(value) > limit:
        return OversizedCell(value[:limit], limit, len(value))
    return value


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Entry point

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Binary formats people upload by mistake (PDF, images, archives, executables): none is text.
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"\xfd7zXZ",
    b"\x7fELF",
    b"{\\rtf",
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def open_table(
    path: Path | str,
    *,
    original_name: str,
    sheet: str | None = None,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
    max_cells: int = DEFAULT_MAX_CELLS,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_ratio: int = DEFAULT_MAX_RATIO,
    stream_cells: int | None = None,
) -> Table:
    """Open ``path`` (an upload saved to disk; ``original_name`` is only carried along) and return
    a Table over ``sheet`` (by name) or the first visible worksheet. Raises FileRejected.

    xlsx/xls/ods are loaded into calamine's Rust-side grid here (a 100k-row sheet takes a couple of
    seconds), except an .xlsx sheet of more than ``stream_cells`` cells, which ``rows()`` reads from
    its XML as it goes (``xlsx_stream.py``: constant memory, a few times slower than calamine); CSV is
    only checked (encoding, delimiter) and then streamed by ``rows()``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError as exc:
        raise _corrupt() from exc
    if size == 0:
        raise FileRejected(_("文件是空的"))
    if stream_cells is None:
        stream_cells = DEFAULT_STREAM_CELLS
    limits = _Limits(max_columns, max_cell_chars, max_cells, max_uncompressed, max_ratio, stream_cells)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        with _open_zip(path) as archive:
            fmt, prescan = _inspect_zip(archive, limits)
            return _open_calamine(path, fmt, prescan, original_name, sheet, limits)
    if head.startswith(_OLE_MAGIC):
        fmt, prescan = _inspect_ole(path, limits)
        return _open_calamine(path, fmt, prescan, original_name, sheet, limits)
    if head.startswith(b"PK"):
        raise _corrupt()
    if head.startswith(_BINARY_MAGIC):
        raise _not_spreadsheet()
    _refuse_markup(head)
    return _open_csv(path, original_name, limits, utf16=head.startswith(_UTF16_BOMS))


def _refuse_markup(head: bytes) -> None:
    # Many government systems "export to Excel" as an HTML table named .xls; Excel 2003 could save
    # "XML Spreadsheet". Neither is a spreadsheet calamine reads: say what to do.
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<meta", b"<head")):
        raise FileRejected(_("该文件实际是网页(HTML)格式,请用Excel打开后另存为 .xlsx 再上传"))
    if text.startswith(b"<?xml"):
        if b"spreadsheet" in text or b"workbook" in text:
            raise FileRejected(_("该文件是XML表格格式,请用Excel打开后另存为 .xlsx 再上传"))
        raise _not_spreadsheet()


class _Limits:
    __slots__ = ("max_columns", "max_cell_chars", "max_cells", "max_uncompressed", "max_ratio", "stream_cells")

    def __init__(self, max_columns, max_cell_chars, max_cells, max_uncompressed, max_ratio, stream_cells) -> None:
        self.stream_cells = stream_cells
        self.max_columns = max_columns
        self.max_cell_chars = max_cell_chars
        self.max_cells = max_cells
        self.max_uncompressed = max_uncompressed
        self.max_ratio = max_ratio

    def check_grid(self, rows: int, cols: int, *, target: bool) -> None:
        if rows <= 0 or cols <= 0:
            return
        if target and cols > self.max_columns:
            raise _too_many_columns(cols, self.max_columns)
        if rows * cols > self.max_cells:
            raise _too_large(rows, cols)


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into pyo3_runtime.PanicException, a BaseException subclass.
    return type(exc).__name__ == "PanicException"


def _open_calamine(path: Path, fmt: str, prescan, original_name: str, sheet: str | None, limits: _Limits) -> Table:
    try:
        workbook, handle = _calamine_workbook(path, fmt)
    except BaseException as exc:
        if isinstance(exc, PasswordError):
            raise _password() from exc
        if isinstance(exc, CalamineError | ValueError | OSError | UnicodeError) or _is_panic(exc):
            raise _corrupt() from exc
        raise
    try:
        names = list(workbook.sheet_names)
        if not names:
            raise FileRejected(_("文件中没有工作表"))
        if sheet is None:
            name = _first_visible_worksheet(workbook) or names[0]
        elif sheet in names:
            name = sheet
        else:
            raise FileRejected(_("文件中没有名为“%(name)s”的工作表") % {"name": sheet})
        bounds = prescan(name) if prescan is not None else None
        if fmt == "xlsx" and bounds is not None and bounds[1] * bounds[2] > limits.stream_cells:
            # Too big to hold as calamine's grid: read the sheet's XML as it streams by.
            _close_workbook(workbook, handle)
            return Table(
                format=fmt,
                sheet_name=name,
                sheet_names=names,
                original_name=original_name,
                max_columns=limits.max_columns,
                max_cell_chars=limits.max_cell_chars,
                stream=XlsxStream(path, bounds[0], bounds[2]),
                width=bounds[2],
                height=bounds[1],
            )
        try:
            calamine_sheet = workbook.get_sheet_by_name(name)
        except PasswordError as exc:
            raise _password() from exc
        except (CalamineError, ValueError, OSError, UnicodeError) as exc:
            raise _corrupt() from exc
        except BaseException as exc:
            if _is_panic(exc):
                raise _corrupt() from exc
            raise
        width = calamine_sheet.width
        limits.check_grid(calamine_sheet.height, width, target=True)
        start = calamine_sheet.start
        return Table(
            format=fmt,
            sheet_name=name,
            sheet_names=names,
            original_name=original_name,
            max_columns=limits.max_columns,
            max_cell_chars=limits.max_cell_chars,
            sheet=calamine_sheet,
            workbook=workbook,
            handle=handle,
            first_column=start[1] if start else 0,
            width=width,
            height=(start[0] if start else 0) + calamine_sheet.height,
        )
    except BaseException:
        _close_workbook(workbook, handle)
        raise


def _close_workbook(workbook: CalamineWorkbook, handle: Any) -> None:
    try:
        workbook.close()
    except CalamineError:
        pass
    if handle is not None:
        handle.close()


def _calamine_workbook(path: Path, fmt: str) -> tuple[CalamineWorkbook, Any]:
    """calamine's from_path picks its parser by the file's extension, and the extension is whatever
    the user's computer said (an .ods renamed .xls is common). So open it through a symlink named
    for the format we detected; the symlink goes at once, calamine keeps its open file. Where no
    symlink can be made, from_filelike (which copies the file into memory) does the same job."""
    folder = tempfile.mkdtemp(prefix="lianxin-import-")
    try:
        link = Path(folder) / f"upload.{fmt}"
        try:
            link.symlink_to(path.resolve())
        except OSError:
            handle = open(path, "rb")  # noqa: SIM115 - closed by Table.close()
            try:
                return CalamineWorkbook.from_filelike(handle), handle
            except BaseException:
                handle.close()
                raise
        return CalamineWorkbook.from_path(str(link)), None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _first_visible_worksheet(workbook: CalamineWorkbook) -> str | None:
    # Templates often keep a hidden sheet of drop-down lists; import the first sheet a person sees.
    for meta in workbook.sheets_metadata:
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            return meta.name
    return None


# ---------------------------------------------------------------------------------------------
# Zip containers: xlsx, ods


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        struct.error,
        NotImplementedError,
        UnicodeError,
    ) as exc:
        raise _corrupt() from exc


def _inspect_zip(archive: zipfile.ZipFile, limits: _Limits):
    infos = archive.infolist()
    if len(infos) > _MAX_ZIP_MEMBERS:
        raise _bomb()
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _bomb()
        if info.flag_bits & 0x1:
            raise _password()
    if total > limits.max_uncompressed:
        compressed = sum(info.compress_size for info in infos)
        raise _bomb() if total > limits.max_ratio * max(compressed, 1) else _too_big(limits.max_uncompressed)
    # A DTD in any XML part (an entity bomb, an external entity): refused before any reader sees it.
    unsafe = safexml.zip_xml_refused(archive)
    if unsafe is not None:
        raise _unsafe_xml(unsafe)
    names = {info.filename for info in infos}
    if "mimetype" in names:
        mimetype = _read_member(archive, "mimetype", _MAX_META_PART)
        if b"opendocument.spreadsheet" in mimetype:
            if "META-INF/manifest.xml" in names:
                manifest = _read_member(archive, "META-INF/manifest.xml", _MAX_META_PART)
                if b"encryption-data" in manifest:  # LibreOffice "save with password"
                    raise _password()
            return "ods", _OdsPrescan(archive, limits)
        raise _not_spreadsheet()
    if "[Content_Types].xml" in names:
        types = _read_member(archive, "[Content_Types].xml", _MAX_META_PART)
        if b"spreadsheetml.sheet.binary" in types or b"sheet.binary.macroEnabled" in types:
            raise FileRejected(_("暂不支持 .xlsb 格式,请在Excel中另存为 .xlsx 后上传"))
        if (
            b"spreadsheetml.sheet.main" in types
            or b"sheet.macroEnabled.main" in types
            or b"spreadsheetml.template" in types
        ):
            if "xl/workbook.xml" not in names:
                raise _corrupt()
            return "xlsx", _XlsxPrescan(archive, limits)
        raise _not_spreadsheet()
    if "content.xml" in names and "xl/workbook.xml" not in names:
        raise _not_spreadsheet()
    if "xl/workbook.xml" in names:
        return "xlsx", _XlsxPrescan(archive, limits)
    raise _not_spreadsheet()


# What zipfile and zlib raise on a damaged or truncated archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    KeyError,
)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
        if info.file_size > limit:
            raise _bomb()
        with archive.open(info) as f:
            data = f.read(limit + 1)
    except FileRejected:
        raise
    except _ZIP_ERRORS as exc:
        raise _corrupt() from exc
    if len(data) > limit:
        raise _bomb()
    return data


def _stream_member(archive: zipfile.ZipFile, name: str, limits: _Limits) -> Iterator[bytes]:
    """Yield the inflated member in chunks cut just before a "<", so that no XML tag is split.
    Enforces the size limit on the bytes actually produced: the directory said less (it was
    checked), so a member inflating past it lied about its size — a bomb."""
    produced = 0
    tail = b""
    try:
        with archive.open(name) as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                produced += len(chunk)
                if produced > limits.max_uncompressed:
                    raise _bomb()
                data = tail + chunk
                cut = data.rfind(b"<")
                if cut <= 0:
                    tail = data
                    continue
                tail = data[cut:]
                yield data[:cut]
    except FileRejected:
        raise
    except _ZIP_ERRORS as exc:
        raise _corrupt() from exc
    if tail:
        yield tail


# -- xlsx ------------------------------------------------------------------------------------

_ATTR = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_DIMENSION_RE = re.compile(
    rb"<" + _PREFIX + rb'dimension\s+ref="([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?"'
)
_XLSX_TOKEN_RE = re.compile(rb"<(" + _PREFIX + rb")(row|c)(?=[\s/>])(" + _ATTR + rb")>")
_R_ATTR_RE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF_RE = re.compile(r"^([A-Za-z]{1,4})(\d{1,9})$")
_SST_COUNT_RE = re.compile(rb"""\b(?:uniqueCount|count)\s*=\s*["'](\d+)["']""")


class _XlsxPrescan:
    def __init__(self, archive: zipfile.ZipFile, limits: _Limits) -> None:
        self.archive = archive
        self.limits = limits
        self._check_shared_strings()

    def _check_shared_strings(self) -> None:
        # calamine reserves uniqueCount strings up front (24 bytes each): "4000000000" aborts it.
        try:
            info = self.archive.getinfo("xl/sharedStrings.xml")
        except KeyError:
            return
        try:
            with self.archive.open(info) as f:
                head = f.read(4096)
        except _ZIP_ERRORS as exc:
            raise _corrupt() from exc
        end = head.find(b">", head.find(b"sst"))
        for count in _SST_COUNT_RE.findall(head[: end if end > 0 else len(head)]):
            # Each string takes at least "<si/>" (5 bytes) of the part.
            if int(count) > info.file_size // 5 + 16:
                raise _corrupt()

    def __call__(self, sheet_name: str) -> tuple[str, int, int] | None:
        """(sheet part, rows, last column + 1 counted from A) once the sheet is proved within limits."""
        part = self._sheet_part(sheet_name)
        if part is None:
            return None  # calamine will fail to find it and say so
        rows, cols, declared_rows = self._fast_bounds(part)
        width = cols
        if rows is None:
            rows, cols, width = self._exact_bounds(part)
            declared_rows = rows
        self.limits.check_grid(rows, cols, target=True)
        # For the choice between calamine and streaming, the rows the sheet declares (the fast path's
        # bound is a round figure above them: 100,005 rows are proved to lie below row 1,000,000).
        return part, declared_rows, width

    def _sheet_part(self, sheet_name: str) -> str | None:
        # Mirror calamine: sheets listed in xl/workbook.xml, targets from xl/_rels/workbook.xml.rels,
        # "/xl/…" → "xl/…", "xl/…" kept, anything else prefixed with "xl/".
        try:
            workbook = safexml.fromstring(_read_member(self.archive, "xl/workbook.xml", _MAX_META_PART))
            rels = safexml.fromstring(_read_member(self.archive, "xl/_rels/workbook.xml.rels", _MAX_META_PART))
        except FileRejected:
            raise
        except safexml.DefusedXmlException as exc:
            raise _unsafe_xml("xl/workbook.xml") from exc
        except safexml.ParseError as exc:
            raise _corrupt() from exc
        targets = {}
        for rel in rels.iter():
            if rel.tag.rsplit("}", 1)[-1] == "Relationship":
                targets[rel.get("Id")] = rel.get("Target") or ""
        for node in workbook.iter():
            if node.tag.rsplit("}", 1)[-1] != "sheet" or node.get("name") != sheet_name:
                continue
            for key, value in node.attrib.items():
                if key.rsplit("}", 1)[-1] == "id" and value in targets:
                    target = targets[value]
                    if target.startswith("/xl/"):
                        target = target[1:]
                    elif not target.startswith("xl/"):
                        target = "xl/" + target
                    target = posixpath.normpath(target)
                    return target if target in self.archive.NameToInfo else None
        return None

    def _fast_bounds(self, part: str) -> tuple[int | None, int, int]:
        """Trust-but-verify the sheet's <dimension>: one regex search per chunk proves that no cell
        lies outside it. Returns (row bound, columns, rows declared), or (None, 0, 0) when the exact
        scan is needed."""
        chunks = _stream_member(self.archive, part, self.limits)
        first = next(chunks, b"")
        match = _DIMENSION_RE.search(first[:65536])
        if match is None:
            chunks.close()
            return None, 0, 0
        last_col_letters, last_row = (match.group(3), match.group(4)) if match.group(3) else match.group(1, 2)
        max_col = _letters_to_index(last_col_letters.decode().upper()) + 1
        max_row = int(last_row)
        if max_row < 1 or max_col > self.limits.max_columns or max_col * max_row > self.limits.max_cells:
            chunks.close()
            return None, 0, 0
        outside, row_bound = _outside_pattern(max_col, max_row, self.limits.max_cells)
        for chunk in itertools.chain((first,), chunks):
            if outside.search(chunk) or _PREFIXED_CELL_RE.search(chunk):
                chunks.close()
                return None, 0, 0
        return row_bound, max_col, max_row

    def _exact_bounds(self, part: str) -> tuple[int, int, int]:
        """Follow calamine's placement rules over every <row> and <c> tag."""
        row = -1
        next_col = 0
        min_row = min_col = 1 << 62
        max_row = max_col = -1
        for chunk in _stream_member(self.archive, part, self.limits):
            for match in _XLSX_TOKEN_RE.finditer(chunk):
                name = match.group(2)
                attrs = match.group(3)
                refs = _R_ATTR_RE.findall(attrs)
                if name == b"row":
                    number = _max_int(refs)
                    row = number - 1 if number is not None else row + 1
                    next_col = 0
                    continue
                r, c = _max_ref(refs)
                if r is None:
                    r, c = row, next_col
                next_col = c + 1
                if attrs.endswith(b"/"):
                    continue  # <c r="…" s="1"/>: styled but empty, calamine skips it
                if r < min_row:
                    min_row = r
                if r > max_row:
                    max_row = r
                if c < min_col:
                    min_col = c
                if c > max_col:
                    max_col = c
        if max_row < 0:
            return 0, 0, 0
        return max_row - min_row + 1, max_col - min_col + 1, max_col + 1


def _max_int(refs: list[tuple[bytes, bytes]]) -> int | None:
    best = None
    for a, b in refs:
        text = (a or b).decode("utf-8", "replace")
        if "&" in text:
            text = html.unescape(text)
        text = text.strip()
        if text.isdigit():
            value = int(text)
            best = value if best is None or value > best else best
    return best


def _max_ref(refs: list[tuple[bytes, bytes]]) -> tuple[int | None, int]:
    best_r = best_c = None
    for a, b in refs:
        text = (a or b).decode("utf-8", "replace")
        if "&" in text:
            text = html.unescape(text)
        m = _REF_RE.match(text.strip())
        if not m:
            continue
        r = int(m.group(2)) - 1
        c = _letters_to_index(m.group(1).upper())
        best_r = r if best_r is None or r > best_r else best_r
        best_c = c if best_c is None or c > best_c else best_c
    if best_r is None:
        return None, 0
    return best_r, best_c  # type: ignore[return-value]


def _letters_to_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _le_number_pattern(n: int) -> str:
    """Regex for decimal integers 1..n (no leading zero)."""
    s = str(n)
    d = len(s)
    alts = []
    if d > 1:
        alts.append(f"[1-9][0-9]{{0,{d - 2}}}")
    for i in range(d):
        lo = "1" if i == 0 else "0"
        hi = chr(ord(s[i]) - 1)
        if hi >= lo:
            alts.append(f"{s[:i]}[{lo}-{hi}][0-9]{{{d - i - 1}}}")
    alts.append(s)
    return "(?:" + "|".join(alts) + ")"


def _le_letters_pattern(n: int) -> str:
    """Regex for the upper-case column letters of columns 1..n."""
    s = column_letters(n - 1)
    k = len(s)
    alts = []
    if k > 1:
        alts.append(f"[A-Z]{{1,{k - 1}}}")
    for i in range(k):
        if s[i] > "A":
            rest = f"[A-Z]{{{k - i - 1}}}" if k - i - 1 else ""
            alts.append(f"{s[:i]}[A-{chr(ord(s[i]) - 1)}]{rest}")
    alts.append(s)
    return "(?:" + "|".join(alts) + ")"


def _outside_pattern(max_col: int, max_row: int, max_cells: int) -> tuple[re.Pattern[bytes], int]:
    """A pattern matching every cell tag the fast path cannot vouch for, and the row bound it proves.

    Vouched for: ``<c r="REF"`` + attributes with 1–3 letter lowercase names other than r (s, t,
    cm, vm, ph) + ``>`` or ``/>``, REF in upper case within column ``max_col`` and the row bound.
    That is how Excel, WPS, LibreOffice, openpyxl and XlsxWriter write cells; anything else (a
    second r, r not first, lower case, quotes, prefixes…) sends the scan to the exact path. The
    row bound is "as many digits as max_row" when that still fits in max_cells (a character class
    per digit is much cheaper than an exact ≤ comparison), else exactly max_row."""
    if max_col <= 26:
        col = f"[A-{chr(64 + max_col)}]"
    else:
        col = _le_letters_pattern(max_col)
    digits = len(str(max_row))
    if max_col * (10**digits - 1) <= max_cells:
        row, row_bound = f"[1-9][0-9]{{0,{digits - 1}}}", 10**digits - 1
    else:
        row, row_bound = _le_number_pattern(max_row), max_row
    pattern = rb'<c(?=[ \t\r\n/>])(?! r="' + (col + row).encode() + rb'"(?: [a-qs-z][a-z]{0,2}="[^"]*")*/?>)'
    return re.compile(pattern), row_bound


_PREFIXED_CELL_RE = re.compile(rb":c[ \t\r\n/>]")


# -- ods -------------------------------------------------------------------------------------

_ODS_TOKEN_RE = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])(" + _ATTR + rb")>")
_ODS_ROWS_REPEATED_RE = re.compile(rb"""table:number-rows-repeated\s*=\s*["'](\d+)["']""")
_ODS_COLS_REPEATED_RE = re.compile(rb"""table:number-columns-repeated\s*=\s*["'](\d+)["']""")
_ODS_NAME_RE = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ODS_VALUE_RE = re.compile(
    rb"office:(?:value|value-type|string-value|date-value|time-value|boolean-value)\s*=|table:formula\s*="
)


class _OdsPrescan:
    """calamine reads every table of content.xml when the file is opened, expanding repeated rows
    and cells that hold a value; bound each table's grid before that happens."""

    def __init__(self, archive: zipfile.ZipFile, limits: _Limits) -> None:
        self.archive = archive
        self.limits = limits
        if "content.xml" not in archive.NameToInfo:
            raise _corrupt()
        self.tables = self._scan()
        total = sum(rows * cols for _, rows, cols in self.tables)
        if total > limits.max_cells:
            largest = max(self.tables, key=lambda t: t[1] * t[2])
            raise _too_large(largest[1], largest[2])

    def __call__(self, sheet_name: str) -> None:
        for name, rows, cols in self.tables:
            if name == sheet_name:
                self.limits.check_grid(rows, cols, target=True)

    def _scan(self) -> list[tuple[str, int, int]]:
        tables: list[tuple[str, int, int]] = []
        limits = self.limits
        state = None  # the table being read: _OdsTable
        for chunk in _stream_member(self.archive, "content.xml", limits):
            for match in _ODS_TOKEN_RE.finditer(chunk):
                closing, kind, attrs = match.groups()
                self_closing = attrs.endswith(b"/")
                if kind == b"table":
                    if closing:
                        if state is not None:
                            tables.append((state.name, *state.grid()))
                        state = None
                    elif not self_closing:
                        m = _ODS_NAME_RE.search(attrs)
                        name = html.unescape((m.group(1) or m.group(2)).decode("utf-8", "replace")) if m else ""
                        state = _OdsTable(name)
                    continue
                if state is None:
                    continue
                if kind == b"table-row":
                    if not closing:
                        state.start_row(_ods_int(_ODS_ROWS_REPEATED_RE, attrs))
                    if closing or self_closing:
                        state.end_row(limits)
                    continue
                if not closing:
                    state.cell(_ods_int(_ODS_COLS_REPEATED_RE, attrs), bool(_ODS_VALUE_RE.search(attrs)), limits)
            if state is not None:
                limits.check_grid(*state.grid(), target=False)
        return tables


class _OdsTable:
    """calamine's ods rules: a row's cells are pushed up to its last cell with a value (a repeated
    valued cell pushed once per repeat); a repeated row with values is copied once per repeat, and
    empty rows between valued rows are materialised too."""

    __slots__ = (
        "name",
        "row_index",
        "first_row",
        "last_row_end",
        "min_col",
        "max_col_end",
        "pushed",
        "repeats",
        "col",
        "row_first",
        "row_end",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.row_index = 0
        self.first_row = None
        self.last_row_end = 0
        self.min_col = None
        self.max_col_end = 0
        self.pushed = 0
        self.repeats = 1
        self.col = 0
        self.row_first = None
        self.row_end = 0

    def start_row(self, repeats: int) -> None:
        self.repeats = repeats
        self.col = 0
        self.row_first = None
        self.row_end = 0

    def cell(self, repeats: int, valued: bool, limits: _Limits) -> None:
        if valued:
            if self.row_first is None:
                self.row_first = self.col
            self.row_end = self.col + repeats
            if self.row_end > limits.max_cells:
                raise _too_large(1, self.row_end)
        self.col += repeats

    def end_row(self, limits: _Limits) -> None:
        if self.row_first is not None:
            if self.first_row is None:
                self.first_row = self.row_index
            self.last_row_end = self.row_index + self.repeats
            if self.min_col is None or self.row_first < self.min_col:
                self.min_col = self.row_first
            if self.row_end > self.max_col_end:
                self.max_col_end = self.row_end
            self.pushed += self.row_end
            if self.pushed > limits.max_cells:
                raise _too_large(self.row_index + 1, self.max_col_end)
        self.row_index += self.repeats
        self.row_first = None

    def grid(self) -> tuple[int, int]:
        if self.first_row is None:
            return 0, 0
        return self.last_row_end - self.first_row, self.max_col_end - self.min_col


def _ods_int(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    m = pattern.search(attrs)
    return max(int(m.group(1)), 1) if m else 1


# ---------------------------------------------------------------------------------------------
# OLE2 compound files: xls, encrypted OOXML


def _inspect_ole(path: Path, limits: _Limits):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise _corrupt() from exc
    try:
        cfb = _Cfb(data)
        names = {entry[0] for entry in cfb.entries if entry[1] in (1, 2)}
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise _password()
        stream_name = "Workbook" if "Workbook" in names else "Book" if "Book" in names else None
        if stream_name is None:
            raise _not_spreadsheet()
        stream = cfb.read_stream(stream_name)
    except FileRejected:
        raise
    except (ValueError, IndexError, struct.error, KeyError, OverflowError, MemoryError) as exc:
        raise _corrupt() from exc
    return "xls", _XlsPrescan(stream, limits)


class _Cfb:
    """Just enough of [MS-CFB] to list the directory and read one stream, with every chain
    bounded so a malformed file cannot loop."""

    FREE, END, FAT, DIFAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise ValueError("short header")
        self.data = data
        (major, shift, mini_shift) = struct.unpack_from("<H2xHH", data, 26)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("bad sector size")
        self.sector_size = 1 << shift
        self.major = major
        (num_fat, first_dir, _tx, self.mini_cutoff, first_minifat, num_minifat, first_difat, num_difat) = (
            struct.unpack_from("<IIIIIIII", data, 44)
        )
        self.sector_count = max((len(data) - self.sector_size) // self.sector_size, 0)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < self.DIFAT]
        sector = first_difat
        per = self.sector_size // 4 - 1
        for _step in range(min(num_difat, self.sector_count)):
            if sector >= self.sector_count:
                break
            ids = struct.unpack_from(f"<{per + 1}I", data, self._offset(sector))
            fat_sectors.extend(s for s in ids[:per] if s < self.DIFAT)
            sector = ids[per]
        if len(fat_sectors) > self.sector_count + 1:
            raise ValueError("too many FAT sectors")
        fat = bytearray()
        for s in fat_sectors:
            fat += self._sector(s)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", bytes(fat))
        directory = self._chain_bytes(first_dir, self.fat, self._sector)
        self.entries = []
        for pos in range(0, len(directory) - 127, 128):
            raw = directory[pos : pos + 128]
            name_len = struct.unpack_from("<H", raw, 64)[0]
            kind = raw[66]
            start, size = struct.unpack_from("<IQ", raw, 116)
            if major == 3:
                size &= 0xFFFFFFFF
            name = raw[: max(min(name_len, 64) - 2, 0)].decode("utf-16-le", "replace")
            self.entries.append((name, kind, start, size))
        self.first_minifat = first_minifat
        self.num_minifat = num_minifat

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.sector_size

    def _sector(self, sector: int) -> bytes:
        if sector >= self.sector_count:
            raise ValueError("sector out of range")
        off = self._offset(sector)
        return self.data[off : off + self.sector_size]

    def _chain_bytes(self, start: int, fat, read, limit: int | None = None) -> bytes:
        out = bytearray()
        seen = 0
        sector = start
        while sector < self.DIFAT:
            if sector >= len(fat) or seen > len(fat):
                raise ValueError("broken chain")
            out += read(sector)
            seen += 1
            if limit is not None and len(out) >= limit:
                break
            sector = fat[sector]
        return bytes(out)

    def read_stream(self, name: str) -> bytes:
        entry = next((e for e in self.entries if e[0] == name and e[1] == 2), None)
        if entry is None:
            raise KeyError(name)
        _name, _kind, start, size = entry
        if size > len(self.data):
            raise ValueError("stream larger than file")
        if size >= self.mini_cutoff:
            return self._chain_bytes(start, self.fat, self._sector, size)[:size]
        root = self.entries[0]
        mini_stream = self._chain_bytes(root[2], self.fat, self._sector, root[3])
        minifat_raw = self._chain_bytes(self.first_minifat, self.fat, self._sector)
        minifat = struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw)

        def mini(sector: int) -> bytes:
            off = sector * 64
            if off + 64 > len(mini_stream):
                raise ValueError("mini sector out of range")
            return mini_stream[off : off + 64]

        return self._chain_bytes(start, minifat, mini, size)[:size]


_XLS_CELL_RECORDS = {0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6}


class _XlsPrescan:
    """calamine parses every sheet of an .xls when it opens it: bound them all now."""

    def __init__(self, stream: bytes, limits: _Limits) -> None:
        self.limits = limits
        self.sheets: list[tuple[str, int, int]] = []
        try:
            self._scan(stream)
        except (struct.error, IndexError, ValueError) as exc:
            raise _corrupt() from exc
        total = sum(r * c for _, r, c in self.sheets)
        if total > limits.max_cells:
            largest = max(self.sheets, key=lambda t: t[1] * t[2])
            raise _too_large(largest[1], largest[2])

    def __call__(self, sheet_name: str) -> None:
        for name, rows, cols in self.sheets:
            if name == sheet_name:
                self.limits.check_grid(rows, cols, target=True)

    def _records(self, stream: bytes, pos: int):
        n = len(stream)
        unpack = struct.unpack_from
        while pos + 4 <= n:
            typ, length = unpack("<HH", stream, pos)
            yield typ, pos + 4, length
            pos += 4 + length

    def _scan(self, stream: bytes) -> None:
        unpack = struct.unpack_from
        records = self._records(stream, 0)
        first = next(records, None)
        if first is None or first[0] not in (0x0809, 0x0409, 0x0209, 0x0009):
            raise ValueError("no BOF")
        sheets = []
        sst_pending = None  # (count, bytes so far) while CONTINUE records follow an SST
        for typ, start, length in records:
            if sst_pending is not None:
                if typ == 0x003C:
                    sst_pending[1] += length
                    continue
                self._check_sst(*sst_pending)
                sst_pending = None
            if typ == 0x002F:
                raise _password()
            if typ == 0x0085 and length >= 8:
                pos = unpack("<I", stream, start)[0]
                cch, flags = stream[start + 6], stream[start + 7]
                raw = stream[start + 8 : start + 8 + (cch * 2 if flags & 1 else cch)]
                name = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
                if pos >= len(stream):
                    raise ValueError("sheet offset out of range")
                sheets.append((name, pos))
            elif typ == 0x00FC and length >= 8:
                unique = unpack("<i", stream, start + 4)[0]
                if unique < 0:
                    raise ValueError("negative SST count")
                sst_pending = [unique, length]
            elif typ == 0x000A:
                break
        if sst_pending is not None:
            self._check_sst(*sst_pending)
        for name, pos in sheets:
            rows, cols = self._scan_sheet(stream, pos)
            self.sheets.append((name, rows, cols))

    def _check_sst(self, unique: int, size: int) -> None:
        # calamine reserves ``unique`` strings at once; each takes at least 3 bytes of the record.
        if unique * 3 > size + 8:
            raise _corrupt()

    def _scan_sheet(self, stream: bytes, pos: int) -> tuple[int, int]:
        unpack = struct.unpack_from
        min_r = min_c = 1 << 30
        max_r = max_c = -1
        for typ, start, length in self._records(stream, pos):
            if typ in _XLS_CELL_RECORDS:
                if length < 4:
                    continue
                r, c = unpack("<HH", stream, start)
                c2 = c
            elif typ == 0x00BD:  # MULRK: row, first col, …, last col
                if length < 6:
                    continue
                r, c = unpack("<HH", stream, start)
                c2 = unpack("<H", stream, start + length - 2)[0]
            elif typ == 0x0200:  # DIMENSIONS: calamine reserves rows × cols cells from it
                if length == 14:
                    rf, rl, cf, cl = unpack("<IIHH", stream, start)
                elif length == 10:
                    rf, rl, cf, cl = unpack("<HHHH", stream, start)
                else:
                    continue
                if rl >= 1 and cl >= 1:
                    if rf > rl - 1 or cf > cl - 1:
                        raise _corrupt()
                    if (rl - rf) * (cl - cf) > self.limits.max_cells:
                        raise _too_large(rl - rf, cl - cf)
                continue
            elif typ == 0x000A:
                break
            else:
                continue
            if r < min_r:
                min_r = r
            if r > max_r:
                max_r = r
            if c < min_c:
                min_c = c
            if c2 > max_c:
                max_c = c2
        if max_r < 0:
            return 0, 0
        return max_r - min_r + 1, max_c - min_c + 1


# ---------------------------------------------------------------------------------------------
# CSV

_SAMPLE = 64 * 1024


def _open_csv(path: Path, original_name: str, limits: _Limits, *, utf16: bool = False) -> Table:
    # Excel's "Unicode 文本" export is UTF-16 with a BOM, tab-separated.
    encoding = _detect_encoding(path, ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"))
    with open(path, "rb") as f:
        sample_bytes = f.read(_SAMPLE)
    sample = sample_bytes.decode(encoding, errors="ignore")
    if _looks_binary(sample):
        raise _not_spreadsheet()
    delimiter = _sniff_delimiter(sample)
    return Table(
        format="csv",
        sheet_name=Path(original_name).stem or "CSV",
        sheet_names=[Path(original_name).stem or "CSV"],
        original_name=original_name,
        max_columns=limits.max_columns,
        max_cell_chars=limits.max_cell_chars,
        csv_path=path,
        csv_encoding=encoding,
        csv_delimiter=delimiter,
    )


def _detect_encoding(path: Path, candidates: tuple[str, ...]) -> str:
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8, else GB18030 (covers GBK and GB2312)
    if it decodes as that, else refuse. Decoding runs in C at hundreds of MB/s."""
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with open(path, "rb") as f:
                while True:
                    block = f.read(_CHUNK)
                    if not block:
                        decoder.decode(b"", final=True)
                        break
                    if encoding != "utf-16" and b"\x00" in block:
                        raise _not_spreadsheet()
                    decoder.decode(block)
            return encoding
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise _corrupt() from exc
    raise FileRejected(_("文件编码无法识别,请另存为 UTF-8 或 GBK 编码的 CSV 文件"))


def _looks_binary(sample: str) -> bool:
    if not sample.strip():
        return False
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return control > max(len(sample) // 100, 2)


def _sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first lines most consistently; comma when none does."""
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    best, best_score = ",", 0.0
    for delimiter in (",", "\t", ";"):
        counts = [_count_outside_quotes(line, delimiter) for line in lines]
        present = [c for c in counts if c > 0]
        if not present:
            continue
        most = max(set(present), key=present.count)
        score = present.count(most) / len(lines) + (0.001 * most)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _count_outside_quotes(line: str, delimiter: str) -> int:
    if '"' not in line:
        return line.count(delimiter)
    count = 0
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count
