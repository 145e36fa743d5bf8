from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator, Project
from lianxin.enterprises.selectors import indicator_totals
from lianxin.people.models import Household, Person
from lianxin.regions.models import Park, Region


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
    """The park at a glance (园区概况), every figure computed from the ledgers within the user's scope."""
    park = scope_to_user(Park.objects.select_related("township"), user, aggregate=True).first()
    villages = scope_to_user(Region.objects.filter(level=Region.Level.VILLAGE), user, aggregate=True)
    if park is not None:
        villages = villages.filter(touched_by_parks=park)
    village_paths = list(villages.values_list("path", flat=True))
    group_filter = Q()
    for path in village_paths:
        group_filter |= Q(path__startswith=path)
    groups = scope_to_user(Region.objects.filter(level=Region.Level.VILLAGE_GROUP), user, aggregate=True)
    groups = groups.filter(group_filter) if village_paths else groups.none()
    group_ids = list(groups.values_list("pk", flat=True))
    people = scope_to_user(Person.objects.filter(household__village_group__in=group_ids), user, aggregate=True)
    households = scope_to_user(Household.objects.filter(village_group__in=group_ids), user, aggregate=True)
    enterprises = scope_to_user(Enterprise.objects.filter(in_park=True), user, aggregate=True)
    totals = indicator_totals(user=user, aggregate=True)
    projects = scope_to_user(Project.objects.all(), user, aggregate=True).aggregate(
        total=Count("*"),
        under_construction=Count("pk", filter=Q(status=Project.Status.UNDER_CONSTRUCTION)),
        land_demand_mu=Sum("land_demand_mu"),
    )
    return ParkOverview(
        park=park,
        villages=len(village_paths),
        village_groups=len(group_ids),
        households=households.count(),
        population=people.count(),
        enterprises=enterprises.count(),
        indicator_year=totals["year"],
        output_value=totals["output_value"] or Decimal("0"),
        tax_paid=totals["tax_paid"] or Decimal("0"),
        employees=totals["employees"] or 0,
        projects=projects["total"],
        projects_under_construction=projects["under_construction"],
        land_demand_mu=projects["land_demand_mu"] or Decimal("0"),
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
