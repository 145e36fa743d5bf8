"""The tables of the work report and of the statistical returns, built from catalogue figures: each
cell that is a figure knows its link to the rows (for the HTML preview) and which figure it is (for
the appendix). Apps add tables with ``register_table`` as they add figures and sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.regions.models import Region

from . import catalogue
from .catalogue import FigureScope


@dataclass(frozen=True)
class Cell:
    """A figure in a table: the value shown, the figure, and the link to its rows."""

    text: str
    value: int | Decimal | None = None
    figure: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class TableData:
    title: str
    headers: list[str]
    rows: list[list[Cell | str]]
    total: list[Cell | str] | None = None
    note: str = ""
    widths_mm: list[float] | None = None
    figures: list[str] = field(default_factory=list)
    # Rows that start a group (a project's subtotal): shown bold.
    bold_rows: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ReportTable:
    key: str
    topic: str
    order: int
    title: Promise | str
    build: Callable[[FigureScope], TableData | None]
    figures: tuple[str, ...] = ()  # the figures it states, computed with the report's others (prefetch)


_TABLES: dict[str, ReportTable] = {}


def register_table(*tables: ReportTable) -> None:
    for table in tables:
        _TABLES[table.key] = table


def table_list() -> list[ReportTable]:
    return sorted(_TABLES.values(), key=lambda t: (t.topic, t.order, t.key))


def figure_cell(name: str, scope: FigureScope, value=None, *, text: str | None = None, scale=None) -> Cell:
    """A cell for figure ``name`` in ``scope`` (``value`` when already known from a breakdown)."""
    figure = catalogue.figure_get(name)
    if value is None:
        value = catalogue.figure_value(figure, scope)
    if text is None:
        text = _number(value, scale, 2 if scale else figure.decimals)
    return Cell(text=text, value=value, figure=name, url=catalogue.drilldown_url(figure, scope))


def _number(value, scale=None, decimals: int = 2) -> str:
    """Integers as they are; decimals (mu, 万元, %) with the figure's places, so a column lines up."""
    if value is None:
        return "—"
    if scale:
        value = Decimal(value) / scale
    if isinstance(value, int) and not scale:
        return str(value)
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-decimals))}"


def percent_text(part, whole) -> str:
    if not whole or part is None:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'))}"


# --- land progress by project and village group -------------------------------------------------------

LAND_AREA_FIGURES = ["land_surveyed_mu", "land_agreed_mu", "land_paid_mu", "land_handed_over_mu"]
LAND_MONEY_FIGURES = ["land_money_agreed", "land_money_paid"]
TEN_THOUSAND = Decimal(10000)


@dataclass
class LandProgressRow:
    project: object
    group: Region | None  # None: the project's subtotal
    scope: FigureScope
    values: dict[str, int | Decimal | None]


def land_progress_rows(scope: FigureScope) -> list[LandProgressRow]:
    """Per project with land in scope: one row per village group, then the project's subtotal; every
    number a catalogue figure (broken down by village group in one GROUP BY per figure)."""
    from lianxin.enterprises.models import Project

    if not all(catalogue.is_registered(n) for n in LAND_AREA_FIGURES + LAND_MONEY_FIGURES):
        return []
    parcels = catalogue.figure_get("land_surveyed_mu").rows(scope)
    project_ids = parcels.order_by().values_list("project_id", flat=True).distinct()
    projects = list(Project.objects.filter(pk__in=list(project_ids)).order_by("name"))
    rows: list[LandProgressRow] = []
    for project in projects:
        project_scope = scope.with_project(project)
        per_group: dict[int, dict] = {}
        for name in LAND_AREA_FIGURES + LAND_MONEY_FIGURES:
            for group_id, value in catalogue.breakdown(name, project_scope, group_by="village_group").items():
                per_group.setdefault(group_id, {})[name] = value
        groups = Region.objects.filter(pk__in=per_group).select_related("parent").order_by("path")
        for group in groups:
            rows.append(LandProgressRow(project, group, project_scope.with_region(group), per_group[group.pk]))
        totals = {name: catalogue.figure_value(name, project_scope) for name in LAND_AREA_FIGURES + LAND_MONEY_FIGURES}
        rows.append(LandProgressRow(project, None, project_scope, totals))
    return rows


def _land_progress_table(scope: FigureScope) -> TableData | None:
    rows = land_progress_rows(scope)
    if not rows:
        return None
    body: list[list[Cell | str]] = []
    bold: set[int] = set()
    names = [row.group.name for row in rows if row.group is not None]
    for row in rows:
        values = row.values
        surveyed, handed = values.get("land_surveyed_mu"), values.get("land_handed_over_mu")
        if row.group is None:
            label = _("%(project)s小计") % {"project": row.project.name}
        elif names.count(row.group.name) > 1:  # two villages with a group of the same name
            label = f"\u3000{row.group.parent.name}{row.group.name}"
        else:
            label = f"\u3000{row.group.name}"
        cells: list[Cell | str] = [label]
        for name in LAND_AREA_FIGURES:
            cells.append(figure_cell(name, row.scope, values.get(name) or 0))
        cells.append(percent_text(handed, surveyed))
        for name in LAND_MONEY_FIGURES:
            cells.append(figure_cell(name, row.scope, values.get(name) or 0, scale=TEN_THOUSAND))
        if row.group is None:
            bold.add(len(body))
        body.append(cells)
    total_values = {name: catalogue.figure_value(name, scope) for name in LAND_AREA_FIGURES + LAND_MONEY_FIGURES}
    total: list[Cell | str] = [_("合计")]
    total += [figure_cell(name, scope, total_values[name]) for name in LAND_AREA_FIGURES]
    total.append(percent_text(total_values["land_handed_over_mu"], total_values["land_surveyed_mu"]))
    total += [figure_cell(name, scope, total_values[name], scale=TEN_THOUSAND) for name in LAND_MONEY_FIGURES]
    return TableData(
        title=_("征地进度情况表"),
        headers=[
            _("项目/村民小组"),
            _("测量面积（亩）"),
            _("已签协议（亩）"),
            _("已兑付（亩）"),
            _("已交地（亩）"),
            _("交地进度（%）"),
            _("协议金额（万元）"),
            _("已兑付（万元）"),
        ],
        rows=body,
        total=total,
        note=_("面积按地块当前状态统计（已兑付含已交地，已签协议含已兑付和已交地）；金额为累计数。"),
        widths_mm=[34, 17, 17, 17, 17, 16, 19, 19],
        figures=LAND_AREA_FIGURES + LAND_MONEY_FIGURES,
        bold_rows=bold,
    )


# --- cases by kind with the on-time rate ---------------------------------------------------------------


def _cases_by_kind_table(scope: FigureScope) -> TableData | None:
    from lianxin.cases.models import Case

    from .figures.cases import KIND_PREFIX

    kinds = []
    for kind, prefix in KIND_PREFIX.items():
        figure = f"{prefix}_registered"
        if catalogue.is_registered(figure) and catalogue.figure_get(figure).is_available(scope.user):
            kinds.append((Case.Kind(kind).label, prefix))
    if not kinds or not catalogue.is_registered("cases_registered"):
        return None
    columns = ["registered", "resolved", "resolved_on_time", "on_time_rate", "overdue"]
    body: list[list[Cell | str]] = []
    used: list[str] = []
    for label, prefix in kinds:
        row: list[Cell | str] = [str(label)]
        for column in columns:
            name = f"{prefix}_{column}"
            row.append(figure_cell(name, scope))
            used.append(name)
        body.append(row)
    total = [_("合计")] + [figure_cell(f"cases_{column}", scope) for column in columns]
    used += [f"cases_{column}" for column in columns]
    return TableData(
        title=_("各类事项办理情况表"),
        headers=[
            _("类别"),
            _("登记（件）"),
            _("已办结（件）"),
            _("按期办结（件）"),
            _("按期办结率（%）"),
            _("超期未办结（件）"),
        ],
        rows=body,
        total=total,
        note=_("登记、办结、按期办结按统计期间内登记的事项统计；超期未办结为当前数。"),
        widths_mm=[36, 22, 24, 26, 26, 22],
        figures=used,
    )


CASE_TABLE_FIGURES = tuple(
    f"{prefix}_{column}"
    for prefix in ("cases", "disputes", "enterprise_requests", "integrity_reports", "security_incidents")
    for column in ("registered", "resolved", "resolved_on_time", "on_time_rate", "overdue")
)
register_table(
    ReportTable(
        "land_progress",
        "service.land",
        10,
        gettext_lazy("征地进度情况表"),
        _land_progress_table,
        figures=tuple(LAND_AREA_FIGURES + LAND_MONEY_FIGURES),
    ),
    ReportTable(
        "cases_by_kind",
        "service.cases",
        10,
        gettext_lazy("各类事项办理情况表"),
        _cases_by_kind_table,
        figures=CASE_TABLE_FIGURES,
    ),
)
