from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator, Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Park, Region


@dataclass
class ParkOverview:
    """The home page's figures. ``public`` says the park figures (villages, enterprises, output, tax,
    jobs, projects, land) are the park-wide public figures, shown because the user's own scope does not
    cover the park; the people figures (population, households) are then those of ``people_scope`` (the
    user's area inside the park) — or None when that area holds no village of the park."""

    park: Park | None
    villages: int
    village_groups: int
    households: int | None
    population: int | None
    enterprises: int
    indicator_year: int | None
    output_value: Decimal
    tax_paid: Decimal
    employees: int
    projects: int
    projects_under_construction: int
    land_demand_mu: Decimal
    public: bool = False
    people_scope: str = ""


def _park_around(user) -> Park | None:
    """The park of the township the user's region lies in (a village cadre's park), if any."""
    region = getattr(user, "scope_region", None)
    if region is None:
        return None
    parks = Park.objects.select_related("township").order_by("pk")
    return next((p for p in parks if region.path.startswith(p.township.path)), None)


def _park_public_figures(park: Park) -> dict:
    """Park-wide figures every role may read (全园区公开数据: what the township publishes in its reports):
    counts and sums over the park's villages, enterprises and projects — never a person or a household."""
    township = park.township.path
    village_paths = list(park.villages.values_list("path", flat=True))
    group_filter = Q()
    for path in village_paths:
        group_filter |= Q(path__startswith=path)
    groups = Region.objects.filter(group_filter, level=Region.Level.VILLAGE_GROUP).count() if village_paths else 0
    indicators = EnterpriseIndicator.objects.filter(
        enterprise__in_park=True, enterprise__region__path__startswith=township
    )
    year = indicators.aggregate(y=Max("year"))["y"]
    totals = indicators.filter(year=year).aggregate(
        output_value=Sum("output_value"), tax_paid=Sum("tax_paid"), employees=Sum("employees")
    )
    projects = Project.objects.filter(region__path__startswith=township).aggregate(
        total=Count("*"),
        under_construction=Count("pk", filter=Q(status=Project.Status.UNDER_CONSTRUCTION)),
        land_demand_mu=Sum("land_demand_mu"),
    )
    return {
        "villages": len(village_paths),
        "village_groups": groups,
        "enterprises": Enterprise.objects.filter(in_park=True, region__path__startswith=township).count(),
        "indicator_year": year,
        "output_value": totals["output_value"] or Decimal("0"),
        "tax_paid": totals["tax_paid"] or Decimal("0"),
        "employees": totals["employees"] or 0,
        "projects": projects["total"],
        "projects_under_construction": projects["under_construction"],
        "land_demand_mu": projects["land_demand_mu"] or Decimal("0"),
    }


def _people_in(user, villages) -> tuple[int, int, int, int]:
    """(villages, village groups, households, persons) of ``villages`` (the park's) within the user's scope;
    a village-group cadre counts their group inside a village they do not cover."""
    village_count = scope_to_user(villages, user, aggregate=True).count()
    group_filter = Q()
    for path in villages.values_list("path", flat=True):
        group_filter |= Q(path__startswith=path)
    groups = scope_to_user(Region.objects.filter(level=Region.Level.VILLAGE_GROUP), user, aggregate=True)
    group_ids = list(groups.filter(group_filter).values_list("pk", flat=True)) if group_filter else []
    if not group_ids:
        return village_count, 0, 0, 0
    people = scope_to_user(Person.objects.filter(household__village_group__in=group_ids), user, aggregate=True)
    households = scope_to_user(Household.objects.filter(village_group__in=group_ids), user, aggregate=True)
    return village_count, len(group_ids), households.count(), people.count()


def park_overview(*, user) -> ParkOverview:
    """The park at a glance (园区概况), every figure computed from the ledgers.

    A user whose scope covers the park (township, county) sees the catalogue's figures
    (``reports.figures.overview``) within that scope, as the dashboards and the report state them. A user
    whose scope lies inside the park's township but does not cover it (a village cadre) sees the
    park-wide public figures for the park as a whole, labelled so, and the people figures of their own
    area — never a zero that only means "outside your scope"."""
    from .catalogue import FigureScope, figure_value
    from .figures.overview import indicator_year
    from .periods import Period

    park = scope_to_user(Park.objects.select_related("township"), user, aggregate=True).first()
    if park is None and (around := _park_around(user)) is not None:
        _villages, own_groups, households, population = _people_in(user, around.villages.all())
        return ParkOverview(
            park=around,
            households=households if own_groups else None,
            population=population if own_groups else None,
            public=True,
            people_scope=user.scope_label,
            **_park_public_figures(around),
        )
    scope = FigureScope(user=user, period=Period.last_12_months())

    def value(name: str):
        return figure_value(name, scope)

    return ParkOverview(
        park=park,
        villages=value("villages"),
        village_groups=value("village_groups"),
        households=value("households"),
        population=value("population"),
        enterprises=value("enterprises"),
        indicator_year=indicator_year(scope),
        output_value=value("output_value"),
        tax_paid=value("tax_paid"),
        employees=value("employees"),
        projects=value("projects"),
        projects_under_construction=value("projects_under_construction"),
        land_demand_mu=value("land_demand_mu"),
    )


def population_by_village_group(*, user) -> dict:
    """Persons per village group, for the overview chart."""
    rows = (
        scope_to_user(Person.objects.all(), user, aggregate=True)
        .values("household__village_group__parent__name", "household__village_group__name")
        .annotate(n=Count("*"))
        .order_by("household__village_group__parent__name", "household__village_group__name")
    )
    return {
        "labels": [
            f"{r['household__village_group__parent__name']}/{r['household__village_group__name']}" for r in rows
        ],
        "values": [r["n"] for r in rows],
    }


def output_by_enterprise(*, user, year: int | None) -> dict:
    """Output value (万元) per enterprise in the given year, largest first."""
    rows = (
        scope_to_user(EnterpriseIndicator.objects.filter(year=year), user, aggregate=True)
        .values("enterprise__name", "output_value")
        .order_by("-output_value")
    )
    return {
        "labels": [r["enterprise__name"] for r in rows],
        "values": [float(r["output_value"] / 10000) for r in rows],
    }
