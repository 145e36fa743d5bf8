"""Printable Word documents (公文格式, GB/T 9704-2012) for every app, written with python-docx.

The layout follows REFERENCE.md "Documents": A4 with top margin 37 mm, left 28 mm and a text block
of 156 × 225 mm (so right 26 mm, bottom 35 mm), 22 lines of 28 characters; title 2号 (22 pt)
方正小标宋简体 centred, body 3号 (16 pt) 仿宋_GB2312 with a two-character first-line indent,
level-1 headings 3号 黑体, level-2 3号 楷体_GB2312; the page number "— 1 —" in 4号 (14 pt) 宋体 in
the footer, right on odd pages and left on even pages, one character in from the edge.
Fonts are only *named* (``w:eastAsia`` for the Chinese glyphs, since python-docx sets only the
Latin slots); the product ships no font files.

Usage::

    doc = OfficialDocument("征地补偿协议书", subtitle="编号：XY-2011-001")
    doc.heading("一、协议双方")
    doc.paragraph("甲方：示范镇人民政府")
    doc.table(["地块编码", "面积(亩)"], [["A-001", "1.2345"]], total_row=["合计", "1.2345"])
    doc.signatures([("甲方(盖章)", "示范镇人民政府"), ("乙方(签字)", "张三"),
                    ("日期", "2011年3月5日"), ("日期", "2011年3月5日")])
    return doc.response("征地补偿协议书.docx")

Money and dates in the wording Chinese documents use: ``chinese_date`` (2011年3月5日), ``yuan``
(12,345.67 元) and ``yuan_uppercase`` (人民币大写 壹万贰仟叁佰肆拾伍元陆角柒分, following the
People's Bank rules for writing amounts: 整 after 元 or 角, one 零 for a run of zeros).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

__all__ = [
    "DOCX_CONTENT_TYPE",
    "FONT_BODY",
    "FONT_HEADING_1",
    "FONT_HEADING_2",
    "FONT_PAGE_NUMBER",
    "FONT_TITLE",
    "OfficialDocument",
    "chinese_date",
    "yuan",
    "yuan_uppercase",
]

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
# Latin letters and digits in a 公文 are set in Times New Roman next to the Chinese face.
FONT_LATIN = "Times New Roman"

SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_PAGE_NUMBER = Pt(14)  # 四号
SIZE_TABLE = Pt(12)  # 小四: tables are set smaller so that several columns fit the 156 mm block

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_LEFT = Mm(28)
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
MARGIN_RIGHT = Mm(210 - 28 - TEXT_WIDTH_MM)  # 26 mm
MARGIN_BOTTOM = Mm(297 - 37 - TEXT_HEIGHT_MM)  # 35 mm
LINES_PER_PAGE = 22
# 225 mm / 22 lines = 10.23 mm = 28.98 pt; 28.9 pt keeps exactly 22 lines without rounding over.
LINE_PITCH = Pt(28.9)

_ALIGN = {
    None: None,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _set_run_font(run, name: str, size, *, bold: bool = False, latin: str | None = FONT_LATIN) -> None:
    """Name the font for Latin and East-Asian text; python-docx's ``font.name`` sets only the former."""
    run.font.name = latin or name
    run.font.size = size
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def _exact_spacing(paragraph, *, before: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


def _add_page_field(paragraph, size, font: str) -> None:
    """Append "— PAGE —" where PAGE is a Word field Word fills in per page."""

    def text_run(text: str):
        run = paragraph.add_run(text)
        _set_run_font(run, font, size, latin=font)
        return run

    text_run("— ")
    begin = text_run("")
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._element.append(fld)
    instr_run = text_run("")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_run._element.append(instr)
    sep_run = text_run("")
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    sep_run._element.append(sep)
    text_run("1")  # cached value shown until Word updates the field
    end_run = text_run("")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._element.append(end)
    text_run(" —")


def _cell_text(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    _set_run_font(run, FONT_BODY, SIZE_TABLE, bold=bold)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


class OfficialDocument:
    """One printable document in the 公文 layout; add parts in reading order, then ``to_bytes()``
    or ``response(filename)``."""

    def __init__(self, title: str, *, subtitle: str | None = None) -> None:
        self.title = title
        self._doc = Document()
        self._setup_styles()
        self._setup_page()
        # The default template starts with one empty paragraph; use it for the title.
        body = self._doc.paragraphs
        paragraph = body[0] if body else self._doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(paragraph, after=0)
        paragraph.paragraph_format.line_spacing = Pt(35)  # a 22 pt title needs more than one grid line
        _set_run_font(paragraph.add_run(title), FONT_TITLE, SIZE_TITLE)
        if subtitle:
            sub = self._doc.add_paragraph()
            sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _exact_spacing(sub)
            _set_run_font(sub.add_run(subtitle), FONT_HEADING_2, SIZE_BODY)
        # One empty line between the title block and the text, as GB/T 9704 asks.
        blank = self._doc.add_paragraph()
        _exact_spacing(blank)
        self._doc.core_properties.title = title

    # -- set-up ---------------------------------------------------------------------------------
    def _setup_styles(self) -> None:
        normal = self._doc.styles["Normal"]
        normal.font.name = FONT_LATIN
        normal.font.size = SIZE_BODY
        r_pr = normal.element.get_or_add_rPr()
        r_fonts = r_pr.find(qn("w:rFonts"))
        if r_fonts is None:
            r_fonts = OxmlElement("w:rFonts")
            r_pr.insert(0, r_fonts)
        r_fonts.set(qn("w:eastAsia"), FONT_BODY)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        r_pr.append(lang)

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.header_distance = Mm(15)
        section.footer_distance = Mm(28)  # page number 7 mm below the text block's last line
        # Grid of 22 lines per page (line pitch in twentieths of a point).
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
        # Page number: odd pages right, even pages left, one character (16 pt) in from the edge.
        self._doc.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = SIZE_BODY
        _add_page_field(odd, SIZE_PAGE_NUMBER, FONT_PAGE_NUMBER)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = SIZE_BODY
        _add_page_field(even, SIZE_PAGE_NUMBER, FONT_PAGE_NUMBER)

    # -- content --------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> None:
        """A heading: level 1 in 黑体, level 2 (and deeper) in 楷体_GB2312, both 3号, no indent
        beyond the usual two characters (GB/T 9704 numbers them 一、 and (一))."""
        paragraph = self._doc.add_paragraph()
        _exact_spacing(paragraph)
        paragraph.paragraph_format.first_line_indent = SIZE_BODY * 2
        paragraph.paragraph_format.keep_with_next = True
        font = FONT_HEADING_1 if level <= 1 else FONT_HEADING_2
        _set_run_font(paragraph.add_run(text), font, SIZE_BODY)

    def paragraph(self, text: str, *, indent: bool = True, align: str | None = None, bold: bool = False) -> None:
        """A body paragraph in 仿宋_GB2312 3号; ``indent`` gives the two-character first-line indent,
        ``align`` is one of "left", "center", "right", "justify" (default justified)."""
        if align not in _ALIGN:
            raise ValueError(f"align must be one of {sorted(k for k in _ALIGN if k)}")
        paragraph = self._doc.add_paragraph()
        _exact_spacing(paragraph)
        paragraph.alignment = _ALIGN[align] if align else WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = SIZE_BODY * 2
        for i, line in enumerate(text.split("\n")):
            run = paragraph.add_run()
            if i:
                run.add_break()
            run.add_text(line)
            _set_run_font(run, FONT_BODY, SIZE_BODY, bold=bold)

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        *,
        widths_mm: list[float] | None = None,
        total_row: list[str] | None = None,
    ) -> None:
        """A ruled table (小四 仿宋) with a bold header row repeated on every page and an optional
        bold 合计 row. ``widths_mm`` defaults to equal columns over the 156 mm text width.
        Keep tables short: python-docx writes about 800 rows/s; long lists belong in the .xlsx."""
        ncols = len(headers)
        for row in rows:
            if len(row) != ncols:
                raise ValueError(f"row has {len(row)} cells, expected {ncols}: {row!r}")
        if total_row is not None and len(total_row) != ncols:
            raise ValueError("total_row must have one cell per column")
        widths = widths_mm or [TEXT_WIDTH_MM / ncols] * ncols
        if len(widths) != ncols:
            raise ValueError("widths_mm must have one width per column")
        all_rows = [headers, *rows] + ([total_row] if total_row is not None else [])
        table = self._doc.add_table(rows=len(all_rows), cols=ncols)
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for c, width in enumerate(widths):
            table.columns[c].width = Mm(width)
        for r, values in enumerate(all_rows):
            row = table.rows[r]
            bold = r == 0 or (total_row is not None and r == len(all_rows) - 1)
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = Mm(widths[c])
                _cell_text(cell, "" if value is None else str(value), bold=bold)
        _repeat_header(table.rows[0])
        spacer = self._doc.add_paragraph()
        _exact_spacing(spacer)

    def signatures(self, lines: list[tuple[str, str]]) -> None:
        """Signature block: label/value pairs in two columns without rules, filled left to right,
        so [(甲方, …), (乙方, …), (日期, …), (日期, …)] puts each party over its own date. Each
        line leaves room to sign or stamp."""
        blank = self._doc.add_paragraph()
        _exact_spacing(blank)
        nrows = (len(lines) + 1) // 2
        if not nrows:
            return
        table = self._doc.add_table(rows=nrows, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _no_borders(table)
        half = TEXT_WIDTH_MM / 2
        for c in range(2):
            table.columns[c].width = Mm(half)
        for i, (label, value) in enumerate(lines):
            cell = table.rows[i // 2].cells[i % 2]
            cell.width = Mm(half)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            paragraph.paragraph_format.line_spacing = LINE_PITCH
            paragraph.paragraph_format.space_before = Pt(0)
            paragraph.paragraph_format.space_after = LINE_PITCH  # room for a signature or a stamp
            _set_run_font(paragraph.add_run(f"{label}：{value or ''}"), FONT_BODY, SIZE_BODY)

    def page_break(self) -> None:
        self._doc.add_page_break()

    # -- output ---------------------------------------------------------------------------------
    @property
    def docx(self):
        """The underlying python-docx Document, for what this class does not cover."""
        return self._doc

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._doc.save(out)
        return out.getvalue()

    def response(self, filename: str) -> HttpResponse:
        """The document as a download; the name may be Chinese (RFC 5987 ``filename*``), and the
        response is never cached (these documents name people)."""
        if not filename.lower().endswith(".docx"):
            filename += ".docx"
        response = HttpResponse(self.to_bytes(), content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        patch_cache_control(response, private=True, no_store=True)
        return response


# -- wording -------------------------------------------------------------------------------------
def chinese_date(d: dt.date | dt.datetime | None) -> str:
    """2011年3月5日 (no leading zeros), or "" for no date."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


_CENT = Decimal("0.01")


def _to_cents(amount: Decimal | int | str) -> Decimal:
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    return Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal | int | str | None) -> str:
    """12,345.67 元 (two decimals, thousands separators), or "" for no amount."""
    if amount is None:
        return ""
    return f"{_to_cents(amount):,.2f} 元"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("仟", "佰", "拾", "")
_BIG_UNITS = ("", "万", "亿", "万亿")


def yuan_uppercase(amount: Decimal | int | str) -> str:
    """Amount in 人民币大写 as on a voucher: 12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分.

    Every zero digit between two non-zero ones gives one 零 (a run of zeros, one 零; zeros at the end
    none), including a zero 万位 or 元位: 105000 → 壹拾万零伍仟元整, 10.50 → 壹拾元零伍角整,
    1.06 → 壹元零陆分, 1000001 → 壹佰万零壹元整. 整 follows 元 or 角, never 分; 0.06 → 陆分,
    0 → 零元整; negative amounts start with 负."""
    cents = _to_cents(amount)
    negative = cents < 0
    integer, rest = divmod(int(abs(cents) * 100), 100)
    jiao, fen = divmod(rest, 10)
    if integer >= 10**16:
        raise ValueError("amount too large")
    out = ""
    pending_zero = False
    digits = str(integer) if integer else ""
    for i, digit in enumerate(digits):
        position = len(digits) - 1 - i
        d = int(digit)
        if d:
            if pending_zero:
                out += "零"
                pending_zero = False
            out += _DIGITS[d] + _SMALL_UNITS[3 - position % 4]
        else:
            pending_zero = True
        if position % 4 == 0 and position:
            section = digits[max(0, i - 3) : i + 1]
            if int(section):
                out += _BIG_UNITS[position // 4]
    if integer:
        out += "元"
    for value, unit in ((jiao, "角"), (fen, "分")):
        if value:
            if pending_zero and out:
                out += "零"
            pending_zero = False
            out += _DIGITS[value] + unit
        elif out:
            pending_zero = True
    if not out:
        out = "零元"
    if not fen:
        out += "整"
    return ("负" if negative else "") + out
