"""Case figures (服务台): cases registered in the period by kind, how many of them are resolved and
resolved on time, disputes by category and outcome, thefts solved and suspects caught, satisfaction,
cases overdue now, patrols. The definitions (resolved, on time, theft, overdue) are those of the
statistics page (``lianxin.cases.statistics``); a figure about a period counts the cases
*registered* in it, as that page does."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianxin.cases import statistics
from lianxin.cases.models import OPEN_STATES, Case, PatrolLog, overdue_filter

from ..catalogue import AVERAGE, EDUCATION, RATIO, SERVICE, SUM, Drilldown, Figure, FigureScope, lazy_format, register

__all__ = ["KIND_PREFIX", "register_figures"]

Kind = Case.Kind
KIND_PREFIX = {
    Kind.DISPUTE: "disputes",
    Kind.ENTERPRISE_REQUEST: "enterprise_requests",
    Kind.INTEGRITY_REPORT: "integrity_reports",
    Kind.SECURITY_INCIDENT: "security_incidents",
}
PERIOD = ("registered_from", "registered_to")


def _counted(scope: FigureScope) -> QuerySet[Case]:
    """The cases a figure about the user's work counts (one source: the figures over it are computed
    together, one conditional count each, in one scan of the period's cases)."""
    return statistics.cases_counted_for(scope.user)


def _overdue(extra: Q | None = None):
    def source(scope: FigureScope) -> QuerySet[Case]:
        qs = statistics.cases_counted_for(scope.user).filter(overdue_filter(scope.today))
        return qs.filter(extra) if extra is not None else qs

    return source


def _may_see_integrity_reports(user) -> bool:
    return bool(user is not None and user.has_perm("cases.view_integrity_report"))


def _drill(*, params: dict | None = None, column: str | None = None, period=True):
    params = dict(params or {})
    return Drilldown(
        "cases:case-list",
        params=params,
        period_params=PERIOD if period else None,
        region_param="region",
        project_param="project",
        column=column,
        permission="cases.view_case",
    )


def register_figures() -> None:
    service = {"line": SERVICE, "period_field": "registered_at", "project_lookup": "project"}
    figures: list[Figure] = [
        Figure(
            name="cases_registered",
            label=_("登记案件"),
            unit=_("件"),
            definition=_("统计期间内登记的案件(矛盾纠纷、企业诉求、治安案件;纪检人员另含廉政举报)"),
            source=_counted,
            drilldown=_drill(),
            order=200,
            **service,
        ),
        Figure(
            name="cases_resolved",
            label=_("其中已办结"),
            unit=_("件"),
            definition=_("统计期间内登记、已办结(办结、回访或归档)的案件"),
            source=_counted,
            condition=statistics.resolved_q(),
            drilldown=_drill(params={"resolved": "1"}),
            order=201,
            **service,
        ),
        Figure(
            name="cases_resolved_timed",
            label=_("已办结且设有期限"),
            unit=_("件"),
            definition=_("统计期间内登记、已办结且设有办理期限的案件(按期办结率的分母)"),
            source=_counted,
            condition=statistics.timed_q(),
            drilldown=_drill(params={"resolved": "1", "timed": "1"}),
            order=202,
            **service,
        ),
        Figure(
            name="cases_resolved_on_time",
            label=_("按期办结"),
            unit=_("件"),
            definition=_("统计期间内登记、在办理期限当日或之前办结的案件"),
            source=_counted,
            condition=statistics.on_time_q(),
            drilldown=_drill(params={"on_time": "1"}),
            order=203,
            **service,
        ),
        Figure(
            name="cases_on_time_rate",
            label=_("按期办结率"),
            unit="%",
            line=SERVICE,
            definition=_("按期办结 ÷ 已办结且设有期限"),
            measure=RATIO,
            numerator="cases_resolved_on_time",
            denominator="cases_resolved_timed",
            temporal="period",
            decimals=1,
            order=204,
        ),
        Figure(
            name="cases_overdue",
            label=_("超期未办结"),
            unit=_("件"),
            line=SERVICE,
            definition=_("当前在办且已过办理期限的案件(不论登记时间)"),
            source=_overdue(),
            project_lookup="project",
            drilldown=_drill(params={"overdue": "1"}, period=False),
            order=205,
        ),
    ]
    kind_labels = {
        Kind.DISPUTE: (_("登记矛盾纠纷"), _("矛盾纠纷")),
        Kind.ENTERPRISE_REQUEST: (_("受理企业诉求"), _("企业诉求")),
        Kind.INTEGRITY_REPORT: (_("受理廉政举报"), _("廉政举报")),
        Kind.SECURITY_INCIDENT: (_("发生治安案件"), _("治安案件")),
    }
    for index, (kind, prefix) in enumerate(KIND_PREFIX.items()):
        registered_label, name = kind_labels[kind]
        of_kind = Q(kind=kind)
        available = _may_see_integrity_reports if kind == Kind.INTEGRITY_REPORT else None
        order = 210 + 10 * index
        kind_params = {"kind": kind.value}
        figures += [
            Figure(
                name=f"{prefix}_registered",
                label=registered_label,
                unit=_("件"),
                definition=lazy_format(_("统计期间内登记的%(kind)s"), kind=name),
                source=_counted,
                condition=of_kind,
                drilldown=_drill(params=kind_params),
                available=available,
                order=order,
                **service,
            ),
            Figure(
                name=f"{prefix}_resolved",
                label=lazy_format(_("%(kind)s已办结"), kind=name),
                unit=_("件"),
                definition=lazy_format(_("统计期间内登记、已办结的%(kind)s"), kind=name),
                source=_counted,
                condition=of_kind & statistics.resolved_q(),
                drilldown=_drill(params={**kind_params, "resolved": "1"}),
                available=available,
                order=order + 1,
                **service,
            ),
            Figure(
                name=f"{prefix}_resolved_timed",
                label=lazy_format(_("%(kind)s已办结且设有期限"), kind=name),
                unit=_("件"),
                definition=lazy_format(_("统计期间内登记、已办结且设有办理期限的%(kind)s"), kind=name),
                source=_counted,
                condition=of_kind & statistics.timed_q(),
                drilldown=_drill(params={**kind_params, "resolved": "1", "timed": "1"}),
                available=available,
                order=order + 2,
                **service,
            ),
            Figure(
                name=f"{prefix}_resolved_on_time",
                label=lazy_format(_("%(kind)s按期办结"), kind=name),
                unit=_("件"),
                definition=lazy_format(_("统计期间内登记、按期办结的%(kind)s"), kind=name),
                source=_counted,
                condition=of_kind & statistics.on_time_q(),
                drilldown=_drill(params={**kind_params, "on_time": "1"}),
                available=available,
                order=order + 3,
                **service,
            ),
            Figure(
                name=f"{prefix}_on_time_rate",
                label=lazy_format(_("%(kind)s按期办结率"), kind=name),
                unit="%",
                line=SERVICE,
                definition=lazy_format(_("%(kind)s按期办结 ÷ 已办结且设有期限"), kind=name),
                measure=RATIO,
                numerator=f"{prefix}_resolved_on_time",
                denominator=f"{prefix}_resolved_timed",
                temporal="period",
                decimals=1,
                available=available,
                order=order + 4,
            ),
            Figure(
                name=f"{prefix}_overdue",
                label=lazy_format(_("%(kind)s超期未办结"), kind=name),
                unit=_("件"),
                line=SERVICE,
                definition=lazy_format(_("当前在办且已过办理期限的%(kind)s"), kind=name),
                source=_overdue(of_kind),
                project_lookup="project",
                drilldown=_drill(params={**kind_params, "overdue": "1"}, period=False),
                available=available,
                order=order + 5,
            ),
            Figure(
                name=f"{prefix}_open",
                label=lazy_format(_("%(kind)s正在办理"), kind=name),
                unit=_("件"),
                definition=lazy_format(_("统计期间内登记、尚未办结(含中止)的%(kind)s"), kind=name),
                source=_counted,
                condition=of_kind & Q(state__in=OPEN_STATES),
                drilldown=_drill(params={**kind_params, "open": "1"}),
                available=available,
                order=order + 6,
                **service,
            ),
        ]

    # Disputes (矛盾纠纷) by category and outcome: the monthly screening and mediation return.
    dispute = Q(kind=Kind.DISPUTE)
    for index, (category, label) in enumerate(Case.DisputeCategory.choices):
        figures.append(
            Figure(
                name=f"disputes_{category}",
                label=lazy_format(_("%(category)s纠纷"), category=label),
                unit=_("件"),
                definition=lazy_format(_("统计期间内登记、类别为“%(category)s”的矛盾纠纷"), category=label),
                source=_counted,
                condition=dispute & Q(dispute_category=category),
                drilldown=_drill(params={"kind": Kind.DISPUTE.value, "dispute_category": category}),
                order=260 + index,
                **service,
            )
        )
    figures += [
        Figure(
            name="disputes_mediated",
            label=_("调解成功"),
            unit=_("件"),
            definition=_("统计期间内登记、调处结果为“达成调解协议”的矛盾纠纷"),
            source=_counted,
            condition=dispute & Q(dispute_outcome=Case.DisputeOutcome.AGREEMENT),
            drilldown=_drill(
                params={"kind": Kind.DISPUTE.value, "dispute_outcome": Case.DisputeOutcome.AGREEMENT.value}
            ),
            order=270,
            **service,
        ),
        Figure(
            name="disputes_referred",
            label=_("引导诉讼或转信访"),
            unit=_("件"),
            definition=_("统计期间内登记、调处结果为“引导诉讼”或“转信访部门”的矛盾纠纷"),
            source=_counted,
            condition=dispute
            & Q(dispute_outcome__in=[Case.DisputeOutcome.REFERRED_COURT, Case.DisputeOutcome.REFERRED_PETITION]),
            drilldown=_drill(params={"kind": Kind.DISPUTE.value, "dispute_outcome": "referred"}),
            order=271,
            **service,
        ),
        Figure(
            name="disputes_mediation_rate",
            label=_("调解成功率"),
            unit="%",
            line=SERVICE,
            definition=_("调解成功 ÷ 登记矛盾纠纷"),
            measure=RATIO,
            numerator="disputes_mediated",
            denominator="disputes_registered",
            temporal="period",
            decimals=1,
            order=272,
        ),
        # Security (治安): thefts on the sites and the suspects caught.
        Figure(
            name="thefts",
            label=_("发生盗窃案件"),
            unit=_("起"),
            definition=_("统计期间内登记、类型为盗窃施工材料的治安案件"),
            source=_counted,
            condition=statistics.theft_q(),
            drilldown=_drill(
                params={"kind": Kind.SECURITY_INCIDENT.value, "incident_type": Case.IncidentType.THEFT.value}
            ),
            order=280,
            **service,
        ),
        Figure(
            name="thefts_solved",
            label=_("侦破盗窃案件"),
            unit=_("起"),
            definition=_("统计期间内登记、已破案的盗窃案件"),
            source=_counted,
            condition=statistics.theft_q() & Q(solved=True),
            drilldown=_drill(
                params={
                    "kind": Kind.SECURITY_INCIDENT.value,
                    "incident_type": Case.IncidentType.THEFT.value,
                    "solved": "1",
                }
            ),
            order=281,
            **service,
        ),
        Figure(
            name="suspects_caught",
            label=_("抓获涉案人员"),
            unit=_("人"),
            definition=_("统计期间内登记的治安案件抓获嫌疑人数之和"),
            source=_counted,
            condition=statistics.security_q(),
            measure=SUM,
            column="suspects_caught",
            drilldown=_drill(params={"kind": Kind.SECURITY_INCIDENT.value}, column="抓获嫌疑人"),
            order=282,
            **service,
        ),
        Figure(
            name="patrols",
            label=_("联防巡逻"),
            unit=_("次"),
            line=SERVICE,
            definition=_("巡逻日期在统计期间内的联防巡逻记录"),
            source=lambda scope: scope.scoped(PatrolLog.objects.all()),
            period_field="patrolled_on",
            drilldown=Drilldown(
                "cases:patrol-list",
                period_params=("patrolled_from", "patrolled_to"),
                region_param="region",
                permission="cases.view_patrollog",
            ),
            order=290,
        ),
        # Service standard (六个一) as rated by enterprises: the education line's yardstick.
        Figure(
            name="satisfaction_average",
            label=_("办理满意度"),
            unit=_("分"),
            line=EDUCATION,
            definition=_("统计期间内登记、已评价案件的满意度平均分(5分制)"),
            source=_counted,
            condition=Q(satisfaction__isnull=False),
            measure=AVERAGE,
            column="satisfaction",
            decimals=2,
            period_field="registered_at",
            project_lookup="project",
            drilldown=_drill(params={"rated": "1"}, column="满意度"),
            order=300,
        ),
        Figure(
            name="cases_rated",
            label=_("已评价案件"),
            unit=_("件"),
            line=EDUCATION,
            definition=_("统计期间内登记、办结后已评价满意度的案件"),
            source=_counted,
            condition=Q(satisfaction__isnull=False),
            period_field="registered_at",
            project_lookup="project",
            drilldown=_drill(params={"rated": "1"}),
            order=301,
        ),
        Figure(
            name="enterprise_requests_satisfaction",
            label=_("企业诉求满意度"),
            unit=_("分"),
            line=EDUCATION,
            definition=_("统计期间内登记、企业已评价的诉求满意度平均分(5分制)"),
            source=_counted,
            condition=Q(kind=Kind.ENTERPRISE_REQUEST, satisfaction__isnull=False),
            measure=AVERAGE,
            column="satisfaction",
            decimals=2,
            period_field="registered_at",
            project_lookup="project",
            drilldown=_drill(params={"kind": Kind.ENTERPRISE_REQUEST.value, "rated": "1"}, column="满意度"),
            order=302,
        ),
    ]
    register(*figures)
