"""The work report (工作报告) as data: sections in the four lines of the township's work plus the
overview, each a paragraph per topic of sentences rendered from the figure catalogue, the tables,
and the appendix (附件) listing every figure the report states with its definition, the filter of
its rows and how many rows there are. The .docx and the HTML preview are two views of it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import catalogue, sentences, tables
from .catalogue import LINES, FigureScope
from .models import ReportSentence
from .sentences import FigurePart

CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class Paragraph:
    parts: list[str | FigurePart]

    @property
    def text(self) -> str:
        return sentences.parts_text(self.parts)


@dataclass
class ReportTopic:
    key: str
    heading: str  # "(一)征地拆迁", empty when the section has one topic
    paragraphs: list[Paragraph]
    tables: list[tables.TableData]


@dataclass
class ReportSection:
    line: str
    heading: str  # "一、基本情况"
    topics: list[ReportTopic]


@dataclass
class AppendixRow:
    number: int
    name: str
    label: str
    value: str
    unit: str
    definition: str
    source: str
    filter: str
    rows: int | None
    url: str | None
    exact: bool


@dataclass
class WorkReport:
    title: str
    period_label: str
    place: str
    issuer: str
    written_on: date
    sections: list[ReportSection]
    appendix: list[AppendixRow]
    scope: FigureScope = field(repr=False)

    @property
    def figures(self) -> list[str]:
        return [row.name for row in self.appendix]


def effective_sentences() -> list[tuple[str, str, int, str]]:
    """(key, topic, position, text) of every active sentence: the office's versions over the defaults."""
    rows = {s.key: s for s in ReportSentence.objects.all()}
    result = []
    for default in sentences.default_sentences():
        row = rows.pop(default.key, None)
        if row is None:
            result.append((default.key, default.topic, default.order, str(default.text)))
        elif row.active:
            result.append((row.key, row.topic, row.position, row.text))
    for row in rows.values():  # sentences the office added
        if row.active and sentences.topic_get(row.topic) is not None:
            result.append((row.key, row.topic, row.position, row.text))
    return sorted(result, key=lambda r: (r[1], r[2], r[0]))


def report_title(scope: FigureScope) -> str:
    return _("%(place)s%(period)s工作情况报告") % {"place": scope.scope_name, "period": scope.period.label}


def report_issuer(scope: FigureScope) -> str:
    return _("中共%(place)s委员会") % {"place": scope.scope_name}


def work_report_build(scope: FigureScope, *, written_on: date | None = None) -> WorkReport:
    """Render every active sentence and table for ``scope``; a section with nothing to say is left
    out, and the sections are numbered in order (一、二、…), topics within one as (一)(二)…

    Always in Chinese, whatever the page's language: the report is a 公文 to the county."""
    with translation.override("zh-hans"):
        return _work_report_build(scope, written_on=written_on)


def _work_report_build(scope: FigureScope, *, written_on: date | None = None) -> WorkReport:
    active = effective_sentences()
    # The figures the sentences and tables state, in a few scans instead of one query each.
    named = [name for *_rest, text in active for name in sentences.sentence_figures(text)]
    catalogue.prefetch(named + [name for table in tables.table_list() for name in table.figures], scope)
    by_topic: dict[str, list[Paragraph]] = {}
    for _key, topic, _position, text in active:
        parts = sentences.sentence_render(text, scope)
        if parts is None:
            continue
        by_topic.setdefault(topic, []).append(Paragraph(parts))
    tables_by_topic: dict[str, list[tables.TableData]] = {}
    for table in tables.table_list():
        data = table.build(scope)
        if data is not None:
            tables_by_topic.setdefault(table.topic, []).append(data)

    sections: list[ReportSection] = []
    for line, line_label in LINES.items():
        topics = [t for t in sentences.topic_list() if t.section == line]
        present = [t for t in topics if by_topic.get(t.key) or tables_by_topic.get(t.key)]
        if not present:
            continue
        report_topics = []
        for index, topic in enumerate(present):
            heading = f"（{CHINESE_NUMERALS[index]}）{topic.heading}" if len(present) > 1 else ""
            # One paragraph per topic: the clerk's sentences run on.
            sentences_here = by_topic.get(topic.key, [])
            merged = [Paragraph([part for p in sentences_here for part in p.parts])] if sentences_here else []
            report_topics.append(ReportTopic(topic.key, heading, merged, tables_by_topic.get(topic.key, [])))
        number = CHINESE_NUMERALS[len(sections)]
        sections.append(ReportSection(line, f"{number}、{_section_heading(line, line_label)}", report_topics))

    used = []
    for section in sections:
        for topic in section.topics:
            for paragraph in topic.paragraphs:
                used += [p.name for p in paragraph.parts if isinstance(p, FigurePart)]
            for table in topic.tables:
                used += table.figures
    return WorkReport(
        title=report_title(scope),
        period_label=scope.period.label,
        place=scope.scope_name,
        issuer=report_issuer(scope),
        written_on=written_on or timezone.localdate(),
        sections=sections,
        appendix=appendix_rows(scope, _unique(used)),
        scope=scope,
    )


SECTION_HEADINGS = {
    "overview": gettext_lazy("基本情况"),
    "organisation": gettext_lazy("抓班子，建强基层组织"),
    "education": gettext_lazy("抓教育，提升服务能力"),
    "service": gettext_lazy("抓服务，优化建设环境"),
    "development": gettext_lazy("抓发展，保障群众利益"),
}


def _section_heading(line: str, fallback) -> str:
    return str(SECTION_HEADINGS.get(line) or fallback)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(name, None)
    return list(seen)


PAGE_LABELS = {
    "regions:region-list": gettext_lazy("区划"),
    "people:household-list": gettext_lazy("户籍"),
    "people:person-list": gettext_lazy("人口"),
    "enterprises:enterprise-list": gettext_lazy("企业"),
    "enterprises:project-list": gettext_lazy("项目"),
    "land:parcel-list": gettext_lazy("征地地块"),
    "land:agreement-list": gettext_lazy("补偿协议"),
    "land:payment-list": gettext_lazy("兑付记录"),
    "cases:case-list": gettext_lazy("案件"),
    "cases:patrol-list": gettext_lazy("巡逻记录"),
}


PARAM_LABELS = {
    "level": gettext_lazy("层级"),
    "in_park": gettext_lazy("园区内"),
    "status": gettext_lazy("状态"),
    "reached": gettext_lazy("状态达到"),
    "kind": gettext_lazy("类别"),
    "dispute_category": gettext_lazy("纠纷类别"),
    "dispute_outcome": gettext_lazy("调处结果"),
    "incident_type": gettext_lazy("案件类型"),
    "solved": gettext_lazy("已破案"),
    "resolved": gettext_lazy("已办结"),
    "timed": gettext_lazy("设有期限"),
    "on_time": gettext_lazy("按期办结"),
    "overdue": gettext_lazy("超期"),
    "open": gettext_lazy("在办"),
    "rated": gettext_lazy("已评价"),
    "year": gettext_lazy("年度"),
    "project": gettext_lazy("项目"),
    "village_group": gettext_lazy("村民小组"),
    "region": gettext_lazy("区域"),
    "parent": gettext_lazy("上级区划"),
}
DATE_RANGES = {
    "registered_from": ("registered_to", gettext_lazy("登记日期")),
    "paid_from": ("paid_to", gettext_lazy("兑付日期")),
    "signed_from": ("signed_to", gettext_lazy("签订日期")),
    "handed_over_from": ("handed_over_to", gettext_lazy("交地日期")),
    "patrolled_from": ("patrolled_to", gettext_lazy("巡逻日期")),
}


@functools.lru_cache(maxsize=8)
def _value_labels(language: str) -> dict[str, str]:
    from lianxin.cases.models import Case
    from lianxin.enterprises.models import Project
    from lianxin.land.models import Parcel
    from lianxin.regions.models import Region

    labels: dict[str, str] = {"1": str(_("是")), "referred": str(_("引导诉讼或转信访"))}
    for choices in (
        Region.Level,
        Parcel.Status,
        Project.Status,
        Case.Kind,
        Case.DisputeCategory,
        Case.DisputeOutcome,
        Case.IncidentType,
    ):
        for value, label in choices.choices:
            labels.setdefault(value, str(label))
    return labels


def filter_description(query: dict[str, str]) -> str:
    """A list page's filter in words: 类别=矛盾纠纷、登记日期2026-01-01至2026-12-31."""
    from lianxin.enterprises.models import Project
    from lianxin.regions.models import Region

    values = _value_labels(translation.get_language() or "")
    parts = []
    skip = {to for to, _label in DATE_RANGES.values()}
    for key, value in query.items():
        if key in skip:
            continue
        if key in DATE_RANGES:
            to_key, label = DATE_RANGES[key]
            parts.append(
                _("%(label)s%(start)s至%(end)s") % {"label": label, "start": value, "end": query.get(to_key, "")}
            )
        elif key in ("region", "village_group", "parent") and value.isdigit():
            region = Region.objects.filter(pk=value).only("name").first()
            parts.append(f"{PARAM_LABELS[key]}={region.name if region else value}")
        elif key == "project" and value.isdigit():
            project = Project.objects.filter(pk=value).only("name").first()
            parts.append(f"{PARAM_LABELS[key]}={project.name if project else value}")
        else:
            parts.append(f"{PARAM_LABELS.get(key, key)}={values.get(value, value)}")
    return "、".join(parts)


def appendix_rows(scope: FigureScope, names: list[str]) -> list[AppendixRow]:
    """One row per figure: value, definition, the list page and filter of its rows, and the row count
    (for a ratio, the rows of its base)."""
    rows = []
    for number, name in enumerate(names, start=1):
        if not catalogue.is_registered(name):
            continue
        figure = catalogue.figure_get(name)
        base = catalogue.figure_get(figure.denominator) if figure.measure == catalogue.RATIO else figure
        value = catalogue.figure_value(figure, scope)
        if not base.is_available(scope.user):
            count = None
        elif base.measure == catalogue.COUNT:
            count = catalogue.figure_value(base, scope)  # a count's rows are its value: no second query
        else:
            count = base.rows(scope).count()
        drill = base.drilldown
        if drill is not None:
            page = PAGE_LABELS.get(drill.url_name, drill.url_name)
            conditions = filter_description(drill.query(scope, base))
            filter_text = f"{page}：{conditions}" if conditions else _("%(page)s：全部") % {"page": page}
        else:
            filter_text = "—"
        rows.append(
            AppendixRow(
                number=number,
                name=name,
                label=str(figure.label),
                value=catalogue.format_value(figure, value),
                unit=str(figure.unit),
                definition=str(figure.definition),
                source=str(catalogue.MEASURES[figure.measure]),
                filter=filter_text,
                rows=count,
                url=catalogue.drilldown_url(figure, scope),
                exact=not catalogue.drilldown_gaps(figure, scope),
            )
        )
    return rows


def township_name() -> str:
    return settings.LIANXIN_TOWNSHIP_NAME or ""
