"""The figure catalogue (指标目录): every figure a dashboard, the work report or a statistical return
shows is defined once, here, with its rows.

A ``Figure`` names the rows behind it (``source``: a queryset already narrowed to the user's
jurisdiction through ``FigureScope.scoped``), how they make one number (a row count, the sum or the
average of a column, or the ratio of two other figures), the date that places a row in a period,
the path from a row to its region (for a village's figures) and to its project, and the list page
that shows the same rows (``Drilldown``). Everything else — the value for a period, the previous
period and the same period last year, a breakdown per village group, the link to the rows, the
appendix of the report — follows from that definition, so no figure is computed in two places.

Apps register their figures from their ``AppConfig.ready()``::

    from lianxin.reports.catalogue import Figure, Drilldown, register
    register(Figure(name="party_new_members", ...))

The reports app registers the figures of the apps it was built with (regions, people,
enterprises, land, cases: ``lianxin.reports.figures``); it never imports an app that registers
itself, so an app can be added (or left out) without touching the reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, Model, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core.permissions import DASHBOARD_PERMISSION, scope_to_user

from .periods import Period

# The four lines of the township's work (DESIGN.md) and the overview, in the report's order.
OVERVIEW, ORGANISATION, EDUCATION, SERVICE, DEVELOPMENT = (
    "overview",
    "organisation",
    "education",
    "service",
    "development",
)
LINES: dict[str, Promise] = {
    OVERVIEW: gettext_lazy("基本情况"),
    ORGANISATION: gettext_lazy("抓班子"),
    EDUCATION: gettext_lazy("抓教育"),
    SERVICE: gettext_lazy("抓服务"),
    DEVELOPMENT: gettext_lazy("抓发展"),
}

COUNT, SUM, AVERAGE, RATIO = "count", "sum", "average", "ratio"
MEASURES: dict[str, Promise] = {
    COUNT: gettext_lazy("行数"),
    SUM: gettext_lazy("列合计"),
    AVERAGE: gettext_lazy("列平均"),
    RATIO: gettext_lazy("两项指标之比"),
}
# How a figure depends on the period: rows dated within it, the state now, or a yearly statistic.
IN_PERIOD, SNAPSHOT, YEARLY = "period", "snapshot", "yearly"

# Units that are money or a share: written with their own scale (亿元, %), not after the number.
YUAN = "元"
PERCENT = "%"


class UnknownFigure(KeyError):
    """A figure name the catalogue does not hold."""


@dataclass
class FigureScope:
    """Whose figures, for which period, narrowed to which region (a village, a village group) or
    project. ``memo`` keeps what several figures of one evaluation share (the indicator year)."""

    user: Any
    period: Period
    region: Any = None  # regions.Region
    project: Any = None  # enterprises.Project
    today: date = field(default_factory=timezone.localdate)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def with_period(self, period: Period) -> FigureScope:
        return replace(self, period=period, memo={})

    def with_region(self, region) -> FigureScope:
        return replace(self, region=region, memo={})

    def with_project(self, project) -> FigureScope:
        return replace(self, project=project, memo={})

    @property
    def aggregate(self) -> bool:
        """Counting with the dashboard permission (rows the user may count but not read); without it,
        only rows the user may read are counted (an enterprise liaison's own requests)."""
        user = self.user
        return bool(user is not None and user.is_authenticated and user.has_perm(DASHBOARD_PERMISSION))

    def scoped(self, qs: QuerySet) -> QuerySet:
        return scope_to_user(qs, self.user, aggregate=self.aggregate)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def scope_name(self) -> str:
        """The place the figures are about: the chosen region, else the user's jurisdiction."""
        if self.region is not None:
            return self.region.name
        region = getattr(self.user, "scope_region", None) if getattr(self.user, "scope_region_id", None) else None
        if region is not None:
            return region.name
        from django.conf import settings

        if settings.LIANXIN_TOWNSHIP_NAME:
            return settings.LIANXIN_TOWNSHIP_NAME
        from lianxin.regions.models import Region

        townships = list(Region.objects.filter(level=Region.Level.TOWNSHIP).values_list("name", flat=True)[:2])
        return townships[0] if len(townships) == 1 else _("全域")


@dataclass(frozen=True)
class Drilldown:
    """The list page that shows a figure's rows, and how its query string carries the figure's filter.

    ``params`` are fixed filters (``{"status": "handed_over"}``); ``period_params`` the names of the
    page's from/to date filters for a figure counted over a period; ``region_param`` the filter that
    takes a region id (``region_levels``: the levels it accepts); ``project_param`` the project
    filter. ``column`` is the heading of the column whose values sum (or average) to the figure.
    ``missing`` lists the filters the page does not have yet (``column:<heading>`` for a column it does
    not show): until it has them, the link shows more rows than the figure counts, the catalogue page
    and the appendix mark it "明细待完善", and the catalogue walk expects it to fail. Query string
    conventions of the list pages: ISO dates inclusive at both ends (``<date>_from``/``<date>_to``),
    booleans ``1``, a region id filters its subtree (a township or a village id also where a page says
    ``village_group``), the way ``Figure.base_rows`` narrows the figure (``regions.selectors.in_region``)."""

    url_name: str
    params: dict[str, str] = field(default_factory=dict)
    period_params: tuple[str, str] | None = None
    region_param: str | None = None
    region_levels: tuple[str, ...] = ("township", "village", "village_group")
    project_param: str | None = None
    column: str | None = None
    permission: str | None = None
    missing: tuple[str, ...] = ()
    extra: Callable[[FigureScope], dict[str, str]] | None = None  # filters computed for the scope

    def query(self, scope: FigureScope, figure: Figure) -> dict[str, str]:
        query = dict(self.params)
        if self.period_params and figure.temporal == IN_PERIOD:
            query[self.period_params[0]] = scope.period.date_from.isoformat()
            query[self.period_params[1]] = scope.period.date_to.isoformat()
        if self.extra is not None:
            query.update({k: v for k, v in self.extra(scope).items() if v not in (None, "")})  # nosec B610  # FigureLink.extra, not QuerySet.extra
        if scope.region is not None and self.region_param:
            query[self.region_param] = str(scope.region.pk)
        if scope.project is not None and self.project_param:
            query[self.project_param] = str(scope.project.pk)
        return query

    def url(self, scope: FigureScope, figure: Figure) -> str:
        query = self.query(scope, figure)
        base = reverse(self.url_name)
        return f"{base}?{urlencode(query)}" if query else base

    def gaps(self, scope: FigureScope, figure: Figure) -> list[str]:
        """The filters this link needs that its page does not apply yet (empty: the page shows
        exactly the figure's rows)."""
        needed = set(self.query(scope, figure))
        gaps = [name for name in self.missing if name.startswith("column:") or name in needed or name in self.params]
        if scope.region is not None and (self.region_param is None or scope.region.level not in self.region_levels):
            gaps.append(f"{self.region_param or 'region'}({scope.region.level})")
        if scope.project is not None and self.project_param is None:
            gaps.append("project")
        return gaps

    def allowed(self, user) -> bool:
        return self.permission is None or bool(user is not None and user.has_perm(self.permission))


@dataclass(frozen=True)
class Figure:
    """One figure of the catalogue. See the module docstring."""

    name: str
    label: Promise | str
    unit: Promise | str
    line: str
    definition: Promise | str
    source: Callable[[FigureScope], QuerySet] | None = None
    # Figures that share a ``source`` (the same function) and differ by a ``condition`` are computed
    # together, one conditional aggregate each in one query (``prefetch``).
    condition: Q | None = None
    measure: str = COUNT
    column: str | None = None  # the model field summed or averaged
    period_field: str | None = None
    region_lookup: str | None = None  # None: the model's scope_region_lookup
    project_lookup: str | None = None
    temporal: str = ""  # default: IN_PERIOD with a period_field, else SNAPSHOT
    numerator: str | None = None  # ratio figures
    denominator: str | None = None
    percent: bool = True  # ratio ×100
    decimals: int = 0
    drilldown: Drilldown | None = None
    available: Callable[[Any], bool] | None = None
    year_of: Callable[[FigureScope], int | None] | None = None  # YEARLY: the year the period states
    order: int = 0
    app: str = "reports"

    def __post_init__(self) -> None:
        if not self.temporal:
            object.__setattr__(self, "temporal", IN_PERIOD if self.period_field else SNAPSHOT)
        if self.measure == RATIO:
            if not (self.numerator and self.denominator):
                raise ValueError(f"ratio figure {self.name} needs a numerator and a denominator")
        elif self.source is None:
            raise ValueError(f"figure {self.name} needs a source")
        if self.measure in (SUM, AVERAGE) and not self.column:
            raise ValueError(f"figure {self.name} sums or averages a column: name it")

    # --- rows and value ---------------------------------------------------------------------------
    def rows(self, scope: FigureScope) -> QuerySet:
        """The rows behind the figure for ``scope``: the source, its condition, within the period and region."""
        qs = self.base_rows(scope)
        return qs.filter(self.condition) if self.condition is not None else qs

    def base_rows(self, scope: FigureScope) -> QuerySet:
        """The source within the period, region and project, before the figure's own condition."""
        qs = self.source(scope)
        if self.period_field and self.temporal == IN_PERIOD:
            if _field_type(qs.model, self.period_field) == "DateTimeField":
                qs = qs.filter(
                    **{f"{self.period_field}__gte": scope.period.start, f"{self.period_field}__lt": scope.period.end}
                )
            else:
                qs = qs.filter(
                    **{
                        f"{self.period_field}__gte": scope.period.date_from,
                        f"{self.period_field}__lte": scope.period.date_to,
                    }
                )
        if scope.region is not None:
            lookup = (
                self.region_lookup if self.region_lookup is not None else getattr(qs.model, "scope_region_lookup", None)
            )
            if lookup is None:
                return qs.none()
            prefix = f"{lookup}__" if lookup else ""
            qs = qs.filter(**{f"{prefix}path__startswith": scope.region.path})
        if scope.project is not None:
            if not self.project_lookup:
                return qs.none()
            qs = qs.filter(**{self.project_lookup: scope.project})
        return qs

    def expression(self, *, conditional: bool = False):
        """The aggregate; ``conditional`` applies the figure's condition inside it (for ``prefetch``)."""
        condition = self.condition if conditional else None
        if self.measure == COUNT:
            return Count("pk", filter=condition) if condition is not None else Count("*")
        if self.measure == SUM:
            return Sum(self.column, filter=condition)
        return Avg(self.column, filter=condition)

    @property
    def batch_key(self) -> tuple | None:
        """Figures with equal keys are computed in one query (their sources and narrowing agree)."""
        if self.measure == RATIO or self.source is None:
            return None
        return (self.source, self.period_field, self.temporal, self.region_lookup, self.project_lookup)

    def is_available(self, user) -> bool:
        return self.available is None or bool(self.available(user))

    def quantize(self, raw) -> int | Decimal | None:
        """Counts as int; sums and averages rounded half-up to ``decimals`` places (SQLite sums
        decimals as floats: 4126.49999999 is 4126.5)."""
        if raw is None:
            if self.measure in (AVERAGE, RATIO):
                return None
            raw = 0
        if self.measure == COUNT:
            return int(raw)
        step = Decimal(1).scaleb(-self.decimals)
        value = Decimal(str(raw)).quantize(step, rounding=ROUND_HALF_UP)
        return int(value) if self.decimals == 0 else value


def _field_type(model: type[Model], lookup: str) -> str:
    """The internal type of the field a lookup ends at (``handover__handed_over_on``: DateField)."""
    *relations, last = lookup.split("__")
    for part in relations:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(last).get_internal_type()


# --- the registry -----------------------------------------------------------------------------------

_REGISTRY: dict[str, Figure] = {}


def register(*figures: Figure, replace: bool = False) -> None:
    """Add figures to the catalogue; a name is registered once (``replace`` for tests)."""
    for figure in figures:
        if figure.line not in LINES:
            raise ValueError(f"figure {figure.name}: unknown line {figure.line!r}")
        if figure.name in _REGISTRY and not replace and _REGISTRY[figure.name] != figure:
            raise ValueError(f"figure {figure.name} is already registered")
        _REGISTRY[figure.name] = figure


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def is_registered(name: str) -> bool:
    return name in _REGISTRY


def figure_get(name: str) -> Figure:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownFigure(name) from None


def figure_list(*, line: str | None = None) -> list[Figure]:
    """Every figure, in the report's order of lines, then by its order and name."""
    line_order = list(LINES)
    figures = [f for f in _REGISTRY.values() if line is None or f.line == line]
    return sorted(figures, key=lambda f: (line_order.index(f.line), f.order, f.name))


# --- evaluation ---------------------------------------------------------------------------------------


@dataclass
class FigureValue:
    figure: Figure
    value: int | Decimal | None
    scope: FigureScope

    @property
    def name(self) -> str:
        return self.figure.name

    @property
    def text(self) -> str:
        return format_value(self.figure, self.value)

    @property
    def url(self) -> str | None:
        return drilldown_url(self.figure, self.scope)


def figure_value(figure: Figure | str, scope: FigureScope) -> int | Decimal | None:
    """The figure's value for ``scope`` (None: not available to this user, or nothing to average)."""
    if isinstance(figure, str):
        figure = figure_get(figure)
    key = f"value:{figure.name}"
    if key in scope.memo:
        return scope.memo[key]
    if not figure.is_available(scope.user):
        value = None
    elif figure.measure == RATIO:
        numerator = figure_value(figure.numerator, scope)
        denominator = figure_value(figure.denominator, scope)
        if numerator is None or not denominator:
            value = None
        else:
            ratio = Decimal(numerator) / Decimal(denominator) * (100 if figure.percent else 1)
            value = figure.quantize(ratio)
    else:
        raw = figure.rows(scope).order_by().aggregate(v=figure.expression())["v"]
        value = figure.quantize(raw)
    scope.memo[key] = value
    return value


def prefetch(names: Iterable[str], scope: FigureScope) -> None:
    """Compute the named figures (and the parts of the ratios among them) for ``scope`` in as few
    queries as their sources allow: figures over the same rows (one scan of the cases registered in
    the period) become conditional aggregates of one query. ``figure_value`` then reads them."""
    wanted: dict[str, Figure] = {}
    for name in names:
        if not is_registered(name):
            continue
        figure = figure_get(name)
        parts = [figure_get(figure.numerator), figure_get(figure.denominator)] if figure.measure == RATIO else [figure]
        for part in parts:
            wanted.setdefault(part.name, part)
    groups: dict[tuple, list[Figure]] = {}
    for figure in wanted.values():
        key = figure.batch_key
        if key is None or f"value:{figure.name}" in scope.memo or not figure.is_available(scope.user):
            continue
        groups.setdefault(key, []).append(figure)
    for figures in groups.values():
        if len(figures) < 2:
            continue
        base = figures[0].base_rows(scope).order_by()
        values = base.aggregate(**{f"v{i}": f.expression(conditional=True) for i, f in enumerate(figures)})
        for i, figure in enumerate(figures):
            scope.memo[f"value:{figure.name}"] = figure.quantize(values[f"v{i}"])


def evaluate(names: Iterable[str] | None, scope: FigureScope) -> dict[str, FigureValue]:
    """Values of the named figures (all registered ones when ``names`` is None) for ``scope``."""
    figures = figure_list() if names is None else [figure_get(n) for n in names]
    prefetch([f.name for f in figures], scope)
    return {f.name: FigureValue(f, figure_value(f, scope), scope) for f in figures}


@dataclass
class Comparison:
    value: int | Decimal | None
    previous: int | Decimal | None
    last_year: int | Decimal | None

    @staticmethod
    def change(now, before) -> Decimal | None:
        """Percent change from ``before`` to ``now`` (None when there is no base)."""
        if now is None or before is None or not before:
            return None
        return ((Decimal(now) - Decimal(before)) * 100 / abs(Decimal(before))).quantize(Decimal("0.1"))

    @property
    def mom(self) -> Decimal | None:
        return self.change(self.value, self.previous)

    @property
    def yoy(self) -> Decimal | None:
        return self.change(self.value, self.last_year)


def compare(figure: Figure | str, scope: FigureScope) -> Comparison:
    """The value with the previous period's (环比) and the same period last year's (同比); a figure
    of the state now has no earlier values."""
    if isinstance(figure, str):
        figure = figure_get(figure)
    value = figure_value(figure, scope)
    if figure.temporal == SNAPSHOT:
        return Comparison(value, None, None)
    if figure.temporal == YEARLY and figure.year_of is not None:
        # A yearly statistic compares with the year before the one the period states.
        year = figure.year_of(scope)
        if year is None:
            return Comparison(value, None, None)
        before = figure_value(
            figure, scope.cached(f"scope:year:{year - 1}", lambda: scope.with_period(Period.year(year - 1)))
        )
        return Comparison(value, before, before)
    previous = figure_value(figure, scope.cached("scope:previous", lambda: scope.with_period(scope.period.previous())))
    last_year = figure_value(
        figure, scope.cached("scope:last_year", lambda: scope.with_period(scope.period.same_period_last_year()))
    )
    return Comparison(value, previous, last_year)


def breakdown(figure: Figure | str, scope: FigureScope, *, group_by: str) -> dict[int | str | None, Any]:
    """The figure per value of ``group_by`` (a lookup from the figure's rows, e.g. the village
    group's id), in one GROUP BY. Ratio figures are not broken down."""
    if isinstance(figure, str):
        figure = figure_get(figure)
    if figure.measure == RATIO or not figure.is_available(scope.user):
        return {}
    rows = figure.rows(scope).order_by().values(group_by).annotate(v=figure.expression()).values_list(group_by, "v")
    return {key: figure.quantize(value) for key, value in rows}


def drilldown_url(figure: Figure | str, scope: FigureScope) -> str | None:
    """The link to the figure's rows, or None when there is no list page the user may open."""
    if isinstance(figure, str):
        figure = figure_get(figure)
    if figure.measure == RATIO:
        figure = figure_get(figure.denominator)
    drill = figure.drilldown
    if drill is None or not drill.allowed(scope.user):
        return None
    return drill.url(scope, figure)


def drilldown_gaps(figure: Figure | str, scope: FigureScope) -> list[str]:
    if isinstance(figure, str):
        figure = figure_get(figure)
    if figure.measure == RATIO:
        figure = figure_get(figure.denominator)
    if figure.drilldown is None:
        return ["(no list page)"]
    return figure.drilldown.gaps(scope, figure)


# --- writing figures the way a report does ------------------------------------------------------------


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_number(figure: Figure, value) -> str:
    """The number alone, as a clerk writes it: 6551, 4126.5, 95.2; money in 万元/亿元 comes with its
    unit (see ``format_value``)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return _plain(Decimal(value))


def format_value(figure: Figure, value) -> str:
    """The number with its unit: 6551人, 16个, 4126.5亩, 10亿元, 1.2亿元, 95.2%, 4.62分."""
    if value is None:
        return "—"
    unit = str(figure.unit)
    if unit == YUAN:
        from .templatetags.figures import yuan_large

        if figure.decimals == 0 and abs(Decimal(value)) < 10000:
            # whole yuan under 万, as a clerk writes a figure kept in whole yuan (人均纯收入3600元)
            return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)}元"
        return yuan_large(value)
    if unit == PERCENT:
        return f"{format_number(figure, value)}%"
    return f"{format_number(figure, value)}{unit}"


def format_change(change: Decimal | None) -> str:
    """增长12.5% / 下降3% / 持平, or — without a base."""
    if change is None:
        return "—"
    if change > 0:
        return _("增长%(p)s%%") % {"p": _plain(change)}
    if change < 0:
        return _("下降%(p)s%%") % {"p": _plain(-change)}
    return _("持平")


def lazy_format(message, **values) -> Promise:
    """``message % values`` evaluated in the language active when shown (labels built at start-up)."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in values.items()}, str)()


def model_label(model: type[Model]) -> str:
    return str(model._meta.verbose_name)
