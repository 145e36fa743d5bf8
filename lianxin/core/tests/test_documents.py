"""Printable documents in the 公文 layout (GB/T 9704-2012) and the wording of money and dates."""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from lianxin.core.documents import (
    DOCX_CONTENT_TYPE,
    OfficialDocument,
    chinese_date,
    yuan,
    yuan_uppercase,
)


def _east_asian(run) -> str | None:
    r_fonts = run._element.rPr.find(qn("w:rFonts"))
    return None if r_fonts is None else r_fonts.get(qn("w:eastAsia"))


def _sample() -> Document:
    doc = OfficialDocument("征地补偿协议书", subtitle="编号：XY-2011-001")
    doc.heading("一、协议双方")
    doc.heading("（一）甲方", level=2)
    doc.paragraph("甲方：示范镇人民政府")
    doc.table(
        ["地块编码", "地类", "面积(亩)"],
        [["A-001", "水田", "1.2345"], ["A-002", "旱地", "2.0000"]],
        widths_mm=[50, 50, 56],
        total_row=["合计", "", "3.2345"],
    )
    doc.signatures([("甲方(盖章)", "示范镇人民政府"), ("乙方(签字)", "张三"), ("日期", "2011年3月5日")])
    return Document(io.BytesIO(doc.to_bytes()))


def test_page_is_a4_with_the_gbt9704_margins_and_text_block():
    section = _sample().sections[0]

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37
    assert round(section.left_margin.mm) == 28
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    grid = section._sectPr.find(qn("w:docGrid"))
    # 22 lines in the 225 mm block
    pitch_mm = int(grid.get(qn("w:linePitch"))) / 20 * 25.4 / 72
    assert int(225 // pitch_mm) == 22


def test_title_subtitle_headings_and_body_use_the_named_chinese_fonts():
    doc = _sample()
    paragraphs = [p for p in doc.paragraphs if p.text]
    by_text = {p.text: p for p in paragraphs}

    title = by_text["征地补偿协议书"].runs[0]
    assert _east_asian(title) == "方正小标宋简体"
    assert title.font.size == Pt(22)
    assert paragraphs[0].text == "征地补偿协议书"
    assert paragraphs[0].alignment == 1  # centred
    assert _east_asian(by_text["一、协议双方"].runs[0]) == "黑体"
    assert _east_asian(by_text["（一）甲方"].runs[0]) == "楷体_GB2312"
    body = by_text["甲方：示范镇人民政府"]
    assert _east_asian(body.runs[0]) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    # the Normal style names the East-Asian font too, so text added later stays in 仿宋
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_footer_carries_the_page_number_field_between_dashes_in_songti_size_4():
    section = _sample().sections[0]

    for footer in (section.footer, section.even_page_footer):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml
        assert paragraph.text.startswith("— ")
        assert paragraph.text.endswith(" —")
        assert {_east_asian(r) for r in paragraph.runs} == {"宋体"}
        assert {r.font.size for r in paragraph.runs} == {Pt(14)}
    assert section.footer.paragraphs[0].alignment == 2  # odd pages: right
    assert section.even_page_footer.paragraphs[0].alignment == 0  # even pages: left


def test_table_has_header_rows_widths_and_total_row():
    doc = _sample()
    table = doc.tables[0]

    assert [c.text for c in table.rows[0].cells] == ["地块编码", "地类", "面积(亩)"]
    assert [c.text for c in table.rows[1].cells] == ["A-001", "水田", "1.2345"]
    assert [c.text for c in table.rows[-1].cells] == ["合计", "", "3.2345"]
    assert table.rows[-1].cells[0].paragraphs[0].runs[0].font.bold
    assert table.rows[0].cells[0].paragraphs[0].runs[0].font.bold
    assert not table.rows[1].cells[0].paragraphs[0].runs[0].font.bold
    assert round(table.columns[2].width.mm) == 56
    assert _east_asian(table.rows[1].cells[1].paragraphs[0].runs[0]) == "仿宋_GB2312"


def test_table_refuses_rows_of_the_wrong_width():
    doc = OfficialDocument("表")
    with pytest.raises(ValueError, match="expected 2"):
        doc.table(["a", "b"], [["1"]])


def test_signatures_are_laid_out_in_two_columns_left_to_right():
    doc = _sample()
    block = doc.tables[-1]

    assert [c.text for c in block.rows[0].cells] == ["甲方(盖章)：示范镇人民政府", "乙方(签字)：张三"]
    assert block.rows[1].cells[0].text == "日期：2011年3月5日"
    assert block.rows[1].cells[1].text == ""


def test_response_is_a_docx_attachment_with_a_chinese_filename_and_no_cache():
    response = OfficialDocument("协议").response("征地补偿协议书_张三.docx")

    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "征地补偿协议书_张三.docx"
    assert "no-store" in response["Cache-Control"]
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == "协议"


def test_multiline_paragraph_keeps_its_lines():
    doc = OfficialDocument("通知")
    doc.paragraph("第一行\n第二行", indent=False, align="center", bold=True)
    paragraph = Document(io.BytesIO(doc.to_bytes())).paragraphs[-1]

    assert paragraph.text == "第一行\n第二行"
    assert paragraph.alignment == 1
    assert all(r.font.bold for r in paragraph.runs)
    assert paragraph.paragraph_format.first_line_indent is None


def test_chinese_date_has_no_leading_zeros():
    assert chinese_date(dt.date(2011, 3, 5)) == "2011年3月5日"
    assert chinese_date(dt.date(2026, 11, 30)) == "2026年11月30日"
    assert chinese_date(None) == ""


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12345.67", "12,345.67 元"),
        (Decimal("0.5"), "0.50 元"),
        (1000000, "1,000,000.00 元"),
        ("-20.005", "-20.01 元"),
    ],
)
def test_yuan_formats_two_decimals_with_separators(amount, text):
    assert yuan(amount) == text


def test_money_helpers_refuse_floats():
    with pytest.raises(TypeError):
        yuan(1.5)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("0", "零元整"),
        ("0.06", "陆分"),
        ("0.50", "伍角整"),
        ("1.06", "壹元零陆分"),  # 零 where 角 is zero and 分 is not
        ("10.50", "壹拾元零伍角整"),  # a zero 元位 gives 零; 整 after 角
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("107000.53", "壹拾万零柒仟元零伍角叁分"),
        ("100000", "壹拾万元整"),  # trailing zeros make no 零
        ("1000001", "壹佰万零壹元整"),  # one 零 for a run of zeros
        ("10010000", "壹仟零壹万元整"),
        ("20304.05", "贰万零叁佰零肆元零伍分"),
        ("100000001", "壹亿零壹元整"),  # an empty 万 section
        ("105000", "壹拾万零伍仟元整"),  # 万 section ends in zero, next starts non-zero: 零
        ("1000000000", "壹拾亿元整"),
        ("-3", "负叁元整"),
    ],
)
def test_yuan_uppercase_follows_the_voucher_rules(amount, text):
    assert yuan_uppercase(amount) == text
