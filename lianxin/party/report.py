"""The Party side of the work report: the default sentences of the organisation (抓班子) and education (抓教育)
lines and the table of members and development per branch. Registered from ``PartyConfig.ready()`` with the
figures they state (``figures.py``); the reports never import this module."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.reports import catalogue
from lianxin.reports.catalogue import EDUCATION, ORGANISATION, FigureScope
from lianxin.reports.sentences import DefaultSentence, Topic, register_sentence, register_topic
from lianxin.reports.tables import Cell, ReportTable, TableData, figure_cell, register_table

from .models import Organization

# The columns of the branch table: a figure broken down by the organisation holding the relation, and the list
# page's filter that shows one branch's rows.
BRANCH_COLUMNS = [
    ("party_members", gettext_lazy("党员（名）"), "party:member-list", {}),
    ("party_full_members", gettext_lazy("正式党员（名）"), "party:member-list", {"stage": "full"}),
    ("party_probationary_members", gettext_lazy("预备党员（名）"), "party:member-list", {"stage": "probationary"}),
    ("party_new_members", gettext_lazy("本期发展（名）"), "party:member-list", {"status": ""}),
    ("party_pipeline_applicants", gettext_lazy("入党申请人（名）"), "party:pipeline", {"stage": "applicant"}),
    ("party_pipeline_activists", gettext_lazy("积极分子（名）"), "party:pipeline", {"stage": "activist"}),
    ("party_pipeline_candidates", gettext_lazy("发展对象（名）"), "party:pipeline", {"stage": "candidate"}),
]
BRANCH_FIGURES = tuple(name for name, *_rest in BRANCH_COLUMNS)


def _branch_cell(name: str, value, organization: Organization, url_name: str, params: dict, scope) -> Cell:
    query = {**params, "organization": str(organization.pk)}
    if name == "party_new_members":
        query.update(admitted_from=scope.period.date_from.isoformat(), admitted_to=scope.period.date_to.isoformat())
    return Cell(text=str(value or 0), value=value or 0, figure=name, url=f"{reverse(url_name)}?{urlencode(query)}")


def _branch_table(scope: FigureScope) -> TableData | None:
    """Members, the period's new members and the pipeline per organisation holding relations (each person counted
    once, where the relation is held), with the catalogue's totals."""
    if not all(catalogue.is_registered(n) for n in BRANCH_FIGURES):
        return None
    if not catalogue.figure_get("party_members").is_available(scope.user):
        return None
    per_org: dict[int, dict[str, int]] = {}
    for name in BRANCH_FIGURES:
        for org_id, value in catalogue.breakdown(name, scope, group_by="organization").items():
            per_org.setdefault(org_id, {})[name] = value
    organizations = list(Organization.objects.filter(pk__in=[pk for pk in per_org if pk]).order_by("path"))
    if not organizations:
        return None
    body: list[list[Cell | str]] = []
    for organization in organizations:
        values = per_org[organization.pk]
        row: list[Cell | str] = [organization.name]
        for name, _label, url_name, params in BRANCH_COLUMNS:
            row.append(_branch_cell(name, values.get(name), organization, url_name, params, scope))
        body.append(row)
    total: list[Cell | str] = [_("合计")] + [figure_cell(name, scope) for name in BRANCH_FIGURES]
    return TableData(
        title=_("各党组织党员和发展党员情况表"),
        headers=[_("党组织")] + [str(label) for _name, label, *_rest in BRANCH_COLUMNS],
        rows=body,
        total=total,
        note=_(
            "党员按组织关系所在党组织统计，每人只计一次（选派到临时党支部的党员计入原党支部）；"
            "本期发展按入党日期在统计期间内统计，其余为当前数。"
        ),
        widths_mm=[40, 16, 18, 18, 18, 20, 18, 18],
        figures=list(BRANCH_FIGURES),
    )


def register_report() -> None:
    register_topic(
        Topic("organisation.party", ORGANISATION, gettext_lazy("党组织建设"), 10),
        Topic("organisation.development", ORGANISATION, gettext_lazy("发展党员"), 20),
        Topic("education.party", EDUCATION, gettext_lazy("党员教育"), 5),
    )
    register_sentence(
        DefaultSentence(
            "organisation.party.organizations",
            "organisation.party",
            10,
            gettext_lazy(
                "全镇现有基层党组织{party_organizations}，其中党支部{party_branches}、临时党支部"
                "{party_temporary_branches}；在册党员{party_members}，其中正式党员{party_full_members}、"
                "预备党员{party_probationary_members}。"
            ),
        ),
        DefaultSentence(
            "organisation.party.coverage",
            "organisation.party",
            20,
            gettext_lazy(
                "把支部建到项目建设地村寨上，项目区{party_project_groups}村民小组中"
                "{party_project_groups_covered}有党组织覆盖，覆盖率{party_coverage}。"
            ),
        ),
        DefaultSentence(
            "organisation.party.contacts",
            "organisation.party",
            30,
            gettext_lazy(
                "开展党员联户，项目区承包户{party_contact_households}中{party_contact_households_linked}有联系党员，"
                "覆盖率{party_contact_ratio}。"
            ),
        ),
        DefaultSentence(
            "organisation.development.new",
            "organisation.development",
            10,
            gettext_lazy(
                "本期新发展党员{party_new_members}，项目建设以来共吸收{party_new_members_since_project}加入党组织。"
            ),
        ),
        DefaultSentence(
            "organisation.development.pipeline",
            "organisation.development",
            20,
            gettext_lazy(
                "目前有入党申请人{party_pipeline_applicants}、入党积极分子{party_pipeline_activists}、"
                "发展对象{party_pipeline_candidates}；逾期未完成的发展环节{party_pipeline_overdue}。"
            ),
        ),
        DefaultSentence(
            "education.party.meetings",
            "education.party",
            10,
            gettext_lazy(
                "本期开展党组织活动{party_activities}，其中召开支部党员大会{party_activities_members_meeting}、"
                "支委会{party_activities_committee_meeting}、党小组会{party_activities_group_meeting}，"
                "上党课{party_activities_party_lesson}，开展主题党日{party_activities_party_day}。"
            ),
        ),
        DefaultSentence(
            "education.party.training",
            "education.party",
            20,
            gettext_lazy("举办党员培训{party_activities_training}，开展宣传{party_activities_publicity}。"),
        ),
        DefaultSentence(
            "education.party.hours",
            "education.party",
            30,
            gettext_lazy("在册党员全年参加党组织活动累计取得{party_study_hours}。"),
        ),
    )
    register_table(
        ReportTable(
            "party_branches",
            "organisation.development",
            10,
            gettext_lazy("各党组织党员和发展党员情况表"),
            _branch_table,
            figures=BRANCH_FIGURES,
        )
    )


# --- dashboard panels -------------------------------------------------------------------------------------------

PIPELINE_STAGE_FIGURES = (
    "party_pipeline_applicants",
    "party_pipeline_activists",
    "party_pipeline_candidates",
    "party_probationary_members",
)


def _pipeline_chart(scope: FigureScope):
    """People at each stage of the pipeline, each bar linking to the stage's list."""
    from lianxin.reports.dashboard import Chart, Segment

    segments = []
    for name in PIPELINE_STAGE_FIGURES:
        if not catalogue.is_registered(name):
            continue
        figure = catalogue.figure_get(name)
        value = catalogue.figure_value(figure, scope)
        if value is None:
            continue
        segments.append(Segment(str(figure.label), float(value), catalogue.drilldown_url(figure, scope)))
    return Chart(_("发展党员各阶段人数(名)"), "bar", segments, unit=_("名")) if any(s.value for s in segments) else None


def register_panels() -> None:
    from lianxin.accounts.roles import Role
    from lianxin.reports.dashboard import Panel, register_panel

    party = frozenset({Role.PARTY_OFFICER, Role.BRANCH_SECRETARY})
    register_panel(
        Panel(
            "party_overview",
            gettext_lazy("党建"),
            frozenset({Role.TOWNSHIP_LEADER, Role.COUNTY_VIEWER}),
            (
                "party_members",
                "party_new_members",
                "party_new_members_since_project",
                "party_temporary_branches",
                "party_coverage",
                "party_contact_ratio",
            ),
            order=15,
        ),
        Panel(
            "party_organizations",
            gettext_lazy("党组织和党员"),
            party,
            (
                "party_organizations",
                "party_branches",
                "party_temporary_branches",
                "party_members",
                "party_full_members",
                "party_probationary_members",
                "party_coverage",
            ),
            order=11,
        ),
        Panel(
            "party_pipeline",
            gettext_lazy("发展党员"),
            party,
            (
                "party_new_members",
                "party_pipeline_applicants",
                "party_pipeline_activists",
                "party_pipeline_candidates",
                "party_pipeline_overdue",
            ),
            chart=_pipeline_chart,
            order=12,
        ),
        Panel(
            "party_activities",
            gettext_lazy("三会一课和党员教育"),
            party,
            (
                "party_activities",
                "party_activities_members_meeting",
                "party_activities_committee_meeting",
                "party_activities_group_meeting",
                "party_activities_party_lesson",
                "party_activities_training",
            ),
            order=13,
        ),
    )


# --- the return: 党员发展情况统计表 -------------------------------------------------------------------------------

RETURN_FIGURES = (
    "party_pipeline_applicants",
    "party_pipeline_activists",
    "party_pipeline_candidates",
    "party_new_members",
    "party_probationary_members",
    "party_full_members",
    "party_members",
)


def _development_return(scope: FigureScope):
    """One row per organisation holding relations: the pipeline now, the members admitted in the period, the members
    now; the 合计 row is the catalogue's figures (each person counted once, where the relation is held)."""
    from lianxin.reports.returns import Column, ReturnData, Sheet

    per_org: dict[int, dict[str, int]] = {}
    for name in RETURN_FIGURES:
        for org_id, value in catalogue.breakdown(name, scope, group_by="organization").items():
            per_org.setdefault(org_id, {})[name] = value or 0
    organizations = list(Organization.objects.filter(pk__in=[pk for pk in per_org if pk]).order_by("path"))
    pipeline, members = _("发展党员工作（名）"), _("党员（名）")
    columns = [
        Column(_("党组织"), kind="text", width=24, total=False),
        Column(_("入党申请人"), group=pipeline, width=10),
        Column(_("入党积极分子"), group=pipeline, width=10),
        Column(_("发展对象"), group=pipeline, width=10),
        Column(_("本期发展党员"), group=pipeline, width=10),
        Column(_("预备党员"), group=members, width=10),
        Column(_("正式党员"), group=members, width=10),
        Column(_("合计"), group=members, width=10),
    ]
    rows = [[o.name, *[per_org[o.pk].get(name, 0) for name in RETURN_FIGURES]] for o in organizations]
    total = [_("合计"), *[catalogue.figure_value(name, scope) or 0 for name in RETURN_FIGURES]]
    return ReturnData(
        title=_("党员发展情况统计表"),
        unit=_("名"),
        sheets=[Sheet(_("党员发展情况"), columns, rows, total)],
        notes=[
            _(
                "说明：按组织关系所在党组织统计，每人只计一次（选派到临时党支部的党员计入原党支部）；本期发展党员为入党日期"
                "（支部大会通过为预备党员之日）在统计期间内的党员；入党申请人、入党积极分子、发展对象和党员为填报时的在册数。"
            )
        ],
    )


def register_returns() -> None:
    from lianxin.reports.periods import YEAR
    from lianxin.reports.returns import StatisticalReturn, register_return

    register_return(
        StatisticalReturn(
            key="party_development",
            title=gettext_lazy("党员发展情况统计表"),
            description=gettext_lazy("各党组织的入党申请人、积极分子、发展对象、本期发展党员和在册党员人数"),
            default_kind=YEAR,
            build=_development_return,
            figures=RETURN_FIGURES,
            order=30,
        )
    )
