"""Pages of the reports app: the home page's park overview, the role dashboards (a page, and the
partial the home page includes), and the figure catalogue. The work report, its sentences and
templates, and the statistical returns are in ``views_report``."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from lianxin.core.permissions import DASHBOARD_PERMISSION, scope_to_user
from lianxin.regions.models import Region

from . import catalogue, dashboard, selectors
from .catalogue import FigureScope
from .forms import ScopeForm
from .periods import Period, period_choices
from .work import home_work


@login_required
def home(request):
    """The park overview (园区概况); roles without the dashboard permission see their own work entries only."""
    context = {}
    if request.user.has_perm("accounts.view_dashboard"):
        overview = selectors.park_overview(user=request.user)
        context = {"overview": overview}
        if overview.population is not None:
            context["chart_population"] = selectors.population_by_village_group(user=request.user)
        if not overview.public:  # one enterprise's output is not a public figure: only within the user's scope
            context["chart_output"] = selectors.output_by_enterprise(user=request.user, year=overview.indicator_year)
    context["work"] = home_work(user=request.user)  # every role: its 待办 and key counts (issue 10)
    return render(request, "reports/home.html", context)


def region_choices(user):
    """Regions a user may narrow figures to: their jurisdiction's villages and village groups."""
    return (
        scope_to_user(Region.objects.exclude(level=Region.Level.COUNTY), user).select_related("parent").order_by("path")
    )


def scope_from_request(request, *, default: Period | None = None) -> tuple[ScopeForm, FigureScope]:
    """The period (default: the rolling year) and region a page's query string asks for; bad values are
    ignored and named in ``form.ignored``."""
    form = ScopeForm(request.GET, regions=region_choices(request.user))
    values = form.values
    period = values["period"] or default or Period.last_12_months()
    scope = FigureScope(user=request.user, period=period, region=values["region"], today=timezone.localdate())
    if not request.GET.get("period"):
        form.initial["period"] = period.code
    return form, scope


def _dashboard_context(request, *, on_home: bool = False) -> dict:
    form, scope = scope_from_request(request)
    panels = dashboard.dashboard_build(scope, on_home=on_home)
    return {
        "form": form,
        "scope": scope,
        "panels": panels,
        "charts": [(f"chart-{p.key}", p.chart.as_json()) for p in panels if p.chart],
        "period_choices": period_choices(scope.today),
    }


@login_required
def dashboard_page(request):
    """The role's dashboard as a page of its own (the home page includes the same panels)."""
    return render(request, "reports/dashboard/page.html", _dashboard_context(request))


@login_required
def dashboard_panels(request):
    """The panels alone, for the home page (loaded by htmx) and for a change of period."""
    on_home = request.GET.get("on") == "home"  # the home page's copy: without what the home page shows already
    return render(request, "reports/dashboard/_panels.html", _dashboard_context(request, on_home=on_home))


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def catalogue_page(request):
    """Every figure of the catalogue with its value for the period, definition and link to its rows."""
    form, scope = scope_from_request(request)
    rows = []
    names = [f.name for f in catalogue.figure_list()]
    catalogue.prefetch(names, scope)
    catalogue.prefetch(names, scope.cached("scope:previous", lambda: scope.with_period(scope.period.previous())))
    catalogue.prefetch(
        names, scope.cached("scope:last_year", lambda: scope.with_period(scope.period.same_period_last_year()))
    )
    for figure in catalogue.figure_list():
        comparison = catalogue.compare(figure, scope)
        rows.append(
            {
                "figure": figure,
                "line": catalogue.LINES[figure.line],
                "text": catalogue.format_value(figure, comparison.value),
                "previous": catalogue.format_value(figure, comparison.previous)
                if comparison.previous is not None
                else "—",
                "last_year": catalogue.format_value(figure, comparison.last_year)
                if comparison.last_year is not None
                else "—",
                "yoy": catalogue.format_change(comparison.yoy),
                "url": catalogue.drilldown_url(figure, scope),
                "gaps": catalogue.drilldown_gaps(figure, scope),
                "measure": catalogue.MEASURES[figure.measure],
            }
        )
    return render(
        request,
        "reports/catalogue.html",
        {"form": form, "scope": scope, "rows": rows, "period_choices": period_choices(scope.today)},
    )
