"""Statistical returns (统计报表): the periodic .xlsx tables a county asks a township for, in their
usual layout — title, 填报单位 / 统计期间 / 计量单位, a two-level header frozen in place, one row
per village (or project and village group), a 合计 row, 填报人 / 审核人 / 填报日期 under it, and a
note of the definitions. Every number is a catalogue figure (broken down per row), so a return
says what the dashboards and the work report say. Where a return lists cases, people's names
are masked (王*明).

Returns are registered like figures (``register_return``); the Party member development and the
landless-farmer employment returns come with their apps.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.regions.models import Region

from . import catalogue
from .catalogue import FigureScope
from .periods import MONTH, Period

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "宋体"


@dataclass
class Column:
    label: str
    group: str | None = None  # the upper header spanning several columns
    kind: str = "int"  # int, decimal, money, percent, text
    width: float = 10
    total: bool = True


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None
    frozen_columns: int = 1


@dataclass
class ReturnData:
    title: str
    unit: str
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatisticalReturn:
    key: str
    title: Promise | str
    description: Promise | str
    default_kind: str  # the period kind it is usually filed for
    build: Callable[[FigureScope], ReturnData]
    figures: tuple[str, ...] = ()  # figures it needs: it is offered only when they are registered
    order: int = 0

    @property
    def available(self) -> bool:
        return all(catalogue.is_registered(name) for name in self.figures)


_RETURNS: dict[str, StatisticalReturn] = {}


def register_return(*returns: StatisticalReturn) -> None:
    for item in returns:
        _RETURNS[item.key] = item


def return_list() -> list[StatisticalReturn]:
    return sorted((r for r in _RETURNS.values() if r.available), key=lambda r: (r.order, r.key))


def return_get(key: str) -> StatisticalReturn | None:
    item = _RETURNS.get(key)
    return item if item is not None and item.available else None


def mask_name(name: str) -> str:
    """王*明, 王*, 欧阳**: the surname stays, the given name is starred (except its last character
    when it has two or more)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- writing ------------------------------------------------------------------------------------------


def return_workbook(item: StatisticalReturn, scope: FigureScope, *, filled_by: str = "") -> tuple[bytes, str]:
    """The return as .xlsx bytes and its file name （标题_期间.xlsx）； always in Chinese."""
    with translation.override("zh-hans"):
        data = item.build(scope)
        out = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
        )
        for sheet in data.sheets:
            _write_sheet(workbook, data, sheet, scope, filled_by)
        workbook.close()
        filename = f"{data.title}_{scope.period.code.replace('..', '至')}.xlsx"
    return out.getvalue(), filename


def _write_sheet(workbook, data: ReturnData, sheet: Sheet, scope: FigureScope, filled_by: str) -> None:
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    cell = {**base, "border": 1}
    title_fmt = workbook.add_format({**base, "bold": True, "font_size": 18, "align": "center"})
    left = workbook.add_format({**base, "align": "left"})
    right = workbook.add_format({**base, "align": "right"})
    header = workbook.add_format({**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"})
    text = workbook.add_format({**cell, "num_format": "@"})
    numbers = {
        "int": workbook.add_format({**cell, "num_format": "#,##0"}),
        "decimal": workbook.add_format({**cell, "num_format": "#,##0.00"}),
        "money": workbook.add_format({**cell, "num_format": "#,##0.00"}),
        "percent": workbook.add_format({**cell, "num_format": "0.0"}),
    }
    bold_numbers = {
        k: workbook.add_format({**cell, "bold": True, "num_format": f.num_format}) for k, f in numbers.items()
    }
    bold_text = workbook.add_format({**cell, "bold": True, "align": "center"})
    note_fmt = workbook.add_format({**base, "text_wrap": True, "valign": "top"})

    ws = workbook.add_worksheet(sheet.name[:31])
    ncols = len(sheet.columns)
    last = ncols - 1
    ws.set_row(0, 32)
    ws.merge_range(0, 0, 0, last, data.title, title_fmt)
    half = max(1, ncols // 2)
    ws.merge_range(
        1, 0, 1, half - 1, _("填报单位：%(place)s") % {"place": scope.scope_name}, left
    ) if half > 1 else ws.write_string(1, 0, _("填报单位：%(place)s") % {"place": scope.scope_name}, left)
    period_text = _("统计期间：%(period)s") % {"period": scope.period.label}
    unit_text = _("单位：%(unit)s") % {"unit": data.unit}
    ws.merge_range(1, half, 1, last, f"{period_text}    {unit_text}", right) if last > half else ws.write_string(
        1, half, f"{period_text}    {unit_text}", right
    )

    # Two header rows: a group label spans its columns; a column without a group spans both rows.
    top, bottom = 2, 3
    col = 0
    while col < ncols:
        column = sheet.columns[col]
        if column.group is None:
            ws.merge_range(top, col, bottom, col, column.label, header)
            col += 1
            continue
        end = col
        while end + 1 < ncols and sheet.columns[end + 1].group == column.group:
            end += 1
        if end > col:
            ws.merge_range(top, col, top, end, column.group, header)
        else:
            ws.write_string(top, col, column.group, header)
        for c in range(col, end + 1):
            ws.write_string(bottom, c, sheet.columns[c].label, header)
        col = end + 1
    ws.set_row(top, 24)
    ws.set_row(bottom, 36)
    for c, column in enumerate(sheet.columns):
        ws.set_column(c, c, column.width)

    row = bottom + 1
    for values in sheet.rows:
        _write_row(ws, row, sheet.columns, values, text, numbers)
        row += 1
    if sheet.total is not None:
        _write_row(ws, row, sheet.columns, sheet.total, bold_text, bold_numbers)
        row += 1
    ws.freeze_panes(bottom + 1, sheet.frozen_columns)
    row += 1
    today = timezone.localdate()
    signature = "    ".join(
        [
            _("填报人：%(name)s") % {"name": filled_by or "        "},
            _("审核人：") + "        ",
            _("填报日期：%(y)d年%(m)d月%(d)d日") % {"y": today.year, "m": today.month, "d": today.day},
        ]
    )
    ws.merge_range(row, 0, row, last, signature, left) if last > 0 else ws.write_string(row, 0, signature, left)
    for note in data.notes:
        row += 1
        ws.merge_range(row, 0, row, last, note, note_fmt) if last > 0 else ws.write_string(row, 0, note, note_fmt)
        ws.set_row(row, 30)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top, bottom)


def _write_row(ws, row: int, columns: list[Column], values: list, text_fmt, numbers) -> None:
    for c, (column, value) in enumerate(zip(columns, values, strict=True)):
        if value is None or value == "":
            ws.write_blank(row, c, None, text_fmt if column.kind == "text" else numbers.get(column.kind, text_fmt))
        elif column.kind == "text" or isinstance(value, str):
            ws.write_string(row, c, str(value), text_fmt)
        else:
            ws.write_number(row, c, float(value), numbers[column.kind])


def _sum(values) -> int | Decimal:
    total = sum((v for v in values if isinstance(v, int | Decimal)), Decimal(0))
    return (
        int(total) if total == total.to_integral_value() and not any(isinstance(v, Decimal) for v in values) else total
    )


def _percent(part, whole) -> Decimal | None:
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- 矛盾纠纷排查调处月报 ---------------------------------------------------------------------------------

DISPUTE_CATEGORY_FIGURES = [
    "disputes_land_compensation",
    "disputes_boundary",
    "disputes_construction_nuisance",
    "disputes_wages",
    "disputes_neighbours",
    "disputes_other",
]
DISPUTE_FIGURES = [
    "disputes_registered",
    *DISPUTE_CATEGORY_FIGURES,
    "disputes_mediated",
    "disputes_open",
    "disputes_referred",
]


def _villages_of(scope: FigureScope) -> list[Region]:
    qs = scope.scoped(Region.objects.filter(level=Region.Level.VILLAGE))
    if scope.region is not None:
        qs = qs.filter(path__startswith=scope.region.path)
    return list(qs.order_by("path"))


def _by_village(name: str, scope: FigureScope, villages: list[Region]) -> dict[int | None, int]:
    """A case figure per village committee (cases of a village group count to its village; cases
    registered at township level to None: 镇直)."""
    result: dict[int | None, int] = {}
    for path, value in catalogue.breakdown(name, scope, group_by="region__path").items():
        owner = next((v.pk for v in villages if path and path.startswith(v.path)), None)
        result[owner] = result.get(owner, 0) + (value or 0)
    return result


def _disputes_return(scope: FigureScope) -> ReturnData:
    from lianxin.cases.models import Case, CaseParty

    villages = _villages_of(scope)
    per = {name: _by_village(name, scope, villages) for name in DISPUTE_FIGURES}
    columns = [
        Column(_("村（社区）"), kind="text", width=18, total=False),
        Column(_("合计"), group=_("排查纠纷（件）"), width=8),
        *[Column(str(label), group=_("排查纠纷（件）"), width=9) for _value, label in Case.DisputeCategory.choices],
        Column(_("调解成功（件）"), group=_("调处情况"), width=9),
        Column(_("正在调处（件）"), group=_("调处情况"), width=9),
        Column(_("引导诉讼或转信访（件）"), group=_("调处情况"), width=11),
        Column(_("调解成功率（%）"), group=_("调处情况"), kind="percent", width=10, total=False),
    ]
    rows = []
    keys: list[int | None] = [v.pk for v in villages]
    if any(per[name].get(None) for name in DISPUTE_FIGURES):
        keys.append(None)
    names = {v.pk: v.name for v in villages}
    for key in keys:
        values = [per[name].get(key, 0) for name in DISPUTE_FIGURES]
        registered, mediated = values[0], values[7]
        rows.append([names.get(key, _("镇直及其他")), *values, _percent(mediated, registered)])
    totals = [catalogue.figure_value(name, scope) or 0 for name in DISPUTE_FIGURES]
    total = [_("合计"), *totals, catalogue.figure_value("disputes_mediation_rate", scope)]

    # 纠纷明细: one row per dispute registered in the period, the parties' names masked.
    figure = catalogue.figure_get("disputes_registered")
    cases = (
        figure.rows(scope)
        .select_related("region")
        .order_by("registered_at", "id")
        .only("number", "title", "registered_at", "region__name", "dispute_category", "state", "dispute_outcome")
    )
    parties: dict[int, list[str]] = {}
    for party in CaseParty.objects.filter(case__in=cases.values("pk")).select_related(
        "person", "household", "enterprise"
    ):
        if party.person_id:
            shown = mask_name(party.person.name)
        elif party.household_id:
            shown = _("户%(number)s") % {"number": party.household.number}
        else:
            shown = party.enterprise.name
        parties.setdefault(party.case_id, []).append(shown)
    detail_columns = [
        Column(_("序号"), width=6, total=False),
        Column(_("编号"), kind="text", width=14, total=False),
        Column(_("登记日期"), kind="text", width=12, total=False),
        Column(_("所属区域"), kind="text", width=14, total=False),
        Column(_("纠纷类别"), kind="text", width=12, total=False),
        Column(_("事由"), kind="text", width=30, total=False),
        Column(_("当事人"), kind="text", width=20, total=False),
        Column(_("状态"), kind="text", width=10, total=False),
        Column(_("调处结果"), kind="text", width=14, total=False),
    ]
    detail = [
        [
            index,
            case.number,
            f"{timezone.localtime(case.registered_at):%Y-%m-%d}",
            case.region.name,
            case.get_dispute_category_display(),
            case.title,
            "、".join(parties.get(case.pk, [])),
            case.get_state_display(),
            case.get_dispute_outcome_display() or "",
        ]
        for index, case in enumerate(cases, start=1)
    ]
    return ReturnData(
        title=_("矛盾纠纷排查调处月报") if scope.period.kind == MONTH else _("矛盾纠纷排查调处情况统计表"),
        unit=_("件"),
        sheets=[
            Sheet(_("汇总"), columns, rows, total),
            Sheet(_("纠纷明细"), detail_columns, detail, None, frozen_columns=2),
        ],
        notes=[
            _(
                "说明：统计期间内登记的矛盾纠纷；调解成功指调处结果为“达成调解协议”；正在调处指尚未办结（含中止）；调解成功率=调解成功÷排查纠纷合计。当事人姓名已作脱敏处理。"
            ),
        ],
    )


# --- 征地进度 -----------------------------------------------------------------------------------------


def _land_return(scope: FigureScope) -> ReturnData:
    from .tables import LAND_AREA_FIGURES, LAND_MONEY_FIGURES, land_progress_rows

    rows_data = land_progress_rows(scope)
    extra = ["land_surveyed_parcels", "land_payments_amount"]
    columns = [
        Column(_("项目"), kind="text", width=24, total=False),
        Column(_("村民小组"), kind="text", width=14, total=False),
        Column(_("测量地块（块）"), group=_("地块"), width=9),
        Column(_("测量面积"), group=_("面积（亩）"), kind="decimal", width=11),
        Column(_("已签协议"), group=_("面积（亩）"), kind="decimal", width=11),
        Column(_("已兑付"), group=_("面积（亩）"), kind="decimal", width=11),
        Column(_("已交地"), group=_("面积（亩）"), kind="decimal", width=11),
        Column(_("交地进度（%）"), group=_("面积（亩）"), kind="percent", width=9, total=False),
        Column(_("协议金额"), group=_("补偿款（元）"), kind="money", width=15),
        Column(_("已兑付"), group=_("补偿款（元）"), kind="money", width=15),
        Column(_("兑付进度（%）"), group=_("补偿款（元）"), kind="percent", width=9, total=False),
        Column(_("本期兑付"), group=_("补偿款（元）"), kind="money", width=15),
    ]
    extra_by: dict[tuple[int, int | None], dict[str, object]] = {}
    for project_id in {row.project.pk for row in rows_data}:
        project_scope = scope.with_project(next(r.project for r in rows_data if r.project.pk == project_id))
        for name in extra:
            for group_id, value in catalogue.breakdown(name, project_scope, group_by="village_group").items():
                extra_by.setdefault((project_id, group_id), {})[name] = value
            extra_by.setdefault((project_id, None), {})[name] = catalogue.figure_value(name, project_scope)
    rows = []
    for row in rows_data:
        values = row.values
        more = extra_by.get((row.project.pk, row.group.pk if row.group else None), {})
        rows.append(
            [
                row.project.name,
                (f"{row.group.parent.name}{row.group.name}" if row.group.parent_id else row.group.name)
                if row.group
                else _("小计"),
                more.get("land_surveyed_parcels") or 0,
                *[values.get(name) or 0 for name in LAND_AREA_FIGURES],
                _percent(values.get("land_handed_over_mu"), values.get("land_surveyed_mu")),
                *[values.get(name) or 0 for name in LAND_MONEY_FIGURES],
                _percent(values.get("land_money_paid"), values.get("land_money_agreed")),
                more.get("land_payments_amount") or 0,
            ]
        )
    totals = {
        name: catalogue.figure_value(name, scope) or 0 for name in [*LAND_AREA_FIGURES, *LAND_MONEY_FIGURES, *extra]
    }
    total = [
        _("合计"),
        "",
        totals["land_surveyed_parcels"],
        *[totals[name] for name in LAND_AREA_FIGURES],
        _percent(totals["land_handed_over_mu"], totals["land_surveyed_mu"]),
        *[totals[name] for name in LAND_MONEY_FIGURES],
        _percent(totals["land_money_paid"], totals["land_money_agreed"]),
        totals["land_payments_amount"],
    ]
    return ReturnData(
        title=_("征地进度统计表"),
        unit=_("块、亩、元"),
        sheets=[Sheet(_("征地进度"), columns, rows, total, frozen_columns=2)],
        notes=[
            _(
                "说明：面积按地块当前状态统计（已兑付含已交地，已签协议含已兑付和已交地）；协议金额、已兑付为累计数；本期兑付为兑付日期在统计期间内的兑付记录金额之和（冲销记为负数）。"
            )
        ],
    )


register_return(
    StatisticalReturn(
        key="disputes",
        title=gettext_lazy("矛盾纠纷排查调处月报"),
        description=gettext_lazy("各村委会排查、调处矛盾纠纷的件数，按纠纷类别分列；附纠纷明细（当事人姓名脱敏）"),
        default_kind=MONTH,
        build=_disputes_return,
        figures=tuple(DISPUTE_FIGURES) + ("disputes_mediation_rate",),
        order=10,
    ),
    StatisticalReturn(
        key="land",
        title=gettext_lazy("征地进度统计表"),
        description=gettext_lazy("各项目、各村民小组的测量、签约、兑付、交地面积和补偿款兑付进度"),
        default_kind=MONTH,
        build=_land_return,
        figures=("land_surveyed_parcels", "land_surveyed_mu", "land_money_agreed", "land_payments_amount"),
        order=20,
    ),
)


def default_period(item: StatisticalReturn, today=None) -> Period:
    """The period a return is normally filed for: the month (quarter, year) before today's."""
    today = today or timezone.localdate()
    current = Period.month(today.year, today.month)
    return current.previous() if item.default_kind == MONTH else Period.year(today.year - 1)
