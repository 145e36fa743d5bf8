"""The livelihood side of the work report (抓发展): the default sentences of landless farmers' employment and income
and of village development, the tables of employment by enterprise (committed vs actual) and of the village
indicators against their targets, the dashboard panel of the leader's overview, and the landless-farmer employment
return (失地农民就业情况统计表). Registered from ``LivelihoodConfig.ready()`` with the figures they state
(``figures.py``); the reports never import this module."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.reports import catalogue
from lianxin.reports.catalogue import DEVELOPMENT, FigureScope
from lianxin.reports.sentences import DefaultSentence, Topic, register_sentence, register_topic
from lianxin.reports.tables import Cell, ReportTable, TableData, figure_cell, register_table

from .figures import INDICATOR_FIGURES

EMPLOYMENT_FIGURES = ("livelihood_employed",)


def _quota_year(scope: FigureScope) -> int:
    return scope.period.date_to.year


def _employment_rows(scope: FigureScope) -> list[tuple[str, int, int]]:
    """(enterprise, committed in the year, landless farmers at work now) per enterprise with either."""
    from lianxin.enterprises.models import Enterprise

    from .models import HiringQuota

    employed = catalogue.breakdown("livelihood_employed", scope, group_by="enterprise")
    committed = dict(
        scope.scoped(HiringQuota.objects.filter(year=_quota_year(scope))).values_list("enterprise", "committed")
    )
    ids = {pk for pk in (*employed, *committed) if pk}
    names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [(names[pk], committed.get(pk, 0), employed.get(pk, 0) or 0) for pk in ids]
    rows.sort(key=lambda r: (-r[2], r[0]))
    if employed.get(None):
        rows.append((_("公益性岗位"), 0, employed[None]))
    return rows


def _employment_table(scope: FigureScope) -> TableData | None:
    """Each enterprise's commitment to hire landless farmers first, against those at work there now."""
    if not catalogue.is_registered("livelihood_employed"):
        return None
    if not catalogue.figure_get("livelihood_employed").is_available(scope.user):
        return None
    rows = _employment_rows(scope)
    if not rows:
        return None
    quotas = f"{reverse('livelihood:quotas')}?{urlencode({'year': _quota_year(scope)})}"
    body: list[list[Cell | str]] = []
    for name, committed, actual in rows:
        percent = f"{Decimal(actual * 100 / committed).quantize(Decimal('0.1'))}%" if committed else "—"
        body.append([name, Cell(str(committed), committed, url=quotas), Cell(str(actual), actual), percent])
    committed_total = sum(r[1] for r in rows)
    employed = figure_cell("livelihood_employed", scope)
    percent = (
        f"{Decimal((employed.value or 0) * 100 / committed_total).quantize(Decimal('0.1'))}%"
        if committed_total
        else "—"
    )
    return TableData(
        title=_("园区企业优先招用失地农民情况表"),
        headers=[_("企业"), _("承诺招用（人）"), _("在岗失地农民（人）"), _("完成率")],
        rows=body,
        total=[_("合计"), Cell(str(committed_total), committed_total, url=quotas), employed, percent],
        note=_("承诺招用为当年优先招用指标；在岗失地农民为填报时已上岗、未离岗的失地农民。"),
        widths_mm=[70, 30, 34, 24],
        figures=list(EMPLOYMENT_FIGURES),
    )


INDICATOR_ROWS = [stem for _value, stem, _unit, with_target, _measure in INDICATOR_FIGURES if with_target]


def _indicator_table(scope: FigureScope) -> TableData | None:
    """The village indicators of the year: target, actual and the share achieved, each a link to its rows."""
    names = [f"livelihood_{stem}" for stem in INDICATOR_ROWS] + [f"livelihood_{stem}_target" for stem in INDICATOR_ROWS]
    if not all(catalogue.is_registered(n) for n in names):
        return None
    catalogue.prefetch(names, scope)
    body: list[list[Cell | str]] = []
    for stem in INDICATOR_ROWS:
        actual = figure_cell(f"livelihood_{stem}", scope)
        target = figure_cell(f"livelihood_{stem}_target", scope)
        if not actual.value and not target.value:
            continue
        percent = (
            f"{(Decimal(actual.value or 0) * 100 / Decimal(target.value)).quantize(Decimal('0.1'))}%"
            if target.value
            else "—"
        )
        body.append([str(catalogue.figure_get(f"livelihood_{stem}").label), target, actual, percent])
    if catalogue.is_registered("livelihood_net_income_per_capita_target"):
        target = figure_cell("livelihood_net_income_per_capita_target", scope)
        actual = figure_cell("livelihood_net_income_per_capita", scope)
        if target.value or actual.value:
            percent = (
                f"{(Decimal(actual.value or 0) * 100 / Decimal(target.value)).quantize(Decimal('0.1'))}%"
                if target.value and actual.value is not None
                else "—"
            )
            body.append([_("农民人均纯收入(元)"), target, actual, percent])
    if not body:
        return None
    return TableData(
        title=_("村级发展指标完成情况表"),
        headers=[_("指标"), _("目标"), _("实绩"), _("完成率")],
        rows=body,
        note=_("各村当年目标和实绩之和；农民人均纯收入实绩为纯收入除以人口基数，目标为各村目标的平均。"),
        widths_mm=[60, 34, 34, 24],
        figures=names,
    )


def register_report() -> None:
    register_topic(
        Topic("development.livelihood", DEVELOPMENT, gettext_lazy("失地农民就业和增收"), 20),
        Topic("development.village", DEVELOPMENT, gettext_lazy("新农村建设和村级发展"), 30),
    )
    register_sentence(
        DefaultSentence(
            "development.livelihood.employment",
            "development.livelihood",
            10,
            gettext_lazy(
                "全镇认定失地农民{livelihood_landless_households}、{livelihood_landless_persons}，"
                "在园区企业就业的失地农民达{livelihood_employed}，本期新上岗{livelihood_placements_started}。"
            ),
        ),
        DefaultSentence(
            "development.livelihood.training",
            "development.livelihood",
            20,
            gettext_lazy(
                "本期举办技能培训{livelihood_trainings}、培训{livelihood_trainees}；扶持失地农民个体经营"
                "{livelihood_businesses}；参加养老保险{livelihood_insured}，尚有{livelihood_not_insured}未参保。"
            ),
        ),
        DefaultSentence(
            "development.livelihood.income",
            "development.livelihood",
            30,
            gettext_lazy(
                "年度收入调查{livelihood_households_surveyed}中，收入不减少的占{livelihood_not_worse_off_share}，"
                "收入低于征地前的{livelihood_households_worse_off}已逐户跟进。"
            ),
        ),
        DefaultSentence(
            "development.village.projects",
            "development.village",
            10,
            gettext_lazy(
                "实施新农村建设项目{livelihood_village_projects}，总投资{livelihood_village_projects_yuan}；"
                "企业与村结对{livelihood_pairings}。"
            ),
        ),
        DefaultSentence(
            "development.village.indicators",
            "development.village",
            20,
            gettext_lazy(
                "全镇牛存栏{livelihood_cattle}，玉米种植{livelihood_corn}、甘蔗{livelihood_sugarcane}、"
                "烤烟{livelihood_tobacco}；农村经济总收入{livelihood_total_income}（目标"
                "{livelihood_total_income_target}），农民纯收入{livelihood_net_income}（目标"
                "{livelihood_net_income_target}），农民人均纯收入{livelihood_net_income_per_capita}（目标"
                "{livelihood_net_income_per_capita_target}）。"
            ),
        ),
    )
    register_table(
        ReportTable(
            "livelihood_employment",
            "development.livelihood",
            10,
            gettext_lazy("园区企业优先招用失地农民情况表"),
            _employment_table,
            figures=EMPLOYMENT_FIGURES,
        ),
        ReportTable(
            "livelihood_indicators",
            "development.village",
            10,
            gettext_lazy("村级发展指标完成情况表"),
            _indicator_table,
            figures=tuple(f"livelihood_{s}" for s in INDICATOR_ROWS)
            + tuple(f"livelihood_{s}_target" for s in INDICATOR_ROWS),
        ),
    )


# --- dashboard panels -------------------------------------------------------------------------------------------


def _indicator_chart(scope: FigureScope):
    """Each indicator's actual as a share of its target, each bar linking to the indicator's rows."""
    from lianxin.reports.dashboard import Chart, Segment

    segments = []
    for stem in INDICATOR_ROWS:
        actual, target = f"livelihood_{stem}", f"livelihood_{stem}_target"
        if not (catalogue.is_registered(actual) and catalogue.is_registered(target)):
            continue
        value, goal = catalogue.figure_value(actual, scope), catalogue.figure_value(target, scope)
        if not goal or value is None:
            continue
        share = float(Decimal(value) * 100 / Decimal(goal))
        segments.append(
            Segment(str(catalogue.figure_get(actual).label), round(share, 1), catalogue.drilldown_url(actual, scope))
        )
    return Chart(_("村级发展指标完成率(%)"), "bar", segments, unit="%") if segments else None


def register_panels() -> None:
    from lianxin.accounts.roles import Role
    from lianxin.reports.dashboard import Panel, register_panel

    # No role of its own keeps the livelihood ledgers (the working group and the village cadres do, with the land
    # work): the leader's and the county's overview gain employment, households worse off and the indicators.
    register_panel(
        Panel(
            "livelihood_overview",
            gettext_lazy("失地农民就业和增收"),
            frozenset({Role.TOWNSHIP_LEADER, Role.COUNTY_VIEWER}),
            (
                "livelihood_landless_persons",
                "livelihood_employed",
                "livelihood_households_worse_off",
                "livelihood_not_worse_off_share",
                "livelihood_village_projects_yuan",
            ),
            order=16,
        ),
        Panel(
            "livelihood_indicators",
            gettext_lazy("村级发展指标"),
            frozenset({Role.TOWNSHIP_LEADER, Role.COUNTY_VIEWER}),
            (
                "livelihood_total_income",
                "livelihood_total_income_target",
                "livelihood_net_income",
                "livelihood_net_income_target",
                "livelihood_net_income_per_capita",
                "livelihood_net_income_per_capita_target",
            ),
            chart=_indicator_chart,
            order=17,
        ),
    )


# --- the return: 失地农民就业情况统计表 ---------------------------------------------------------------------------

# (figure, the lookup from its rows to the village group)
RETURN_COLUMNS = (
    ("livelihood_landless_households", "village_group"),
    ("livelihood_landless_persons", "village_group"),
    ("livelihood_employed", "village_group"),
    ("livelihood_placements_started", "village_group"),
    ("livelihood_businesses", "village_group"),
    ("livelihood_insured", "village_group"),
    ("livelihood_not_insured", "household__village_group"),
)
RETURN_FIGURES = tuple(name for name, _lookup in RETURN_COLUMNS)


def _employment_return(scope: FigureScope):
    """One row per village group (landless farmers, those at work, placements taken up in the period, businesses,
    insurance); the 合计 row is the catalogue's figures. A second sheet: each enterprise's commitment against those
    at work; a third: the landless farmers not insured, their names masked."""
    from lianxin.regions.models import Region
    from lianxin.reports.returns import Column, ReturnData, Sheet, mask_name

    per_group: dict[int, dict[str, int]] = {}
    for name, lookup in RETURN_COLUMNS:
        for group_id, value in catalogue.breakdown(name, scope, group_by=lookup).items():
            per_group.setdefault(group_id, {})[name] = value or 0
    groups = list(
        Region.objects.filter(pk__in=[pk for pk in per_group if pk]).select_related("parent").order_by("path")
    )
    landless, work, security = _("失地农民"), _("就业创业"), _("养老保险")
    columns = [
        Column(_("村（村民小组）"), kind="text", width=24, total=False),
        Column(_("户数（户）"), group=landless, width=10),
        Column(_("人数（人）"), group=landless, width=10),
        Column(_("在岗（人）"), group=work, width=10),
        Column(_("本期新上岗（人次）"), group=work, width=12),
        Column(_("个体经营（户）"), group=work, width=12),
        Column(_("已参保（人）"), group=security, width=10),
        Column(_("未参保（人）"), group=security, width=10),
    ]
    rows = [
        [f"{g.parent.name if g.parent_id else ''}{g.name}", *[per_group[g.pk].get(name, 0) for name in RETURN_FIGURES]]
        for g in groups
    ]
    total = [_("合计"), *[catalogue.figure_value(name, scope) or 0 for name in RETURN_FIGURES]]
    sheets = [Sheet(_("失地农民就业情况"), columns, rows, total)]

    enterprises = _employment_rows(scope)
    if enterprises:
        sheets.append(
            Sheet(
                _("企业招用情况"),
                [
                    Column(_("企业"), kind="text", width=32, total=False),
                    Column(_("承诺招用（人）"), width=12),
                    Column(_("在岗失地农民（人）"), width=14),
                ],
                [[name, committed, actual] for name, committed, actual in enterprises],
                [_("合计"), sum(r[1] for r in enterprises), catalogue.figure_value("livelihood_employed", scope) or 0],
            )
        )
    not_insured = catalogue.figure_get("livelihood_not_insured").rows(scope).select_related("household__village_group")
    sheets.append(
        Sheet(
            _("未参保人员"),
            [
                Column(_("姓名"), kind="text", width=12, total=False),
                Column(_("村民小组"), kind="text", width=16, total=False),
                Column(_("出生年份"), kind="text", width=10, total=False),
            ],
            [
                [mask_name(p.name), p.household.village_group.name, str(p.birth_date.year) if p.birth_date else ""]
                for p in not_insured.order_by("household__village_group__path", "pk")[:5000]
            ],
        )
    )
    return ReturnData(
        title=_("失地农民就业情况统计表"),
        unit=_("户、人"),
        sheets=sheets,
        notes=[
            _(
                "说明：失地农民按适用的认定标准认定；在岗为填报时已上岗、未离岗的失地农民；本期新上岗为上岗日期在统计期间"
                "内的就业安置；未参保为年满16周岁、未登记参加养老保险的失地农民（姓名已脱敏）。"
            )
        ],
    )


def register_returns() -> None:
    from lianxin.reports.periods import QUARTER
    from lianxin.reports.returns import StatisticalReturn, register_return

    register_return(
        StatisticalReturn(
            key="livelihood_employment",
            title=gettext_lazy("失地农民就业情况统计表"),
            description=gettext_lazy("各村民小组的失地农民户数、人数、在岗、新上岗、个体经营和参保人数，企业招用情况"),
            default_kind=QUARTER,
            build=_employment_return,
            figures=RETURN_FIGURES,
            order=40,
        )
    )
