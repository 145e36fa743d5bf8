"""Coverage (党组织覆盖): which village groups of the township, or of a project's land, an active organisation covers;
who lives in the groups no organisation covers; what to do about each; and the groups' outlines for the map.

A village group counts when it belongs to an administrative village (one with a statistical code): the township
organ's collective household (机关集体户, where cadres who live elsewhere are registered) is not a place to cover.
"Members who live there" are the members and activists of the group's households, except those marked as not
living in the township. A project's area is the village groups its parcels lie in (the land app).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import Project
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from ..models import Member, Organization


@dataclass
class GroupCoverage:
    group: Region
    organizations: list[tuple[int, str]] = field(default_factory=list)
    full: int = 0
    probationary: int = 0
    activists: int = 0  # activists and candidates (the pipeline people the report counts on)
    applicants: int = 0
    suggestion: str = ""
    suggested_kind: str = ""
    create_url: str = ""

    @property
    def covered(self) -> bool:
        return bool(self.organizations)

    @property
    def members(self) -> int:
        return self.full + self.probationary


@dataclass
class Coverage:
    project: Project | None
    groups: list[GroupCoverage]

    @property
    def total(self) -> int:
        return len(self.groups)

    @property
    def covered(self) -> int:
        return sum(1 for g in self.groups if g.covered)

    @property
    def percent(self) -> Decimal:
        if not self.groups:
            return Decimal("0")
        return (Decimal(self.covered) * 100 / self.total).quantize(Decimal("0.1"))

    @property
    def uncovered(self) -> list[GroupCoverage]:
        return [g for g in self.groups if not g.covered]


def coverage_groups(
    *, user, project: Project | None = None, aggregate: bool = False, region: Region | None = None
) -> QuerySet[Region]:
    """The village groups coverage is judged over: the user's, or those the project's parcels lie in; ``region``:
    those in its subtree."""
    groups = scope_to_user(
        Region.objects.filter(level=Region.Level.VILLAGE_GROUP, parent__stat_code__isnull=False).select_related(
            "parent"
        ),
        user,
        aggregate=aggregate,
    )
    if project is not None:
        from lianxin.land.models import Parcel

        groups = groups.filter(pk__in=Parcel.objects.filter(project=project).values("village_group"))
    return in_region(groups, region, "").order_by("path")


def active_organizations(day: date) -> QuerySet[Organization]:
    return Organization.objects.filter(founded_on__lte=day).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
    )


def coverage(
    *,
    user,
    project: Project | None = None,
    today: date | None = None,
    aggregate: bool = False,
    region: Region | None = None,
) -> Coverage:
    """Coverage of the user's township (or of a project's area): three queries whatever the number of members —
    the groups, the organisations covering them, and the people per group and stage."""
    today = today or timezone.localdate()
    groups = list(coverage_groups(user=user, project=project, aggregate=aggregate, region=region))
    rows = {g.pk: GroupCoverage(group=g) for g in groups}
    if not rows:
        return Coverage(project, [])
    through = Organization.covered_groups.through
    covering = (
        through.objects.filter(region_id__in=list(rows), organization__in=active_organizations(today))
        .values_list("region_id", "organization_id", "organization__name")
        .order_by("organization__path")
    )
    for group_id, org_id, name in covering:
        rows[group_id].organizations.append((org_id, name))
    people = (
        Member.objects.filter(
            status=Member.Status.ACTIVE, non_resident=False, person__household__village_group_id__in=list(rows)
        )
        .values_list("person__household__village_group_id", "stage")
        .annotate(n=Count("*"))
        .order_by()
    )
    for group_id, stage, n in people:
        row = rows[group_id]
        if stage == Member.Stage.FULL:
            row.full += n
        elif stage == Member.Stage.PROBATIONARY:
            row.probationary += n
        elif stage in (Member.Stage.ACTIVIST, Member.Stage.CANDIDATE):
            row.activists += n
        else:
            row.applicants += n
    result = Coverage(project, list(rows.values()))
    can_create = user is not None and user.has_perm("party.add_organization") and not aggregate
    for row in result.uncovered:
        _suggest(row, project, today, can_create)
    return result


def _suggest(row: GroupCoverage, project: Project | None, today: date, can_create: bool) -> None:
    """What to do about a group no organisation covers (《支部工作条例》第四条、第五条)."""
    name = row.group.name
    if row.full >= 3:
        row.suggested_kind = Organization.Kind.BRANCH
        row.suggestion = _("%(group)s:无党组织,有正式党员%(n)d名 → 成立党支部") % {"group": name, "n": row.full}
    elif row.full >= 1:
        row.suggested_kind = Organization.Kind.TEMPORARY_BRANCH if project else Organization.Kind.JOINT_BRANCH
        row.suggestion = _("%(group)s:无党组织,有正式党员%(n)d名 → 联合党支部或临时党支部") % {
            "group": name,
            "n": row.full,
        }
    elif project is not None:
        row.suggested_kind = Organization.Kind.TEMPORARY_BRANCH
        row.suggestion = _("%(group)s:无党组织、无正式党员 → 选派机关党员成立临时党支部") % {"group": name}
    else:
        row.suggestion = _("%(group)s:无党组织、无正式党员 → 划入邻近党支部的覆盖范围") % {"group": name}
    if can_create and row.suggested_kind == Organization.Kind.TEMPORARY_BRANCH:
        params = {"suggest_group": row.group.pk}
        if project is not None:
            params["suggest_project"] = project.pk
        row.create_url = f"{reverse('party:organization-create')}?{urlencode(params)}"


def suggestion_prefill(*, user, group: Region, project: Project | None, today: date | None = None) -> dict:
    """The form of a temporary branch created from a suggestion: name, seat, the group covered, the project,
    founded today, the reason, and the top committee as its parent."""
    today = today or timezone.localdate()
    row = next((r for r in coverage(user=user, project=project, today=today).groups if r.group.pk == group.pk), None)
    full = row.full if row else 0
    parent = (
        scope_to_user(Organization.objects.filter(kind=Organization.Kind.COMMITTEE, dissolved_on__isnull=True), user)
        .order_by("path")
        .first()
    )
    reason = _("%(village)s%(group)s村民小组无党组织覆盖,现有正式党员%(n)d名") % {
        "village": group.parent.name,
        "group": group.name,
        "n": full,
    }
    if project is not None:
        reason += _(",为服务“%(project)s”建设,选派党员成立临时党支部,把支部建到村民小组上") % {"project": project.name}
    initial = {
        "name": _("%(group)s临时党支部") % {"group": group.name},
        "kind": Organization.Kind.TEMPORARY_BRANCH,
        "parent": parent.pk if parent else None,
        "region": group.pk,
        "covered_groups": [group.pk],
        "founded_on": today,
        "founding_reason": reason,
    }
    if project is not None:
        initial["projects"] = [project.pk]
    return initial


# --- the map ------------------------------------------------------------------------------------------------


def _hull(points: list[tuple[float, float]]) -> list[list[float]]:
    """Convex hull (Andrew's monotone chain), closed ring."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return [list(p) for p in pts]

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = lower[:-1] + upper[:-1]
    ring.append(ring[0])
    return [list(p) for p in ring]


def _points(geometry: dict | None) -> list[tuple[float, float]]:
    if not geometry:
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [(float(x), float(y)) for polygon in polygons for ring in polygon[:1] for x, y, *_rest in ring]


def coverage_features(*, user, result: Coverage) -> dict:
    """The groups as GeoJSON: each group's outline is the hull of its parcels (of the project, or all), coloured
    covered / not covered by the page; groups without parcels have no outline and appear in the list only."""
    from lianxin.land.models import Parcel

    rows = {row.group.pk: row for row in result.groups}
    # Only the outline of each group reaches the user, never a parcel: the dashboard scope suffices.
    parcels = scope_to_user(
        Parcel.objects.filter(village_group_id__in=list(rows), geometry__isnull=False), user, aggregate=True
    )
    if result.project is not None:
        parcels = parcels.filter(project=result.project)
    points: dict[int, list[tuple[float, float]]] = {}
    for group_id, geometry in parcels.values_list("village_group_id", "geometry").iterator(chunk_size=2000):
        points.setdefault(group_id, []).extend(_points(geometry))
    features = []
    for group_id, row in rows.items():
        ring = _hull(points.get(group_id, []))
        if len(ring) < 4:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "id": group_id,
                    "name": row.group.name,
                    "village": row.group.parent.name,
                    "covered": row.covered,
                    "organizations": [name for _pk, name in row.organizations],
                    "full": row.full,
                    "probationary": row.probationary,
                    "activists": row.activists,
                    "suggestion": row.suggestion,
                    "create_url": row.create_url,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "count": len(features)}
