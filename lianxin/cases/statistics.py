"""Case statistics for leaders (案件统计): counts, on-time rate, handling time, satisfaction, load, security figures.

Every figure is aggregated in SQL over the cases *registered* in the chosen period, within the user's
jurisdiction (``scope_to_user(..., aggregate=True)``: the dashboard permission). Integrity reports
(廉政举报) count only for users who may see them (discipline). The overdue list shows rows, so it needs
the row-level view permissions of the kinds it lists.

Definitions (shown on the page):
- on time (按期办结): resolved (办结) on or before the stored deadline ``due_on``;
- handling time (办理用时): working days from acceptance (or registration) to resolution, minus the
  working days the case was suspended (中止), counted with ``core.workdays``;
- load (在办量): cases of the period still open (registered, accepted, in progress, suspended) per assignee;
- overdue (超期): ``models.overdue_filter``, the one definition (a running clock past its stored deadline),
  counted over the same cases of the period as every other figure of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import CharField, Count, Func, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from lianxin.core.permissions import DASHBOARD_PERMISSION, scope_to_user
from lianxin.core.workdays import WorkdayCounter

from .models import OPEN_STATES, RESOLVED_STATES, Case, overdue_filter
from .selectors import KIND_VIEW_PERMISSIONS, case_visible_to

OVERDUE_LIST_SIZE = 50


def _fixed_utc_offset_seconds() -> int | None:
    """The current zone's UTC offset when it is the same all year (Asia/Shanghai: +8 h, no DST)."""
    zone = timezone.get_current_timezone()
    year = timezone.now().year
    offsets = {datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for month in (1, 4, 7, 10)}
    if len(offsets) != 1:
        return None
    return int(offsets.pop().total_seconds())


class LocalDate(TruncDate):
    """The local calendar day of a timestamp. On SQLite Django converts time zones in a Python function
    called per row (about 15 µs); with a fixed-offset zone SQLite's own date() does the same in C."""

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = _fixed_utc_offset_seconds()
        if offset is None or self.get_tzname() is None:
            return super().as_sql(compiler, connection)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '{offset:+d} seconds')", params


class LocalMonth(Func):
    """'YYYY-MM' of a timestamp in the current time zone, computed by the database itself."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        offset = _fixed_utc_offset_seconds() or 0
        return f"strftime('%%Y-%%m', {sql}, '{offset:+d} seconds')", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM')", (*params, timezone.get_current_timezone_name())

    def as_sql(self, compiler, connection, **extra_context):  # other databases: a plain UTC month
        sql, params = compiler.compile(self.source_expressions[0])
        return f"SUBSTR(CAST({sql} AS CHAR(32)), 1, 7)", params


def can_view_statistics(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(DASHBOARD_PERMISSION))


def statistics_kinds(user) -> list[str]:
    """Kinds counted for ``user``: the three public kinds with the dashboard permission; integrity reports
    only with their own view permission."""
    if not can_view_statistics(user):
        return []
    return [
        kind
        for kind in Case.Kind
        if kind != Case.Kind.INTEGRITY_REPORT or user.has_perm(KIND_VIEW_PERMISSIONS[Case.Kind.INTEGRITY_REPORT])
    ]


def _aggregate_cases(user) -> QuerySet[Case]:
    qs = scope_to_user(Case.objects.all(), user, aggregate=True)
    kinds = statistics_kinds(user)
    if len(kinds) < len(Case.Kind):
        qs = qs.filter(kind__in=kinds)
    return qs.exclude(reported_cadre=user) if user.is_authenticated else qs.none()


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @classmethod
    def last_12_months(cls, today: date | None = None) -> Period:
        """The rolling year up to today (近一年): a year ago tomorrow through today."""
        today = today or timezone.localdate()
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(year_ago + timedelta(days=1), today)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive upper bound: midnight after ``date_to``."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))


def period_cases(user, period: Period) -> QuerySet[Case]:
    return _aggregate_cases(user).filter(registered_at__gte=period.start, registered_at__lt=period.end)


def cases_counted_for(user) -> QuerySet[Case]:
    """The cases a figure about ``user``'s work counts (the figure catalogue, issue 14): with the
    dashboard permission those of the statistics page; without it, the cases the user may read
    (an enterprise liaison's own requests)."""
    return _aggregate_cases(user) if can_view_statistics(user) else case_visible_to(user)


# The definitions every figure about cases uses (this page, the figure catalogue, the returns).
def resolved_q() -> Q:
    """Resolved (办结): in a finished state with a resolution time."""
    return Q(state__in=RESOLVED_STATES, resolved_at__isnull=False)


def timed_q() -> Q:
    """Resolved and with a deadline: the base of the on-time rate."""
    return resolved_q() & Q(due_on__isnull=False)


def on_time_q() -> Q:
    """Resolved on or before the stored deadline (按期办结)."""
    return timed_q() & Q(due_on__gte=LocalDate("resolved_at"))


def security_q() -> Q:
    return Q(kind=Case.Kind.SECURITY_INCIDENT)


def theft_q() -> Q:
    return Q(kind=Case.Kind.SECURITY_INCIDENT, incident_type=Case.IncidentType.THEFT)


@dataclass
class Figures:
    period: Period
    total: int = 0
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, count)
    by_state: list[tuple[str, str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)  # ("2026-03", count), every month of the period
    resolved: int = 0
    resolved_on_time: int = 0
    on_time_rate: Decimal | None = None  # percent, 1 decimal
    median_workdays: Decimal | None = None
    satisfaction_average: Decimal | None = None  # 1–5, 2 decimals
    rated: int = 0
    security_incidents: int = 0
    thefts: int = 0
    thefts_solved: int = 0
    suspects_caught: int = 0
    loss_value: Decimal = Decimal("0.00")
    overdue: int = 0  # overdue now (models.overdue_filter) among the period's cases


def case_statistics(*, user, period: Period, today: date | None = None) -> Figures:
    """The leaders' figures for cases registered in ``period`` (统计期内登记的案件)."""
    qs = period_cases(user, period)
    figures = Figures(period=period)

    # One scan for every count and sum of the page, the overdue count too: grouped by kind × state × month
    # (a few hundred groups at most), with conditional aggregates per group, added up here.
    today = today or timezone.localdate()
    resolved = resolved_q()
    theft = theft_q()
    security = security_q()
    rows = (
        qs.order_by()
        .annotate(m=LocalMonth("registered_at"))
        .values_list("kind", "state", "m")
        .annotate(
            n=Count("*"),
            overdue=Count("pk", filter=overdue_filter(today)),
            resolved=Count("pk", filter=resolved),
            with_deadline=Count("pk", filter=timed_q()),
            on_time=Count("pk", filter=on_time_q()),
            rated=Count("satisfaction"),
            satisfaction=Sum("satisfaction"),
            thefts=Count("pk", filter=theft),
            thefts_solved=Count("pk", filter=theft & Q(solved=True)),
            suspects=Sum("suspects_caught", filter=security),
            loss=Sum("loss_value", filter=security),
        )
    )
    kind_counts: dict[str, int] = {}
    state_counts: dict[str, int] = {}
    month_counts: dict[str, int] = {}
    totals = dict.fromkeys(
        ("resolved", "with_deadline", "on_time", "rated", "satisfaction", "thefts", "thefts_solved"), 0
    )
    totals.update(incidents=0, suspects=0, loss=Decimal("0"))
    for kind, state, month, n, overdue, *sums in rows:
        figures.overdue += overdue
        kind_counts[kind] = kind_counts.get(kind, 0) + n
        state_counts[state] = state_counts.get(state, 0) + n
        month_counts[month] = month_counts.get(month, 0) + n
        resolved_n, with_deadline, on_time, rated, satisfaction, thefts, thefts_solved, suspects, loss = sums
        for key, value in (
            ("resolved", resolved_n),
            ("with_deadline", with_deadline),
            ("on_time", on_time),
            ("rated", rated),
            ("satisfaction", satisfaction or 0),
            ("thefts", thefts),
            ("thefts_solved", thefts_solved),
            ("suspects", suspects or 0),
        ):
            totals[key] += value
        if kind == Case.Kind.SECURITY_INCIDENT:
            totals["incidents"] += n
            totals["loss"] += Decimal(str(loss or 0))
    kinds = statistics_kinds(user)
    figures.by_kind = [(k.value, str(k.label), kind_counts.get(k.value, 0)) for k in Case.Kind if k in kinds]
    figures.total = sum(kind_counts.values())
    figures.by_state = [(s.value, str(s.label), state_counts.get(s.value, 0)) for s in Case.State]
    year, month = period.date_from.year, period.date_from.month
    while (year, month) <= (period.date_to.year, period.date_to.month):
        key = f"{year}-{month:02d}"
        figures.by_month.append((key, month_counts.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    figures.resolved = totals["resolved"]
    figures.resolved_on_time = totals["on_time"]
    if totals["with_deadline"]:
        figures.on_time_rate = (Decimal(100) * totals["on_time"] / totals["with_deadline"]).quantize(Decimal("0.1"))
    figures.median_workdays = _median_handling_workdays(qs.filter(resolved))
    figures.rated = totals["rated"]
    if totals["rated"]:
        figures.satisfaction_average = (Decimal(totals["satisfaction"]) / totals["rated"]).quantize(Decimal("0.01"))
    figures.security_incidents = totals["incidents"]
    figures.thefts = totals["thefts"]
    figures.thefts_solved = totals["thefts_solved"]
    figures.suspects_caught = totals["suspects"] or 0
    figures.loss_value = (totals["loss"] or Decimal("0")).quantize(Decimal("0.01"))
    return figures


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _median_handling_workdays(resolved: QuerySet[Case]) -> Decimal | None:
    """Median working days from acceptance to resolution, suspension excluded.

    SQL groups the cases by (start day, resolution day, suspended days): a year of cases has a few
    thousand such combinations however many cases there are, so Python weighs groups, not rows.
    """
    groups = list(
        resolved.order_by()
        .annotate(start=Coalesce("accepted_on", LocalDate("registered_at")), end=LocalDate("resolved_at"))
        .values_list("start", "end", "suspended_workdays")
        .annotate(n=Count("*"))
    )
    if not groups:
        return None
    spans = [(_as_date(start), _as_date(end), suspended, n) for start, end, suspended, n in groups]
    first = min(min(s, e) for s, e, _x, _n in spans)
    last = max(max(s, e) for s, e, _x, _n in spans)
    counter = WorkdayCounter(first, last)
    weighted = sorted((max(counter.between(s, e) - suspended, 0), n) for s, e, suspended, n in spans)
    total = sum(n for _d, n in weighted)

    def nth(index: int) -> int:  # 0-based index into the expanded, sorted list
        seen = 0
        for days, n in weighted:
            seen += n
            if index < seen:
                return days
        raise IndexError(index)

    # One precision whatever the parity, so a median of 10 is always 10.0 (shown "10" by the number filter).
    if total % 2:
        return Decimal(nth(total // 2)).quantize(Decimal("0.1"))
    return (Decimal(nth(total // 2 - 1) + nth(total // 2)) / 2).quantize(Decimal("0.1"))


@dataclass
class HandlerLoad:
    user_id: int
    name: str
    open: int
    overdue: int


def handler_load(*, user, today: date | None = None, period: Period | None = None) -> list[HandlerLoad]:
    """Open cases per assignee (在办量) among the cases registered in ``period`` (all when None), with how many
    of them are overdue; busiest first."""
    today = today or timezone.localdate()
    qs = period_cases(user, period) if period else _aggregate_cases(user)
    rows = (
        qs.filter(state__in=OPEN_STATES, assignee__isnull=False)
        .order_by()
        .values("assignee", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(open=Count("*"), overdue=Count("pk", filter=overdue_filter(today)))
        .order_by("-open", "assignee")
    )
    result = []
    for row in rows:
        full = f"{row['assignee__last_name']}{row['assignee__first_name']}".strip()
        result.append(HandlerLoad(row["assignee"], full or row["assignee__username"], row["open"], row["overdue"]))
    return result


def overdue_cases(*, user, today: date | None = None, period: Period | None = None) -> QuerySet[Case]:
    """Overdue cases (超期) the user may read row by row, oldest deadline first: a range scan on (state, due_on).
    With ``period``, those registered in it, like every figure of the statistics page; the registration time is
    compared through COALESCE so the database keeps walking the deadline index (a few thousand overdue cases)
    rather than every case of the period."""
    today = today or timezone.localdate()
    qs = case_visible_to(user).filter(overdue_filter(today))
    if period:
        qs = qs.annotate(_registered=Coalesce("registered_at", "registered_at")).filter(
            _registered__gte=period.start, _registered__lt=period.end
        )
    return qs.select_related("region", "assignee").order_by("due_on", "id")


def overdue_count(*, user, today: date | None = None, period: Period | None = None) -> int:
    """How many cases are overdue among the period's cases (``Figures.overdue``, the dashboard's view, so a
    county viewer counts what they may not open); without a period, all of them."""
    today = today or timezone.localdate()
    if period:
        return case_statistics(user=user, period=period, today=today).overdue
    return _aggregate_cases(user).filter(overdue_filter(today)).count()


def can_list_overdue(user) -> bool:
    """Whether the user may see the overdue cases row by row (not only count them)."""
    from .selectors import visible_kinds

    return user.has_perm("cases.view_case") and bool(visible_kinds(user))
