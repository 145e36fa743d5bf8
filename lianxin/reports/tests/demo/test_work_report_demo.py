"""Acceptance on the demo township: the yearly work report (.docx) states the seed report's figures,
each equal to its catalogue value and traceable to its rows (the appendix names them and counts
them); a village cadre's report holds only their village; the PDF preview has A4 pages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from lianxin.reports import catalogue
from lianxin.reports.catalogue import FigureScope
from lianxin.reports.document import render_docx
from lianxin.reports.periods import Period
from lianxin.reports.report import work_report_build

from .conftest import DEMO_TODAY

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
YEAR = Period.year(DEMO_TODAY.year)

# The seed's figures (shared/seed) the demo builds, as the report writes them.
SEED = {
    "villages": ("3个", 3),
    "village_groups": ("16个", 16),
    "population": ("6551人", 6551),
    "enterprises": ("22家", 22),
    "output_value": ("10亿元", None),
    "tax_paid": ("1.2亿元", None),
    # the alumina plant's 4126.5 mu ("4000多亩") and the earlier acquisitions of the park's other enterprises
    # (the livelihood demo: so that the landless farmers of the register have lost their land somewhere)
    "land_surveyed_mu": ("7978.84亩", None),
    "thefts_solved": ("14起", 14),
    "suspects_caught": ("29人", 29),
    # the Party figures (registered by the party app): the temporary branch at 甲马石, the 7 recruited
    "party_temporary_branches": ("1个", 1),
    "party_new_members_since_project": ("7名", 7),
    # the livelihood figures (registered by the livelihood app): 4,000+ landless farmers at work in the park,
    # 5 m+ yuan of village projects, 124 cattle, 3,000+ mu of corn, the targets 62 m / 18 m / 3,600 yuan
    "livelihood_employed": ("4026人", 4026),
    "livelihood_village_projects_yuan": ("623万元", None),
    "livelihood_cattle": ("124头", None),
    "livelihood_corn": ("3050亩", None),
    "livelihood_total_income_target": ("6200万元", None),
    "livelihood_net_income_target": ("1800万元", None),
    "livelihood_net_income_per_capita_target": ("3600元", None),
}


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def leader_report(demo):
    scope = FigureScope(user=demo.leader, period=YEAR)
    report = work_report_build(scope)
    return scope, report, render_docx(report)


def test_yearly_report_states_the_seed_figures_each_traceable_to_its_rows(leader_report):
    scope, report, content = leader_report
    document = Document(io.BytesIO(content))
    text = _text(document)
    body = "\n".join(p.text for p in document.paragraphs)
    appendix = {row.name: row for row in report.appendix}

    for name, (written, count) in SEED.items():
        figure = catalogue.figure_get(name)
        value = catalogue.figure_value(figure, scope)
        # the report states the figure as the catalogue computes it …
        assert catalogue.format_value(figure, value) == written, name
        assert written in body, f"{name}: {written} not in the report's text"
        if count is not None:
            assert value == count
        # … and its appendix row names the figure, its value and the rows behind it
        row = appendix[name]
        assert row.value == written
        assert row.rows == figure.rows(scope).count()
        if figure.measure == catalogue.COUNT:
            assert row.rows == value
        assert re.search(rf"{re.escape(row.label)} \| {re.escape(written)} \|.*\| {row.rows}$", text, re.M), name


def test_report_is_laid_out_as_an_official_document(leader_report):
    _scope, report, content = leader_report
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    fonts = {r.get(qn("w:eastAsia")) for r in document.element.body.iter(qn("w:rFonts")) if r.get(qn("w:eastAsia"))}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"} <= fonts
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ")
    assert footer.text.endswith(" —")
    assert "PAGE" in footer._p.xml
    title = document.paragraphs[0]
    assert title.text == report.title
    assert title.runs[0].font.size.pt == 22
    headings = [p.text for p in document.paragraphs if re.match(r"^[一二三四五六七八九]、", p.text)]
    assert headings[0] == "一、基本情况"
    assert any(h.startswith("二、") for h in headings)
    assert "附件" in [p.text for p in document.paragraphs]


def test_village_cadre_report_holds_only_their_village(demo):
    # given the cadre of 甲马石村委会
    scope = FigureScope(user=demo.cadre, period=YEAR)

    # when they generate the yearly report
    report = work_report_build(scope)
    text = _text(Document(io.BytesIO(render_docx(report))))

    # then it counts their village only, and names no group of another village
    assert catalogue.figure_value("villages", scope) == 1
    assert catalogue.figure_value("population", scope) == 512 + 438 + 476 + 301 + 389 + 352
    assert "1个村委会" in text
    assert report.title.startswith("甲马石村委会")
    for other in ("白革龙", "幕菲新寨", "里乐", "园外"):
        assert other not in text
    assert "甲马石" in text


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice or poppler missing")
def test_pdf_preview_has_a4_pages(leader_report, tmp_path):
    from lianxin.reports.pdf import docx_to_pdf

    _scope, _report, content = leader_report
    pdf = docx_to_pdf(content)
    (tmp_path / "report.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert 3 <= pages <= 20  # the appendix lists every figure (the livelihood app adds some 40)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(tmp_path / "report.pdf"), str(ARTIFACTS / "work-report-page")], check=True
    )
    pngs = sorted(ARTIFACTS.glob("work-report-page-*.png"))
    assert len(pngs) == pages


def test_yearly_report_names_the_temporary_branch_and_the_seven_new_members(leader_report, client, demo, settings):
    # given the leader's yearly report
    scope, report, content = leader_report
    body = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)

    # then the organisation line names the temporary branch and the 7 members recruited since the project began
    assert re.search(r"临时党支部1个", body)
    assert re.search(r"项目建设以来共吸收7名加入党组织", body)
    assert catalogue.figure_value("party_new_members_since_project", scope) == 7

    # and the link behind the 7 opens the roster with exactly 7 rows
    settings.LIANXIN_PAGE_SIZE = 500
    client.force_login(demo.leader)
    url = catalogue.drilldown_url("party_new_members_since_project", scope)
    page = client.get(url).content.decode()
    table = page.split('data-testid="member-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("/party/members/") == 7
