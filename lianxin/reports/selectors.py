from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import EnterpriseIndicator
from lianxin.people.models import Person
from lianxin.regions.models import Park


@dataclass
class ParkOverview:
    park: Park | None
    villages: int
    village_groups: int
    households: int
    population: int
    enterprises: int
    indicator_year: int | None
    output_value: Decimal
    tax_paid: Decimal
    employees: int
    projects: int
    projects_under_construction: int
    land_demand_mu: Decimal


def park_overview(*, user) -> ParkOverview:
    """The park at a glance (园区概况), every figure computed from the ledgers within the user's scope —
    the catalogue's figures (``reports.figures.overview``), as the dashboards and the report state them."""
    from .catalogue import FigureScope, figure_value
    from .figures.overview import indicator_year
    from .periods import Period

    park = scope_to_user(Park.objects.select_related("township"), user, aggregate=True).first()
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
