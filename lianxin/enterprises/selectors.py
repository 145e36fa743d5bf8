from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum

from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from .models import Enterprise, EnterpriseIndicator, Project, ProjectMilestone


def enterprise_list(
    *,
    user,
    q: str = "",
    industry: str = "",
    in_park: bool | None = None,
    year: int | None = None,
    region: Region | None = None,
) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope, each annotated with one year's indicators (``indicator_year``,
    output, tax, jobs, local jobs): the latest year's, or with ``year`` that year's (and then only the
    enterprises that reported it). ``region``: the enterprises of its subtree."""
    indicators = EnterpriseIndicator.objects.filter(enterprise=OuterRef("pk"))
    latest = indicators.filter(year=year) if year else indicators.order_by("-year")
    qs = scope_to_user(Enterprise.objects.select_related("region"), user).annotate(
        latest_year=Subquery(latest.values("year")[:1]),
        latest_output=Subquery(latest.values("output_value")[:1]),
        latest_tax=Subquery(latest.values("tax_paid")[:1]),
        latest_employees=Subquery(latest.values("employees")[:1]),
        latest_local_employees=Subquery(latest.values("local_employees")[:1]),
    )
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(credit_code__iexact=q.strip()))
    if industry:
        qs = qs.filter(industry=industry)
    if in_park is not None:
        qs = qs.filter(in_park=in_park)
    if year:
        qs = qs.filter(Exists(indicators.filter(year=year)))
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs


def enterprise_get(*, user, pk: int) -> Enterprise:
    return get_scoped_or_404(Enterprise.objects.select_related("region"), user, pk=pk)


def indicator_list(*, user, enterprise: Enterprise | None = None) -> QuerySet[EnterpriseIndicator]:
    qs = scope_to_user(EnterpriseIndicator.objects.select_related("enterprise"), user)
    return qs.filter(enterprise=enterprise) if enterprise else qs


def indicator_totals(*, user, year: int | None = None, in_park_only: bool = True, aggregate: bool = False) -> dict:
    """Sum of output value, tax and jobs over the enterprises in scope, for ``year`` (default: the latest year)."""
    qs = scope_to_user(EnterpriseIndicator.objects.all(), user, aggregate=aggregate)
    if in_park_only:
        qs = qs.filter(enterprise__in_park=True)
    year = year or qs.aggregate(y=Max("year"))["y"]
    totals = qs.filter(year=year).aggregate(
        output_value=Sum("output_value"),
        tax_paid=Sum("tax_paid"),
        employees=Sum("employees"),
        local_employees=Sum("local_employees"),
    )
    return {"year": year, **totals}


def project_list(*, user, status: str = "", q: str = "", region: Region | None = None) -> QuerySet[Project]:
    """Projects in the user's scope; ``region``: those located in its subtree."""
    qs = in_region(scope_to_user(Project.objects.select_related("enterprise", "region"), user), region)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs


def project_get(*, user, pk: int) -> Project:
    return get_scoped_or_404(Project.objects.select_related("enterprise", "region"), user, pk=pk)


def milestone_list(*, user, project: Project) -> QuerySet[ProjectMilestone]:
    return scope_to_user(ProjectMilestone.objects.filter(project=project), user)


def milestone_get(*, user, pk: int) -> ProjectMilestone:
    return get_scoped_or_404(ProjectMilestone.objects.select_related("project"), user, pk=pk)
