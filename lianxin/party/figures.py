"""The Party figures of the catalogue (党建指标): organisations by kind, members by category, new members
admitted in the period, the development pipeline by stage and its overdue steps, activities held in the
period. Registered from ``PartyConfig.ready()``; the reports never import this module.

Members are counted once each, where their relation is held (a member seconded to the temporary branch is
counted at home), as the roster and the organisation tree count them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianxin.reports.catalogue import (
    EDUCATION,
    ORGANISATION,
    Drilldown,
    Figure,
    FigureScope,
    lazy_format,
    register,
)

from .models import MEMBER_STAGES, PIPELINE_STAGES, Activity, Member, Organization

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


def _activities(scope: FigureScope) -> QuerySet[Activity]:
    return scope.scoped(Activity.objects.all())


def _organization_drilldown(**params) -> Drilldown:
    return Drilldown("party:organization-list", params={"active": "1", **params}, permission="party.view_organization")


def _member_drilldown(**params) -> Drilldown:
    return Drilldown("party:member-list", params=params, permission="party.view_member")


def _pipeline_drilldown(**params) -> Drilldown:
    return Drilldown("party:pipeline", params=params, permission="party.view_member")


def _activity_drilldown(**params) -> Drilldown:
    return Drilldown(
        "party:activity-list",
        params=params,
        period_params=("date_from", "date_to"),
        permission="party.view_activity",
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
            ),
            order=313,
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
    register(*figures)
