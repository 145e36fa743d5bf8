"""The Party figures of the home page (园区概况): organisations, members, coverage of the project area and the
new members recruited there, every one counted from rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import Project

from ..models import Organization
from .coverage import coverage
from .members import member_totals
from .pipeline import new_members


@dataclass
class HomeFigures:
    organizations: int
    members: int
    full: int
    probationary: int
    project: Project | None
    coverage_percent: Decimal
    covered_groups: int
    project_groups: int
    new_members: int
    new_members_since: date | None


def main_project(*, user, aggregate: bool = False) -> Project | None:
    """The project with the most land (the park's big project: the alumina plant in the demo)."""
    return (
        scope_to_user(Project.objects.filter(parcels__isnull=False).distinct(), user, aggregate=aggregate)
        .order_by("-land_demand_mu", "pk")
        .first()
    )


def home_figures(*, user, today: date | None = None) -> HomeFigures | None:
    """Organisations (active), members (each person once), coverage of the main project's village groups, and
    the members recruited from the project area (those living there) since the project began."""
    if not (user.has_perm("party.view_organization") or user.has_perm("accounts.view_dashboard")):
        return None
    today = today or timezone.localdate()
    aggregate = not user.has_perm("party.view_organization")
    organizations = scope_to_user(Organization.objects.filter(dissolved_on__isnull=True), user, aggregate=aggregate)
    if not organizations.exists():
        return None
    totals = member_totals(user=user, aggregate=aggregate)
    project = main_project(user=user, aggregate=True)  # its name and land only: the dashboard scope suffices
    result = coverage(user=user, project=project, today=today, aggregate=aggregate) if project else None
    since = _project_start(project)
    recruited = 0
    if project is not None and since is not None and result is not None:
        groups = [row.group.pk for row in result.groups]
        recruited = (
            new_members(user=user, since=since, aggregate=aggregate)
            .filter(person__household__village_group__in=groups)
            .count()
        )
    return HomeFigures(
        organizations=organizations.count(),
        members=totals.members,
        full=totals.full,
        probationary=totals.probationary,
        project=project,
        coverage_percent=result.percent if result else Decimal("0"),
        covered_groups=result.covered if result else 0,
        project_groups=result.total if result else 0,
        new_members=recruited,
        new_members_since=since,
    )


def _project_start(project: Project | None) -> date | None:
    """When the project began: its start of works, or its first milestone (项目核准) if earlier."""
    if project is None:
        return None
    days = [project.started_on, *project.milestones.values_list("planned_on", flat=True)]
    return min((d for d in days if d is not None), default=None)
