"""The Party figures of the catalogue (党建指标): organisations by kind, members by category, new members
admitted in the period, the development pipeline by stage and its overdue steps, activities held in the
period. Registered from ``PartyConfig.ready()``; the reports never import this module.

Members are counted once each, where their relation is held (a member seconded to the temporary branch is
counted at home), as the roster and the organisation tree count them."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianxin.people.models import Household
from lianxin.regions.models import Region
from lianxin.reports.catalogue import (
    EDUCATION,
    ORGANISATION,
    PERCENT,
    RATIO,
    SUM,
    YEARLY,
    Drilldown,
    Figure,
    FigureScope,
    lazy_format,
    register,
)

from .models import (
    MEMBER_STAGES,
    PIPELINE_STAGES,
    Activity,
    Attendance,
    Member,
    MemberHouseholdLink,
    Organization,
)

__all__ = ["register_figures"]


def _organizations(scope: FigureScope) -> QuerySet[Organization]:
    """Organisations in being (not dissolved) in the user's scope."""
    return scope.scoped(Organization.objects.filter(dissolved_on__isnull=True))


def _members(scope: FigureScope) -> QuerySet[Member]:
    """Members on the roster (在册 full and probationary members)."""
    return scope.scoped(Member.objects.filter(status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES))


def _admitted(scope: FigureScope) -> QuerySet[Member]:
    """Members (full or probationary, on the roster or not) by the day the branch admitted them."""
    return scope.scoped(Member.objects.filter(stage__in=MEMBER_STAGES, joined_on__isnull=False))


def _pipeline(scope: FigureScope) -> QuerySet[Member]:
    """People in the development pipeline (applicants to probationary members) on the roster."""
    return scope.scoped(Member.objects.filter(status=Member.Status.ACTIVE, stage__in=PIPELINE_STAGES))


def _overdue(scope: FigureScope) -> QuerySet[Member]:
    """People in the pipeline whose next step was due before today."""
    return _pipeline(scope).filter(next_due_on__lt=scope.today)


def _study_year(scope: FigureScope) -> int:
    """Study hours are a yearly statistic (the requirement is per year): the year the period ends in."""
    return scope.period.date_to.year


def _study_attendance(scope: FigureScope) -> QuerySet[Attendance]:
    """Attendance of the members on the roll at activities of the year (the hours they earned), as the study-hours
    page counts them."""
    year = _study_year(scope)
    return Attendance.objects.filter(
        status=Attendance.Status.PRESENT,
        held_on__gte=date(year, 1, 1),
        held_on__lte=date(year, 12, 31),
        member_id__in=_members(scope).values("pk"),
    )


def _activities(scope: FigureScope) -> QuerySet[Activity]:
    return scope.scoped(Activity.objects.all())


def _main_project(scope: FigureScope):
    """The project whose area the coverage figures are about: the park's big project (the one with most land)."""
    from .selectors.home import main_project

    return scope.cached("party:main_project", lambda: main_project(user=scope.user, aggregate=scope.aggregate))


def _project_groups(scope: FigureScope) -> QuerySet[Region]:
    """The village groups of the project area (those its parcels lie in) that belong to an administrative village,
    as the coverage page judges them."""
    from lianxin.land.models import Parcel

    project = _main_project(scope)
    groups = Region.objects.filter(level=Region.Level.VILLAGE_GROUP, parent__stat_code__isnull=False)
    if project is None:
        return scope.scoped(groups.none())
    return scope.scoped(groups.filter(pk__in=Parcel.objects.filter(project=project).values("village_group")))


def _project_groups_covered(scope: FigureScope) -> QuerySet[Region]:
    """The project area's groups that an organisation in being today covers."""
    from .selectors.coverage import active_organizations

    through = Organization.covered_groups.through
    covering = through.objects.filter(organization__in=active_organizations(scope.today)).values("region_id")
    return _project_groups(scope).filter(pk__in=covering)


def _project_households(scope: FigureScope) -> QuerySet[Household]:
    """The households of the project area: the holders of its parcels."""
    from lianxin.land.models import ContractHolding

    project = _main_project(scope)
    if project is None:
        return scope.scoped(Household.objects.none())
    holders = ContractHolding.objects.filter(parcel__project=project).values("household")
    return scope.scoped(Household.objects.filter(pk__in=holders))


def _project_households_linked(scope: FigureScope) -> QuerySet[Household]:
    """The project area's households with a contact member (a link not ended)."""
    return _project_households(scope).filter(
        pk__in=MemberHouseholdLink.objects.filter(until__isnull=True).values("household")
    )


def _project_start(scope: FigureScope):
    from .selectors.home import _project_start

    return scope.cached("party:project_start", lambda: _project_start(_main_project(scope)))


def _admitted_since_project(scope: FigureScope) -> QuerySet[Member]:
    """Members admitted since the main project began (its start of works or first milestone)."""
    since = _project_start(scope)
    if since is None:
        return _admitted(scope).none()
    return _admitted(scope).filter(joined_on__gte=since)


def _since_project_param(scope: FigureScope) -> dict[str, str]:
    since = _project_start(scope)
    return {"admitted_from": since.isoformat()} if since is not None else {}


def _project_param(scope: FigureScope) -> dict[str, str]:
    project = _main_project(scope)
    return {"project": str(project.pk)} if project is not None else {}


def _organization_drilldown(**params) -> Drilldown:
    return Drilldown(
        "party:organization-list",
        params={"active": "1", **params},
        permission="party.view_organization",
        region_param="region",
    )


def _member_drilldown(**params) -> Drilldown:
    return Drilldown("party:member-list", params=params, permission="party.view_member", region_param="region")


def _pipeline_drilldown(**params) -> Drilldown:
    return Drilldown("party:pipeline", params=params, permission="party.view_member", region_param="region")


def _activity_drilldown(**params) -> Drilldown:
    return Drilldown(
        "party:activity-list",
        params=params,
        period_params=("date_from", "date_to"),
        permission="party.view_activity",
        region_param="region",
    )


def register_figures() -> None:
    kind = Organization.Kind
    org = {"line": ORGANISATION, "unit": _("个"), "source": _organizations, "app": "party"}
    figures = [
        Figure(
            name="party_organizations",
            label=_("党组织"),
            definition=_("现有(未撤销)的党组织,含党委、党总支、党支部和临时党支部"),
            drilldown=_organization_drilldown(),
            order=300,
            **org,
        ),
        Figure(
            name="party_branches",
            label=_("党支部"),
            definition=_("现有(未撤销)的党支部(不含联合党支部、临时党支部)"),
            condition=Q(kind=kind.BRANCH),
            drilldown=_organization_drilldown(kind=kind.BRANCH.value),
            order=301,
            **org,
        ),
        Figure(
            name="party_temporary_branches",
            label=_("临时党支部"),
            definition=_("现有(未撤销)的临时党支部"),
            condition=Q(kind=kind.TEMPORARY_BRANCH),
            drilldown=_organization_drilldown(kind=kind.TEMPORARY_BRANCH.value),
            order=302,
            **org,
        ),
    ]
    member = {"line": ORGANISATION, "unit": _("名"), "source": _members, "app": "party"}
    figures += [
        Figure(
            name="party_members",
            label=_("党员"),
            definition=_("在册的正式党员和预备党员,每人只计一次(按组织关系所在)"),
            drilldown=_member_drilldown(),
            order=310,
            **member,
        ),
        Figure(
            name="party_full_members",
            label=_("正式党员"),
            definition=_("在册的正式党员"),
            condition=Q(stage=Member.Stage.FULL),
            drilldown=_member_drilldown(stage=Member.Stage.FULL.value),
            order=311,
            **member,
        ),
        Figure(
            name="party_probationary_members",
            label=_("预备党员"),
            definition=_("在册的预备党员"),
            condition=Q(stage=Member.Stage.PROBATIONARY),
            drilldown=_member_drilldown(stage=Member.Stage.PROBATIONARY.value),
            order=312,
            **member,
        ),
        Figure(
            name="party_new_members",
            label=_("新发展党员"),
            unit=_("名"),
            line=ORGANISATION,
            definition=_("入党日期(支部大会通过为预备党员之日)在统计期间内的党员,含其后转出或离开的"),
            source=_admitted,
            period_field="joined_on",
            drilldown=Drilldown(
                "party:member-list",
                params={"status": ""},
                period_params=("admitted_from", "admitted_to"),
                permission="party.view_member",
                region_param="region",
            ),
            order=313,
            app="party",
        ),
        Figure(
            name="party_new_members_since_project",
            label=_("项目建设以来发展党员"),
            unit=_("名"),
            line=ORGANISATION,
            definition=_("入党日期在主要项目开始建设(开工或首个节点)以来的党员,含其后转出或离开的"),
            source=_admitted_since_project,
            drilldown=Drilldown(
                "party:member-list",
                params={"status": ""},
                extra=_since_project_param,
                permission="party.view_member",
                region_param="region",
            ),
            order=314,
            app="party",
        ),
    ]
    stages = [
        (Member.Stage.APPLICANT, _("入党申请人"), _("在册的入党申请人(尚未确定为积极分子)")),
        (Member.Stage.ACTIVIST, _("入党积极分子"), _("在册的入党积极分子(尚未确定为发展对象)")),
        (Member.Stage.CANDIDATE, _("发展对象"), _("在册的发展对象(尚未接收为预备党员)")),
    ]
    for order, (stage, label, definition) in enumerate(stages):
        figures.append(
            Figure(
                name=f"party_pipeline_{stage.value}s",
                label=label,
                unit=_("名"),
                line=ORGANISATION,
                definition=definition,
                source=_pipeline,
                condition=Q(stage=stage),
                drilldown=_pipeline_drilldown(stage=stage.value),
                order=320 + order,
                app="party",
            )
        )
    figures.append(
        Figure(
            name="party_pipeline_overdue",
            label=_("逾期的发展环节"),
            unit=_("个"),
            line=ORGANISATION,
            definition=_("发展党员流程中下一环节期限早于今天的人员(每人一个环节)"),
            source=_overdue,
            drilldown=_pipeline_drilldown(overdue="1"),
            order=330,
            app="party",
        )
    )
    coverage = {"line": ORGANISATION, "unit": _("个"), "region_lookup": "", "app": "party"}
    coverage_drill = {
        "url_name": "party:coverage",
        "extra": _project_param,
        "permission": "party.view_member",
        "region_param": "region",
    }
    contact = {"line": ORGANISATION, "unit": _("户"), "region_lookup": "village_group", "app": "party"}
    contact_drill = {
        "url_name": "party:contacts",
        "extra": _project_param,
        "permission": "party.view_member",
        "region_param": "region",
    }
    figures += [
        Figure(
            name="party_project_groups",
            label=_("项目区村民小组"),
            definition=_("主要项目(用地最多的项目)地块所在、属于行政村的村民小组"),
            source=_project_groups,
            drilldown=Drilldown(**coverage_drill),
            order=340,
            **coverage,
        ),
        Figure(
            name="party_project_groups_covered",
            label=_("有党组织覆盖的项目区村民小组"),
            definition=_("项目区村民小组中,今天有现有党组织(含临时党支部)覆盖的"),
            source=_project_groups_covered,
            drilldown=Drilldown(**coverage_drill, params={"covered": "1"}),
            order=341,
            **coverage,
        ),
        Figure(
            name="party_coverage",
            label=_("项目区党组织覆盖率"),
            unit=PERCENT,
            line=ORGANISATION,
            definition=_("有党组织覆盖的项目区村民小组占项目区村民小组的比例"),
            measure=RATIO,
            numerator="party_project_groups_covered",
            denominator="party_project_groups",
            decimals=1,
            order=342,
            app="party",
        ),
        Figure(
            name="party_contact_households",
            label=_("项目区承包户"),
            definition=_("主要项目地块的承包户"),
            source=_project_households,
            drilldown=Drilldown(**contact_drill),
            order=350,
            **contact,
        ),
        Figure(
            name="party_contact_households_linked",
            label=_("有联系党员的户"),
            definition=_("项目区承包户中有联系党员(联系未终止)的户"),
            source=_project_households_linked,
            drilldown=Drilldown(**contact_drill, params={"linked": "1"}),
            order=351,
            **contact,
        ),
        Figure(
            name="party_contact_ratio",
            label=_("党员联户覆盖率"),
            unit=PERCENT,
            line=ORGANISATION,
            definition=_("有联系党员的户占项目区承包户的比例"),
            measure=RATIO,
            numerator="party_contact_households_linked",
            denominator="party_contact_households",
            decimals=1,
            order=352,
            app="party",
        ),
    ]
    activity = {"line": EDUCATION, "unit": _("次"), "source": _activities, "period_field": "held_on", "app": "party"}
    figures.append(
        Figure(
            name="party_activities",
            label=_("开展党组织活动"),
            definition=_("活动日期在统计期间内的党组织活动(三会一课、主题党日、培训、宣传、志愿服务)"),
            drilldown=_activity_drilldown(),
            order=400,
            **activity,
        )
    )
    kinds = [
        (Activity.Kind.MEMBERS_MEETING, _("召开支部党员大会")),
        (Activity.Kind.COMMITTEE_MEETING, _("召开支委会")),
        (Activity.Kind.GROUP_MEETING, _("召开党小组会")),
        (Activity.Kind.PARTY_LESSON, _("上党课")),
        (Activity.Kind.PARTY_DAY, _("开展主题党日")),
        (Activity.Kind.TRAINING, _("举办培训")),
        (Activity.Kind.PUBLICITY, _("开展宣传")),
    ]
    for order, (activity_kind, label) in enumerate(kinds):
        figures.append(
            Figure(
                name=f"party_activities_{activity_kind.value}",
                label=label,
                definition=lazy_format(
                    _("活动日期在统计期间内、类型为“%(kind)s”的党组织活动"), kind=activity_kind.label
                ),
                condition=Q(kind=activity_kind),
                drilldown=_activity_drilldown(kind=activity_kind.value),
                order=401 + order,
                **activity,
            )
        )
    figures.append(
        Figure(
            name="party_study_hours",
            label=_("党员学习学时"),
            unit=_("学时"),
            line=EDUCATION,
            definition=_("在册党员当年出席党组织活动取得的学时之和(按统计期间截止日所在年度)"),
            source=_study_attendance,
            measure=SUM,
            column="hours",
            decimals=1,
            temporal=YEARLY,
            year_of=_study_year,
            region_lookup="member__organization__region",
            drilldown=Drilldown(
                "party:study-hours",
                extra=lambda scope: {"year": str(_study_year(scope))},
                column="学时",
                permission="party.view_activity",
                region_param="region",
            ),
            order=420,
            app="party",
        )
    )
    register(*figures)
