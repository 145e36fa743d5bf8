"""Case statistics over the API (mounted at /api/cases/statistics/): the same figures as the page."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from lianxin.core.api import InputSchema, SafeDate
from lianxin.core.errors import DomainError
from lianxin.core.permissions import DASHBOARD_PERMISSION, require_perm

from . import statistics

router = Router(tags=["cases"])


class PeriodIn(InputSchema):
    date_from: SafeDate | None = None
    date_to: SafeDate | None = None


class CountOut(Schema):
    key: str
    label: str
    count: int


class MonthOut(Schema):
    month: str
    count: int


class LoadOut(Schema):
    user_id: int
    name: str
    open: int
    overdue: int


class OverdueOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    region_id: int
    assignee_id: int | None
    due_on: date
    due_provisional: bool


class StatisticsOut(Schema):
    date_from: date
    date_to: date
    total: int
    by_kind: list[CountOut]
    by_state: list[CountOut]
    by_month: list[MonthOut]
    resolved: int
    resolved_on_time: int
    on_time_rate: Decimal | None
    median_workdays: Decimal | None
    satisfaction_average: Decimal | None
    rated: int
    security_incidents: int
    thefts: int
    thefts_solved: int
    suspects_caught: int
    loss_value: Decimal
    handler_load: list[LoadOut]
    overdue_total: int
    overdue: list[OverdueOut]


@router.get("/", response=StatisticsOut, summary="案件统计")
def statistics_get(request, filters: Query[PeriodIn]):
    """Figures for the cases registered in the period (default: the last 12 months)."""
    require_perm(request.user, DASHBOARD_PERMISSION)
    today = timezone.localdate()
    date_to = filters.date_to or today
    period = statistics.Period(filters.date_from or statistics.Period.last_12_months(date_to).date_from, date_to)
    if period.date_to < period.date_from:
        raise DomainError(_("结束日期不能早于开始日期"), field="date_to")
    user = request.user
    figures = statistics.case_statistics(user=user, period=period, today=today)
    overdue = (
        statistics.overdue_cases(user=user, today=today, period=period)[: statistics.OVERDUE_LIST_SIZE]
        if statistics.can_list_overdue(user)
        else []
    )
    return {
        "date_from": period.date_from,
        "date_to": period.date_to,
        **{
            name: getattr(figures, name)
            for name in (
                "total",
                "resolved",
                "resolved_on_time",
                "on_time_rate",
                "median_workdays",
                "satisfaction_average",
                "rated",
                "security_incidents",
                "thefts",
                "thefts_solved",
                "suspects_caught",
                "loss_value",
            )
        },
        "by_kind": [{"key": k, "label": label, "count": n} for k, label, n in figures.by_kind],
        "by_state": [{"key": k, "label": label, "count": n} for k, label, n in figures.by_state],
        "by_month": [{"month": m, "count": n} for m, n in figures.by_month],
        "handler_load": [row.__dict__ for row in statistics.handler_load(user=user, today=today, period=period)],
        "overdue_total": figures.overdue,
        "overdue": list(overdue),
    }
