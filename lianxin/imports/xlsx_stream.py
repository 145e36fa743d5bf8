"""Rows of a big .xlsx sheet straight from its XML, a chunk at a time (流式读取).

python-calamine builds the whole sheet in memory before handing out a row: about 1 GB for a
1,000,000-row ledger. Above ``reading.DEFAULT_STREAM_CELLS`` cells, ``reading.open_table`` reads the
sheet with this module instead, which holds one chunk of XML (a few MB), the shared strings and the
date styles. It yields what calamine yields, value for value (a test compares both on the same
workbooks): numbers as float, booleans, text, dates as ``date`` (``datetime`` with a time of day,
``time`` for a time alone, ``timedelta`` for a duration), error cells and formulas without a cached
value as "", every row from row 1 padded to the sheet's width from column A.

The file has been through ``reading``'s checks (zip bomb, sizes, cell bounds) before it gets here.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lianxin.core import safexml

_CHUNK = 4 * 1024 * 1024
# Tags may carry a namespace prefix (<x:c>) in files written by some tools; calamine ignores it.
_P = rb"(?:[\w.-]+:)?"
_ROW_RE = re.compile(rb"<" + _P + rb"row\b([^>]*?)(/?)>")
_CELL_RE = re.compile(rb"<" + _P + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_ATTR_RE = re.compile(rb"""(?:^|\s)(r|t|s)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_V_RE = re.compile(rb"<" + _P + rb"v>(.*?)</" + _P + rb"v>", re.S)
_T_RE = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>(.*?)</" + _P + rb"t>|<" + _P + rb"t\s*/>", re.S)
_PHONETIC_RE = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_SI_RE = re.compile(rb"<" + _P + rb"si>(.*?)</" + _P + rb"si>|<" + _P + rb"si\s*/>", re.S)
_SI_END_RE = re.compile(rb"</" + _P + rb"si>")
_SHEET_DATA_RE = re.compile(rb"<(" + _P + rb")sheetData\b")
_ESCAPED_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_COL_RE = re.compile(rb"[A-Z]+")
# A cell as Excel, LibreOffice and XlsxWriter write it — no namespace prefix, attributes r, s, t in that
# order — read in one match: column letters, style, type, content. A row whose cells are not all like
# this goes through the general _CELL_RE and _attrs.
_CANONICAL_CELL_RE = re.compile(
    rb'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
    rb"(?:/>|><v>([^<]*)</v></c>|><is><t>([^<]*)</t></is></c>|>(.*?)</c>)",  # value, inline text, other
    re.S,
)

# Built-in number formats that Excel shows as dates or times (ECMA-376 18.8.30, plus the CJK ones).
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)}
_QUOTED_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serials carry no time zone


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _ESCAPED_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _runs(inner: bytes) -> str:
    """The text of an <si> or <is>: its <t> runs joined, phonetic guides left out."""
    if b"<rPh" in inner:
        inner = _PHONETIC_RE.sub(b"", inner)
    return "".join(_text(m.group(1) or b"") for m in _T_RE.finditer(inner))


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {name: double or single for name, double, single in _ATTR_RE.findall(raw)}


def _column_index(ref: bytes) -> int:
    letters = _COL_RE.match(ref.upper())
    index = 0
    for ch in letters.group(0) if letters else b"":
        index = index * 26 + (ch - 64)
    return index - 1


class _Kind:
    NUMBER, DATE, DURATION = range(3)


def _format_kind(code: str) -> int:
    """Whether a number format shows numbers, dates/times, or durations ([h]:mm)."""
    if re.match(r"\[(h+|m+|s+)\]", code, re.I):
        return _Kind.DURATION
    bare = _QUOTED_RE.sub("", code).lower().replace("general", "")
    return _Kind.DATE if re.search(r"[dmyhs]", bare) else _Kind.NUMBER


def _style_kinds(archive: zipfile.ZipFile) -> list[int]:
    """The value kind of each cell style (the ``s`` attribute indexes this list)."""
    try:
        root = safexml.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, safexml.ParseError, safexml.DefusedXmlException):
        return []
    custom: dict[int, int] = {}
    kinds: list[int] = []
    for node in root.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "numFmt":
            custom[int(node.get("numFmtId", "0"))] = _format_kind(node.get("formatCode", ""))
        elif tag == "cellXfs":
            for xf in node:
                number_format = int(xf.get("numFmtId", "0"))
                if number_format in custom:
                    kinds.append(custom[number_format])
                elif number_format == 46:  # [h]:mm:ss
                    kinds.append(_Kind.DURATION)
                elif number_format in _DATE_FORMAT_IDS:
                    kinds.append(_Kind.DATE)
                else:
                    kinds.append(_Kind.NUMBER)
    return kinds


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        member = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    with member:
        tail = b""
        while chunk := member.read(_CHUNK):
            data = tail + chunk
            last = None
            for last in _SI_END_RE.finditer(data):  # noqa: B007 - the last complete </si> is wanted
                pass
            if last is None:
                tail = data
                continue
            cut = last.end()
            strings.extend(_runs(m.group(1) or b"") for m in _SI_RE.finditer(data, 0, cut))
            tail = data[cut:]
        strings.extend(_runs(m.group(1) or b"") for m in _SI_RE.finditer(tail))
    return strings


def _dated(serial: float, kind: int):
    """A date-formatted number: a time of day below 1, a date when whole, else a date and time."""
    if kind == _Kind.DURATION:
        return dt.timedelta(days=serial)
    moment = _EXCEL_EPOCH + dt.timedelta(milliseconds=round(serial * 86_400_000))
    if serial < 1:
        return moment.time()
    if serial < 60:  # Excel counts a 29 February 1900 that never was
        moment += dt.timedelta(days=1)
    return moment.date() if moment.time() == dt.time(0) else moment


class XlsxStream:
    """``rows()`` over one worksheet part of an .xlsx, like ``CalamineSheet.iter_rows`` (see module doc)."""

    def __init__(self, path: Path, part: str, width: int) -> None:
        self.path, self.part, self.width = path, part, width

    def rows(self) -> Iterator[list]:
        with zipfile.ZipFile(self.path) as archive:
            strings = _shared_strings(archive)
            kinds = _style_kinds(archive)
            width = self.width
            number = 0  # the last row yielded (1-based)
            with archive.open(self.part) as member:
                tail = b""
                row_end = prefix = None
                while chunk := member.read(_CHUNK):
                    data = tail + chunk
                    if row_end is None:
                        found = _SHEET_DATA_RE.search(data)
                        if found is None:
                            tail = data
                            continue
                        prefix = found.group(1)
                        row_end = b"</" + prefix + b"row>"
                    cut = data.rfind(row_end)
                    if cut < 0:
                        tail = data
                        continue
                    cut += len(row_end)
                    for row_number, cells in self._parse(data[:cut], number, strings, kinds, width, prefix):
                        while number + 1 < row_number:
                            number += 1
                            yield [""] * width
                        number = row_number
                        yield cells
                    tail = data[cut:]
                for row_number, cells in self._parse(tail, number, strings, kinds, width, prefix or b""):
                    while number + 1 < row_number:
                        number += 1
                        yield [""] * width
                    number = row_number
                    yield cells

    @staticmethod
    def _canonical_cells(found: list[tuple], cells: list, columns: dict, strings, kinds, width: int) -> bool:
        """Fill ``cells`` from _CANONICAL_CELL_RE's matches: shared strings, plain numbers and one-run inline
        strings read here, anything else (dates, formulas, rich text…) by ``_value``."""
        empty = True
        for letters, style, kind, number, inline, other in found:
            column = columns.get(letters)
            if column is None:
                column = columns[letters] = _column_index(letters)
            if column >= width:
                continue
            if number:
                if kind == b"s":
                    index = int(number)
                    value = strings[index] if 0 <= index < len(strings) else ""
                elif (not kind or kind == b"n") and (not style or _shows_number(kinds, style)):
                    try:
                        value = float(number)
                    except ValueError:
                        value = ""
                else:
                    value = _value(b"<v>" + number + b"</v>", _given(style, kind), strings, kinds)
            elif inline:
                value = _text(inline)
            elif other:
                value = _value(other, _given(style, kind), strings, kinds)
            else:
                continue
            if value is not None:
                cells[column] = value
                empty = False
        return empty

    @staticmethod
    def _general_cells(data: bytes, start: int, end: int, cells: list, strings, kinds, width: int) -> bool:
        empty = True
        column = -1
        for cell in _CELL_RE.finditer(data, start, end):
            cell_attrs = _attrs(cell.group(1))
            ref = cell_attrs.get(b"r")
            column = _column_index(ref) if ref else column + 1
            inner = cell.group(2)
            if inner is None or column >= width:
                continue
            value = _value(inner, cell_attrs, strings, kinds)
            if value is not None:
                cells[column] = value
                empty = False
        return empty

    @staticmethod
    def _parse(data: bytes, number: int, strings: list[str], kinds: list[int], width: int, prefix: bytes):
        """(row number, cells) for every <row> in ``data``; rows without cells are left to the caller's padding."""
        rows = list(_ROW_RE.finditer(data))
        columns: dict[bytes, int] = {}
        for i, row in enumerate(rows):
            attrs = _attrs(row.group(1))
            number = int(attrs[b"r"]) if b"r" in attrs else number + 1
            if row.group(2):  # <row .../>
                continue
            end = rows[i + 1].start() if i + 1 < len(rows) else len(data)
            cells: list = [""] * width
            start = row.end()
            canonical = prefix == b"" and _CANONICAL_CELL_RE.findall(data, start, end)
            if canonical and len(canonical) == (
                data.count(b"<c ", start, end) + data.count(b"<c>", start, end) + data.count(b"<c/>", start, end)
            ):
                empty = XlsxStream._canonical_cells(canonical, cells, columns, strings, kinds, width)
            else:
                empty = XlsxStream._general_cells(data, start, end, cells, strings, kinds, width)
            if not empty:
                yield number, cells


def _shows_number(kinds: list[int], style: bytes) -> bool:
    """Whether cells of ``style`` show plain numbers (not dates or durations)."""
    index = int(style)
    return index >= len(kinds) or kinds[index] == _Kind.NUMBER


def _given(style: bytes, kind: bytes) -> dict[bytes, bytes]:
    """The attributes _CANONICAL_CELL_RE matched, as ``_attrs`` would give them."""
    attrs = {}
    if style:
        attrs[b"s"] = style
    if kind:
        attrs[b"t"] = kind
    return attrs


def _value(inner: bytes, attrs: dict, strings: list[str], kinds: list[int]):
    kind = attrs.get(b"t", b"n")
    if kind == b"inlineStr":
        return _runs(inner)
    found = _V_RE.search(inner)
    if found is None:
        return None
    raw = found.group(1)
    if kind == b"s":
        index = int(raw)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind in (b"str", b"d"):
        text = _text(raw)
        if kind == b"d":
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        return text
    if kind == b"b":
        return raw.strip() == b"1"
    if kind == b"e":
        return ""
    try:
        number = float(raw)
    except ValueError:
        return ""
    style = attrs.get(b"s")
    if style is not None:
        index = int(style)
        if index < len(kinds) and kinds[index] != _Kind.NUMBER:
            return _dated(number, kinds[index])
    return number
