"""The work report as a Word document (GB/T 9704 layout), from a Word template with placeholders.

The template is a .docx with docxtpl (Jinja) tags. The built-in one (``default_template``) is made
with the official-document helpers of ``core.documents`` — A4, 37/28 mm margins, a 156 × 225 mm
text block of 22 lines, the title in 2号 方正小标宋简体, body in 3号 仿宋_GB2312, level-1 headings
in 黑体 and level-2 in 楷体_GB2312, page numbers "— 1 —" in 4号 宋体 — and an office can download
it, change it in Word or WPS (letterhead, issuer, signature block, spacing) and upload it again;
an upload is checked before it is used (``template_check``).

What a template may use:

- ``{{ title }}``, ``{{ period }}``, ``{{ place }}``, ``{{ issuer }}`` (落款), ``{{ date }}`` (成文日期);
- ``sections``: ``{%p for section in sections %}`` … ``{{ section.heading }}`` …
  ``{%p for topic in section.topics %}`` with ``{{ topic.heading }}`` (may be empty),
  ``{%p for text in topic.paragraphs %}{{ text }}`` and ``{%p for table in topic.tables %}
  {{ table.marker }}`` (the paragraph holding a table's marker is replaced by the table);
- ``appendix``: ``{{ appendix.title }}`` and ``{{ appendix.marker }}`` (the list of figures).

Tables are drawn here, not in the template (their columns depend on the figures), in 小四 仿宋
with explicit rules, so they survive a template saved by WPS without the "Table Grid" style.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from lianxin.core import safexml
from lianxin.core.documents import (
    FONT_BODY,
    FONT_HEADING_1,
    FONT_LATIN,
    FONT_TITLE,
    LINE_PITCH,
    SIZE_BODY,
    SIZE_TITLE,
    OfficialDocument,
    chinese_date,
)

from .report import WorkReport
from .tables import TableData

KNOWN_VARIABLES = frozenset({"title", "period", "place", "issuer", "date", "sections", "appendix"})
REQUIRED_VARIABLES = frozenset({"sections"})
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
SIZE_TABLE = Pt(12)  # 小四
SIZE_APPENDIX = Pt(10.5)  # 五号
SIZE_CAPTION = Pt(14)  # 四号
TABLE_LINE = Pt(18)
MARKER = "〔表{n}〕"
APPENDIX_MARKER = "〔附件表〕"


class TemplateError(ValueError):
    """A report template that cannot be used; the message says why, in Chinese."""


# --- the built-in template ------------------------------------------------------------------------


def default_template() -> bytes:
    """The built-in template, in the GB/T 9704 layout (see the module docstring)."""
    with translation.override("zh-hans"):
        return _default_template()


def _default_template() -> bytes:
    doc = OfficialDocument("{{ title }}")

    def tag(text: str) -> None:
        doc.paragraph(text, indent=False)

    tag("{%p for section in sections %}")
    doc.heading("{{ section.heading }}", level=1)
    tag("{%p for topic in section.topics %}")
    tag("{%p if topic.heading %}")
    doc.heading("{{ topic.heading }}", level=2)
    tag("{%p endif %}")
    tag("{%p for text in topic.paragraphs %}")
    doc.paragraph("{{ text }}")
    tag("{%p endfor %}")
    tag("{%p for table in topic.tables %}")
    tag("{{ table.marker }}")
    tag("{%p endfor %}")
    tag("{%p endfor %}")
    tag("{%p endfor %}")
    # 附件说明: one blank line under the text, "附件:" two characters in.
    doc.paragraph("")
    doc.paragraph(_("附件：%(title)s") % {"title": "{{ appendix.title }}"})
    # 署名和成文日期: the date four characters from the right, the issuer centred over it.
    doc.paragraph("")
    doc.paragraph("")
    issuer = doc.docx.add_paragraph()
    _fixed(issuer)
    issuer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    issuer.paragraph_format.right_indent = SIZE_BODY * 4
    _font(issuer.add_run("{{ issuer }}"), FONT_BODY, SIZE_BODY)
    written = doc.docx.add_paragraph()
    _fixed(written)
    written.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    written.paragraph_format.right_indent = SIZE_BODY * 4
    _font(written.add_run("{{ date }}"), FONT_BODY, SIZE_BODY)
    # 附件: a new page, "附件" in 黑体 at the top left, the title centred, then the list.
    doc.page_break()
    label = doc.docx.add_paragraph()
    _fixed(label)
    _font(label.add_run(_("附件")), FONT_HEADING_1, SIZE_BODY)
    doc.paragraph("")
    heading = doc.docx.add_paragraph()
    _fixed(heading)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing = Pt(35)
    _font(heading.add_run("{{ appendix.title }}"), FONT_TITLE, SIZE_TITLE)
    doc.paragraph("")
    tag("{{ appendix.marker }}")
    doc.docx.core_properties.title = "工作报告模板"
    return doc.to_bytes()


def _fixed(paragraph, pitch=LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _font(run, name: str, size, *, bold: bool = False) -> None:
    run.font.name = FONT_LATIN
    run.font.size = size
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)
    r_fonts.set(qn("w:ascii"), FONT_LATIN)
    r_fonts.set(qn("w:hAnsi"), FONT_LATIN)


# --- rendering --------------------------------------------------------------------------------------


def report_context(report: WorkReport) -> tuple[dict, dict[str, TableData]]:
    """The template's context for ``report`` and the tables its markers stand for."""
    markers: dict[str, TableData] = {}
    sections = []
    for section in report.sections:
        topics = []
        for topic in section.topics:
            table_refs = []
            for table in topic.tables:
                marker = MARKER.format(n=len(markers) + 1)
                markers[marker] = table
                table_refs.append({"marker": marker, "title": table.title})
            topics.append(
                {"heading": topic.heading, "paragraphs": [p.text for p in topic.paragraphs], "tables": table_refs}
            )
        sections.append({"heading": section.heading, "topics": topics})
    context = {
        "title": report.title,
        "period": report.period_label,
        "place": report.place,
        "issuer": report.issuer,
        "date": chinese_date(report.written_on),
        "sections": sections,
        "appendix": {"title": _("报告数据指标说明"), "marker": APPENDIX_MARKER},
    }
    return context, markers


def render_docx(report: WorkReport, template: bytes | None = None) -> bytes:
    """The report as .docx bytes, through ``template`` (default: the built-in one). Always in Chinese:
    a 公文 to the county is Chinese whatever the language of the page that asked for it."""
    from docxtpl import DocxTemplate

    with translation.override("zh-hans"):
        context, markers = report_context(report)
        tpl = DocxTemplate(io.BytesIO(template or default_template()))
        tpl.render(context, autoescape=True)
        document = tpl.docx
        _replace_markers(document, markers, report)
        document.core_properties.title = report.title
        out = io.BytesIO()
        tpl.save(out)
    return out.getvalue()


def _replace_markers(document, markers: dict[str, TableData], report: WorkReport) -> None:
    table_number = 0
    for paragraph in list(document.paragraphs):
        text = paragraph.text.strip()
        if text in markers:
            table_number += 1
            _insert_table(document, paragraph, markers[text], number=table_number)
        elif text == APPENDIX_MARKER:
            _insert_appendix(document, paragraph, report)


def _insert_table(document, anchor, data: TableData, *, number: int) -> None:
    caption = _paragraph_before(anchor)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fixed(caption)
    caption.paragraph_format.keep_with_next = True
    _font(caption.add_run(_("表%(n)d %(title)s") % {"n": number, "title": data.title}), FONT_HEADING_1, SIZE_CAPTION)
    header = [str(h) for h in data.headers]
    rows = [[str(c) for c in row] for row in data.rows]
    total = [str(c) for c in data.total] if data.total else None
    table = _table(document, header, rows, total, widths=data.widths_mm, size=SIZE_TABLE, bold_rows=data.bold_rows)
    anchor._p.addprevious(table._tbl)
    if data.note:
        note = _paragraph_before(anchor)
        _fixed(note, TABLE_LINE)
        note.paragraph_format.first_line_indent = SIZE_TABLE * 2
        _font(note.add_run(_("注：") + data.note), FONT_BODY, SIZE_TABLE)
    _remove(anchor)


def _insert_appendix(document, anchor, report: WorkReport) -> None:
    header = [_("序号"), _("指标"), _("数值"), _("统计口径"), _("明细（列表页：筛选条件）"), _("行数")]
    rows = [
        [str(r.number), r.label, r.value, r.definition, r.filter, "—" if r.rows is None else str(r.rows)]
        for r in report.appendix
    ]
    table = _table(
        document,
        header,
        rows,
        None,
        widths=[10, 27, 19, 46, 42, 12],
        size=SIZE_APPENDIX,
        align_left={1, 3, 4},
    )
    anchor._p.addprevious(table._tbl)
    note = _paragraph_before(anchor)
    _fixed(note, TABLE_LINE)
    note.paragraph_format.first_line_indent = SIZE_APPENDIX * 2
    _font(
        note.add_run(
            _(
                "说明：本报告所列数字均由连心桥平台按上表口径从台账实时统计；“行数”为构成该指标的台账记录条数，可在对应列表页按所列筛选条件查看明细。"
            )
        ),
        FONT_BODY,
        SIZE_APPENDIX,
    )
    _remove(anchor)


def _paragraph_before(anchor):
    """A new empty paragraph just before ``anchor``."""
    paragraph = anchor.insert_paragraph_before("")
    return paragraph


def _remove(paragraph) -> None:
    element = paragraph._p
    element.getparent().remove(element)


def _table(document, header, rows, total, *, widths, size, bold_rows=frozenset(), align_left=frozenset({0})):
    ncols = len(header)
    widths = widths or [156 / ncols] * ncols
    all_rows = [header, *rows] + ([total] if total else [])
    table = document.add_table(rows=len(all_rows), cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    twips = [str(int(Mm(width).twips)) for width in widths]
    line = str(int((TABLE_LINE if size >= SIZE_TABLE else Pt(15)).pt * 20))
    half_points = str(int(size.pt * 2))
    for r, (row, values) in enumerate(zip(table.rows, all_rows, strict=True)):
        bold = r == 0 or (total is not None and r == len(all_rows) - 1) or (r - 1) in bold_rows
        for c, (tc, value) in enumerate(zip(row._tr.tc_lst, values, strict=True)):
            left = c in align_left and r > 0
            _cell_xml(tc, value, width=twips[c], line=line, half_points=half_points, bold=bold, left=left)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    return table


def _cell_xml(tc, text: str, *, width: str, line: str, half_points: str, bold: bool, left: bool) -> None:
    """Fill a table cell by writing its XML (python-docx's property setters search the element's
    children for each attribute: ~2 ms a cell; a report's tables have a few thousand cells)."""
    tc_pr = tc.get_or_add_tcPr()
    tc_pr.append(OxmlElement("w:tcW", attrs={qn("w:w"): width, qn("w:type"): "dxa"}))
    p = tc.p_lst[0]
    p_pr = OxmlElement("w:pPr")
    p_pr.append(OxmlElement("w:snapToGrid", attrs={qn("w:val"): "0"}))
    p_pr.append(
        OxmlElement(
            "w:spacing",
            attrs={qn("w:before"): "0", qn("w:after"): "0", qn("w:line"): line, qn("w:lineRule"): "exact"},
        )
    )
    p_pr.append(OxmlElement("w:jc", attrs={qn("w:val"): "left" if left else "center"}))
    p.insert(0, p_pr)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    r_pr.append(
        OxmlElement(
            "w:rFonts", attrs={qn("w:ascii"): FONT_LATIN, qn("w:hAnsi"): FONT_LATIN, qn("w:eastAsia"): FONT_BODY}
        )
    )
    if bold:
        r_pr.append(OxmlElement("w:b"))
    r_pr.append(OxmlElement("w:sz", attrs={qn("w:val"): half_points}))
    r_pr.append(OxmlElement("w:szCs", attrs={qn("w:val"): half_points}))
    run.append(r_pr)
    t = OxmlElement("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    p.append(run)


def _no_grid(paragraph) -> None:
    """Table text keeps its own line height instead of snapping to the page's 22-line grid."""
    p_pr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.append(snap)


def _borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "57")  # 1 mm
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


# --- checking an uploaded template ------------------------------------------------------------------


@dataclass
class TemplateCheck:
    variables: set[str]
    sha256: str


def template_check(content: bytes, *, sample: WorkReport | None = None) -> TemplateCheck:
    """Refuse a template that is not a .docx, has a tag Jinja cannot read, uses a placeholder the
    report does not fill, lacks the sections, or fails to render ``sample`` (the uploader's own
    report); each with a Chinese message naming the problem."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError

    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateError(_("模板文件不能超过5 MB"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError(_("文件不是Word文档（.docx）：缺少正文部分"))
            # A DTD in any part (an entity bomb, an external entity reading a server file): refused
            # before python-docx or docxtpl parse anything (core.safexml).
            unsafe = safexml.zip_xml_refused(archive)
            if unsafe is not None:
                raise TemplateError(
                    _("模板中的XML部分“%(member)s”含有DTD或实体声明(Word、WPS不会写入这些),疑似恶意构造的文件,已拒绝")
                    % {"member": unsafe}
                )
    except zipfile.BadZipFile as exc:
        raise TemplateError(_("文件不是Word文档（.docx）；请在Word或WPS中“另存为”.docx格式后上传")) from exc
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        variables = set(tpl.get_undeclared_template_variables())
    except TemplateSyntaxError as exc:
        raise TemplateError(
            _("模板标签写法有误：%(message)s（请检查{{ }}和{%% %%}是否成对、拼写是否正确）") % {"message": exc.message}
        ) from exc
    except Exception as exc:  # a damaged package: python-docx's and lxml's errors vary
        raise TemplateError(_("无法读取模板文件：%(message)s") % {"message": str(exc)[:200]}) from exc
    unknown = sorted(variables - KNOWN_VARIABLES)
    if unknown:
        raise TemplateError(
            _("模板中有无法识别的占位符：%(names)s。可用的占位符：%(known)s")
            % {
                "names": "、".join(f"{{{{ {name} }}}}" for name in unknown),
                "known": "、".join(sorted(KNOWN_VARIABLES)),
            }
        )
    missing = sorted(REQUIRED_VARIABLES - variables)
    if missing:
        raise TemplateError(_("模板缺少正文：没有使用“sections”（各部分的循环），生成的报告将没有正文"))
    if sample is not None:
        try:
            rendered = render_docx(sample, content)
            Document(io.BytesIO(rendered))
        except (TemplateSyntaxError, UndefinedError, TypeError, ValueError, KeyError) as exc:
            raise TemplateError(_("用本模板生成报告时出错：%(message)s") % {"message": str(exc)[:200]}) from exc
    return TemplateCheck(variables=variables, sha256=hashlib.sha256(content).hexdigest())
