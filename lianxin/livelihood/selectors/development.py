"""Reads of trainings, businesses, insurance and village development: lists in scope, the landless farmers not
enrolled in insurance, project totals by village and source, pairings, and targets vs actuals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lianxin.core.permissions import scope_to_user
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from ..models import (
    Business,
    FundContribution,
    InsuranceEnrolment,
    Pairing,
    SkillsTraining,
    VillageIndicator,
    VillageProject,
)
from .register import landless_persons


def training_list(*, user, q: str = "", date_from: date | None = None, date_to: date | None = None) -> QuerySet:
    qs = scope_to_user(SkillsTraining.objects.all(), user).annotate(
        trainees=Count("attendances"), completed=Count("attendances", filter=Q(attendances__completed=True))
    )
    if q:
        qs = qs.filter(course__icontains=q)
    if date_from:
        qs = qs.filter(starts_on__gte=date_from)
    if date_to:
        qs = qs.filter(starts_on__lte=date_to)
    return qs.select_related("region")


def business_list(*, user, kind: str = "", village_group=None, open_only: bool = False) -> QuerySet:
    qs = scope_to_user(Business.objects.all(), user).select_related("owner", "village_group", "village_group__parent")
    if kind:
        qs = qs.filter(kind=kind)
    if village_group is not None:
        qs = qs.filter(village_group=village_group)
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    return qs


def insurance_list(*, user, status: str = "", minimum_income_support: bool | None = None, village_group=None):
    qs = scope_to_user(InsuranceEnrolment.objects.all(), user).select_related(
        "person", "village_group", "village_group__parent"
    )
    if status:
        qs = qs.filter(status=status)
    if minimum_income_support is not None:
        qs = qs.filter(minimum_income_support=minimum_income_support)
    if village_group is not None:
        qs = qs.filter(village_group=village_group)
    return qs


def not_enrolled(*, user, today: date | None = None, village_group=None) -> QuerySet:
    """Landless farmers of working age or older (16 and over) who are not enrolled in the insurance (未参保)."""
    today = today or timezone.localdate()
    try:
        sixteen = today.replace(year=today.year - 16)
    except ValueError:
        sixteen = today.replace(year=today.year - 16, day=28)
    qs = landless_persons(user=user).filter(birth_date__lte=sixteen, insurance__isnull=True)
    if village_group is not None:
        qs = qs.filter(household__village_group=village_group)
    return qs.select_related("household", "household__village_group")


def project_list(*, user, village=None, status: str = "", kind: str = "", aggregate: bool = False) -> QuerySet:
    qs = scope_to_user(VillageProject.objects.all(), user, aggregate=aggregate).select_related(
        "village", "village__parent", "pairing", "pairing__enterprise"
    )
    if village is not None:
        qs = qs.filter(village__path__startswith=village.path)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def project_totals(*, user, aggregate: bool = False) -> dict:
    """The money of village projects (新农村建设项目资金) in total, by village and by fund source."""
    projects = project_list(user=user, aggregate=aggregate)
    by_village = list(projects.values("village__name").annotate(amount=Sum("amount"), n=Count("*")).order_by("-amount"))
    funds = FundContribution.objects.filter(project__in=projects.values("pk"))
    by_source = {row["source"]: row["amount"] for row in funds.values("source").annotate(amount=Sum("amount"))}
    return {
        "total": (projects.aggregate(s=Sum("amount"))["s"] or Decimal("0")).quantize(Decimal("0.01")),
        "count": projects.count(),
        "by_village": by_village,
        "by_source": [(label, by_source.get(value, Decimal("0"))) for value, label in FundContribution.Source.choices],
    }


def pairing_list(*, user, enterprise=None, village=None) -> QuerySet:
    qs = (
        scope_to_user(Pairing.objects.all(), user)
        .select_related("enterprise", "village")
        .prefetch_related("milestones")
    )
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if village is not None:
        qs = qs.filter(village__path__startswith=village.path)
    return qs


SUMMED = {
    VillageIndicator.Indicator.CATTLE,
    VillageIndicator.Indicator.PIGS,
    VillageIndicator.Indicator.GOATS,
    VillageIndicator.Indicator.CORN,
    VillageIndicator.Indicator.SUGARCANE,
    VillageIndicator.Indicator.TOBACCO,
    VillageIndicator.Indicator.TOTAL_INCOME,
    VillageIndicator.Indicator.NET_INCOME,
    VillageIndicator.Indicator.POPULATION,
}


def indicator_years(*, user, aggregate: bool = False) -> list[int]:
    qs = scope_to_user(VillageIndicator.objects.all(), user, aggregate=aggregate)
    return sorted(set(qs.values_list("year", flat=True).order_by()), reverse=True)


def targets_vs_actuals(*, user, year: int, aggregate: bool = False, indicator: str = "", region=None) -> dict:
    """Per indicator, the township's (the user's scope; ``region``: its subtree) target and actual for ``year`` —
    counts, areas and incomes summed over villages; net income per person computed from the sums (net income ÷
    population) when both are there, else the mean of the villages' figures — and each village's rows."""
    indicators = in_region(VillageIndicator.objects.filter(year=year), region)
    if indicator:
        indicators = indicators.filter(indicator=indicator)
    rows = list(
        scope_to_user(indicators, user, aggregate=aggregate)
        .select_related("region")
        .order_by("indicator", "region__path")
    )
    totals: dict[str, dict] = {}
    per_region: dict[str, list] = {}
    for row in rows:
        entry = totals.setdefault(row.indicator, {"target": None, "actual": None, "n_target": 0, "n_actual": 0})
        for name in ("target", "actual"):
            value = getattr(row, name)
            if value is not None:
                entry[name] = (entry[name] or Decimal("0")) + value
                entry[f"n_{name}"] += 1
        per_region.setdefault(row.region.name, []).append(row)
    Indicator = VillageIndicator.Indicator
    per_capita = totals.get(Indicator.NET_INCOME_PER_CAPITA)
    if per_capita:
        net, population = totals.get(Indicator.NET_INCOME), totals.get(Indicator.POPULATION)
        for name in ("target", "actual"):
            if net and population and net[name] is not None and population[name]:
                per_capita[name] = (net[name] / population[name]).quantize(Decimal("0.01"))
            elif per_capita[name] is not None and per_capita[f"n_{name}"]:
                per_capita[name] = (per_capita[name] / per_capita[f"n_{name}"]).quantize(Decimal("0.01"))
    table = []
    for value, label in Indicator.choices:
        if value not in totals:
            continue
        entry = totals[value]
        target, actual = entry["target"], entry["actual"]
        percent = (actual * 100 / target).quantize(Decimal("0.1")) if target and actual is not None else None
        table.append({"indicator": value, "label": label, "target": target, "actual": actual, "percent": percent})
    return {"year": year, "table": table, "per_region": per_region}


def region_choices(*, user, levels=(Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP)) -> QuerySet:
    return scope_to_user(Region.objects.filter(level__in=levels), user).select_related("parent").order_by("path")
