"""The dashboards of the home page, per role: panels of catalogue figures and charts whose every
number and chart segment links to the rows behind it (the figure's drill-down, plus the segment's
own filter).

A panel names its figures and, optionally, a chart; the roles it is shown to; apps add panels
with ``register_panel`` (the Party officer's organisations and pipeline, the livelihood figures)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.roles import Role

from . import catalogue
from .catalogue import FigureScope


@dataclass
class Card:
    name: str
    label: str
    text: str
    url: str | None
    exact: bool  # the linked page shows exactly the figure's rows (its filters exist)
    change: str | None = None  # 同比, for figures of a period


@dataclass
class Segment:
    label: str
    value: float
    url: str | None


@dataclass
class Chart:
    title: str
    kind: str  # bar, pie
    segments: list[Segment]
    unit: str = ""

    def as_json(self) -> dict:
        return {
            "labels": [s.label for s in self.segments],
            "values": [s.value for s in self.segments],
            "urls": [s.url or "" for s in self.segments],
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Panel:
    key: str
    title: Promise | str
    roles: frozenset[str]
    figures: tuple[str, ...]
    chart: Callable[[FigureScope], Chart | None] | None = None
    order: int = 0


@dataclass
class PanelData:
    key: str
    title: str
    cards: list[Card]
    chart: Chart | None = field(default=None)


_PANELS: dict[str, Panel] = {}


def register_panel(*panels: Panel) -> None:
    for panel in panels:
        _PANELS[panel.key] = panel


def panels_for(user) -> list[Panel]:
    role = getattr(user, "role", None)
    if getattr(user, "is_superuser", False):
        return sorted(_PANELS.values(), key=lambda p: p.order)
    return sorted((p for p in _PANELS.values() if role in p.roles), key=lambda p: p.order)


def _card(name: str, scope: FigureScope) -> Card | None:
    if not catalogue.is_registered(name):
        return None
    figure = catalogue.figure_get(name)
    if not figure.is_available(scope.user):
        return None
    # The value only: comparisons (同比/环比) would run every figure three times, which a home page
    # cannot afford at county scale; the catalogue page shows them.
    value = catalogue.figure_value(figure, scope)
    return Card(
        name=name,
        label=str(figure.label),
        text=catalogue.format_value(figure, value),
        url=catalogue.drilldown_url(figure, scope),
        exact=not catalogue.drilldown_gaps(figure, scope),
    )


# Panels whose figures the home page already shows above its dashboard (the park overview's cards and charts, the
# Party and livelihood rows): the home page leaves them out, the dashboard page keeps them.
HOME_PAGE_SHOWN = frozenset({"overview", "enterprises", "party_overview", "livelihood_overview"})


def dashboard_build(scope: FigureScope, *, on_home: bool = False) -> list[PanelData]:
    """The panels of ``scope.user``'s role with their figures and charts for ``scope`` (on the home page, without
    those it shows already)."""
    result = []
    panels = [p for p in panels_for(scope.user) if not (on_home and p.key in HOME_PAGE_SHOWN)]
    catalogue.prefetch([name for panel in panels for name in panel.figures] + CHART_FIGURES, scope)
    for panel in panels:
        cards = [card for name in panel.figures if (card := _card(name, scope)) is not None]
        if not cards:
            continue
        chart = panel.chart(scope) if panel.chart else None
        result.append(PanelData(panel.key, str(panel.title), cards, chart))
    return result


def segment_url(figure_name: str, scope: FigureScope, **params) -> str | None:
    """The figure's drill-down narrowed to one chart segment (``status=paid``)."""
    url = catalogue.drilldown_url(figure_name, scope)
    if url is None:
        return None
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


# --- charts -------------------------------------------------------------------------------------------


def _land_status_chart(scope: FigureScope) -> Chart | None:
    from lianxin.land.models import Parcel

    values = catalogue.breakdown("land_surveyed_mu", scope, group_by="status")
    if not values:
        return None
    segments = [
        Segment(
            str(status.label),
            float(values.get(status.value) or 0),
            segment_url("land_surveyed_mu", scope, status=status.value),
        )
        for status in Parcel.Status
    ]
    return Chart(_("地块面积按当前状态(亩)"), "bar", segments, unit=_("亩"))


def _land_group_chart(scope: FigureScope) -> Chart | None:
    from lianxin.regions.models import Region

    values = catalogue.breakdown("land_handed_over_mu", scope, group_by="village_group")
    surveyed = catalogue.breakdown("land_surveyed_mu", scope, group_by="village_group")
    if not surveyed:
        return None
    groups = Region.objects.filter(pk__in=surveyed).order_by("path")
    segments = [
        Segment(
            group.name,
            float(values.get(group.pk) or 0),
            catalogue.drilldown_url("land_handed_over_mu", scope.with_region(group)),
        )
        for group in groups
    ]
    return Chart(_("各村民小组已交地面积(亩)"), "bar", segments, unit=_("亩"))


def _payments_chart(scope: FigureScope) -> Chart | None:
    if not catalogue.is_registered("land_payments_amount"):
        return None
    figure = catalogue.figure_get("land_payments_amount")
    rows = (
        figure.rows(scope)
        .order_by()
        .annotate(month=TruncMonth("paid_on"))
        .values_list("month")
        .annotate(v=figure.expression())
        .order_by("month")
    )
    segments = []
    from .periods import Period

    for month, value in rows:
        month_period = Period.month(month.year, month.month)
        segments.append(
            Segment(
                f"{month:%Y-%m}",
                float(value or 0) / 10000,
                catalogue.drilldown_url(figure, scope.with_period(month_period)),
            )
        )
    return Chart(_("各月兑付金额(万元)"), "bar", segments, unit=_("万元")) if segments else None


def _kind_chart(prefixes: list[str]) -> Callable[[FigureScope], Chart | None]:
    def chart(scope: FigureScope) -> Chart | None:
        segments = []
        for prefix in prefixes:
            name = f"{prefix}_registered"
            if not catalogue.is_registered(name):
                continue
            figure = catalogue.figure_get(name)
            value = catalogue.figure_value(figure, scope)
            if value is None:
                continue
            segments.append(Segment(str(figure.label), float(value), catalogue.drilldown_url(figure, scope)))
        return Chart(_("本期登记事项(件)"), "bar", segments, unit=_("件")) if segments else None

    return chart


def _state_chart(figure_name: str, title: Promise | str) -> Callable[[FigureScope], Chart | None]:
    def chart(scope: FigureScope) -> Chart | None:
        from lianxin.cases.models import Case

        if not catalogue.is_registered(figure_name):
            return None
        values = catalogue.breakdown(figure_name, scope, group_by="state")
        if not values:
            return None
        segments = [
            Segment(str(state.label), float(values[state.value]), segment_url(figure_name, scope, state=state.value))
            for state in Case.State
            if values.get(state.value)
        ]
        return Chart(str(title), "pie", segments, unit=_("件"))

    return chart


def _incident_chart(scope: FigureScope) -> Chart | None:
    from lianxin.cases.models import Case

    if not catalogue.is_registered("security_incidents_registered"):
        return None
    values = catalogue.breakdown("security_incidents_registered", scope, group_by="incident_type")
    if not values:
        return None
    segments = [
        Segment(
            str(kind.label),
            float(values[kind.value]),
            segment_url("security_incidents_registered", scope, incident_type=kind.value),
        )
        for kind in Case.IncidentType
        if values.get(kind.value)
    ]
    return Chart(_("治安案件按类型(起)"), "pie", segments, unit=_("起"))


def _output_chart(scope: FigureScope) -> Chart | None:
    from django.urls import reverse

    if not catalogue.is_registered("output_value"):
        return None
    figure = catalogue.figure_get("output_value")
    rows = (
        figure.rows(scope)
        .order_by("-output_value")
        .values_list("enterprise_id", "enterprise__name", "output_value")[:15]
    )
    user = scope.user
    may_open = bool(user is not None and user.has_perm("enterprises.view_enterprise"))
    segments = [
        Segment(name, float(value) / 10000, reverse("enterprises:enterprise-detail", args=[pk]) if may_open else None)
        for pk, name, value in rows
    ]
    return Chart(_("企业产值(万元,前15家)"), "bar", segments, unit=_("万元")) if segments else None


# Figures the charts read, computed with the cards' in the same queries.
CHART_FIGURES = [f"{prefix}_registered" for prefix in ("disputes", "enterprise_requests", "security_incidents")]
LEADERS = frozenset({Role.TOWNSHIP_LEADER, Role.COUNTY_VIEWER})
register_panel(
    Panel(
        "overview",
        gettext_lazy("园区与人口"),
        LEADERS | {Role.VILLAGE_CADRE},
        ("villages", "village_groups", "households", "population"),
        order=10,
    ),
    Panel(
        "land",
        gettext_lazy("征地进度"),
        LEADERS | {Role.WORKING_GROUP, Role.VILLAGE_CADRE},
        (
            "land_surveyed_mu",
            "land_agreed_mu",
            "land_paid_mu",
            "land_handed_over_mu",
            "land_money_agreed",
            "land_money_paid",
        ),
        chart=_land_status_chart,
        order=20,
    ),
    Panel(
        "land_groups",
        gettext_lazy("各村民小组交地"),
        LEADERS | {Role.WORKING_GROUP, Role.VILLAGE_CADRE},
        ("land_handed_over_parcels", "land_handed_over_in_period_mu"),
        chart=_land_group_chart,
        order=21,
    ),
    Panel(
        "payments",
        gettext_lazy("补偿兑付"),
        frozenset({Role.TOWNSHIP_LEADER, Role.WORKING_GROUP}),
        ("land_payments_amount", "land_payments", "land_agreements_signed"),
        chart=_payments_chart,
        order=22,
    ),
    Panel(
        "cases",
        gettext_lazy("服务台事项"),
        LEADERS | {Role.WORKING_GROUP, Role.VILLAGE_CADRE},
        (
            "cases_registered",
            "cases_resolved",
            "cases_on_time_rate",
            "cases_overdue",
            "disputes_mediated",
            "satisfaction_average",
        ),
        chart=_kind_chart(["disputes", "enterprise_requests", "security_incidents"]),
        order=30,
    ),
    Panel(
        "security",
        gettext_lazy("治安联防"),
        LEADERS | {Role.POLICE_LIAISON},
        (
            "security_incidents_registered",
            "thefts",
            "thefts_solved",
            "suspects_caught",
            "patrols",
            "security_incidents_overdue",
        ),
        chart=_incident_chart,
        order=40,
    ),
    Panel(
        "requests",
        gettext_lazy("企业诉求"),
        frozenset({Role.ENTERPRISE_LIAISON}),
        (
            "enterprise_requests_registered",
            "enterprise_requests_resolved",
            "enterprise_requests_open",
            "enterprise_requests_on_time_rate",
            "enterprise_requests_satisfaction",
        ),
        chart=_state_chart("enterprise_requests_registered", gettext_lazy("本期诉求按状态(件)")),
        order=50,
    ),
    Panel(
        "integrity",
        gettext_lazy("廉政举报"),
        frozenset({Role.DISCIPLINE_INSPECTOR}),
        (
            "integrity_reports_registered",
            "integrity_reports_resolved",
            "integrity_reports_open",
            "integrity_reports_overdue",
        ),
        chart=_state_chart("integrity_reports_registered", gettext_lazy("本期举报按状态(件)")),
        order=60,
    ),
    Panel(
        "enterprises",
        gettext_lazy("园区企业"),
        LEADERS,
        ("enterprises", "output_value", "tax_paid", "employees", "local_employees"),
        chart=_output_chart,
        order=70,
    ),
)
