"""Reads of organisations: the tree with member counts (each person counted once, where the relation is held),
the branch-setting warnings, committee terms and elections due, projects without a branch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.enterprises.models import Project
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from ..models import (
    BRANCH_KINDS,
    MEMBER_STAGES,
    CommitteePost,
    CommitteeTerm,
    Member,
    Organization,
    OrganizationChange,
)
from ..rules import OrgWarning, add_months, branch_warnings, months_between, project_warning

ACTIVE_MEMBER = Q(members__status=Member.Status.ACTIVE, members__stage__in=MEMBER_STAGES)


def organization_list(
    *, user, include_dissolved: bool = True, kind: str = "", aggregate: bool = False, region: Region | None = None
) -> QuerySet[Organization]:
    """Organisations in the user's scope, in tree order, with the counts of the members whose relation they hold
    (members), of those full (full_members) and of the members seconded to them (seconded)."""
    qs = scope_to_user(Organization.objects.select_related("parent", "region"), user, aggregate=aggregate)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    qs = in_region(qs, region)
    return qs.annotate(
        member_count=Count("members", filter=ACTIVE_MEMBER, distinct=True),
        full_count=Count(
            "members",
            filter=Q(members__status=Member.Status.ACTIVE, members__stage=Member.Stage.FULL),
            distinct=True,
        ),
        seconded_count=Count(
            "seconded_members",
            filter=Q(seconded_members__status=Member.Status.ACTIVE, seconded_members__stage__in=MEMBER_STAGES),
            distinct=True,
        ),
        seconded_full_count=Count(
            "seconded_members",
            filter=Q(seconded_members__status=Member.Status.ACTIVE, seconded_members__stage=Member.Stage.FULL),
            distinct=True,
        ),
    ).order_by("path")


def organization_get(*, user, pk: int) -> Organization:
    return get_scoped_or_404(
        Organization.objects.select_related("parent", "region", "region__parent").prefetch_related(
            "covered_groups__parent", "projects", "enterprises"
        ),
        user,
        pk=pk,
    )


def organization_choices(*, user, branches_only: bool = False, holding_only: bool = False) -> QuerySet[Organization]:
    """Active organisations the user may act for (for forms)."""
    qs = scope_to_user(Organization.objects.filter(dissolved_on__isnull=True), user).order_by("path")
    if branches_only:
        qs = qs.filter(kind__in=BRANCH_KINDS)
    if holding_only:
        qs = qs.filter(kind__in=[Organization.Kind.BRANCH, Organization.Kind.JOINT_BRANCH])
    return qs


@dataclass
class OrganizationMemberRow:
    member: Member
    holds_relation: bool  # False: seconded here, the relation is held by member.organization


def organization_members(*, user, organization: Organization) -> list[OrganizationMemberRow]:
    """The organisation's members: those whose relation it holds, then those seconded to it (each row says which
    branch holds the relation)."""
    qs = (
        scope_to_user(Member.objects.all(), user)
        .filter(Q(organization=organization) | Q(seconded_to=organization), status=Member.Status.ACTIVE)
        .select_related("person__household__village_group", "organization", "seconded_to")
        .prefetch_related("languages")
        .order_by("stage", "person__name")
    )
    rows = [OrganizationMemberRow(m, m.organization_id == organization.pk) for m in qs]
    rows.sort(key=lambda r: (not r.holds_relation, r.member.stage != Member.Stage.FULL, r.member.person.name))
    return rows


def current_term(organization: Organization, today: date | None = None) -> CommitteeTerm | None:
    today = today or timezone.localdate()
    return (
        organization.terms.filter(elected_on__lte=today)
        .prefetch_related(Prefetch("posts", queryset=CommitteePost.objects.select_related("member__person")))
        .order_by("-elected_on", "-id")
        .first()
    )


def organization_history(*, user, organization: Organization) -> QuerySet[OrganizationChange]:
    return scope_to_user(OrganizationChange.objects.filter(organization=organization), user).select_related("actor")


@dataclass
class OrganizationHealth:
    members: int
    full_members: int
    seconded: int
    committee_size: int
    warnings: list[OrgWarning] = field(default_factory=list)


def organization_health(organization: Organization, today: date | None = None) -> OrganizationHealth:
    """Counts and the branch-setting warnings of one organisation. A temporary branch is judged by the members
    working in it (seconded); others by the members whose relation they hold."""
    today = today or timezone.localdate()
    holding = Member.objects.filter(organization=organization, status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES)
    seconded = Member.objects.filter(seconded_to=organization, status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES)
    counts = holding.aggregate(n=Count("*"), full=Count("pk", filter=Q(stage=Member.Stage.FULL)))
    seconded_counts = seconded.aggregate(n=Count("*"), full=Count("pk", filter=Q(stage=Member.Stage.FULL)))
    term = current_term(organization, today)
    committee = len(term.posts.all()) if term and term.ends_on >= today else 0
    working_full = counts["full"] + (
        seconded_counts["full"] if organization.kind == Organization.Kind.TEMPORARY_BRANCH else 0
    )
    working = counts["n"] + (seconded_counts["n"] if organization.kind == Organization.Kind.TEMPORARY_BRANCH else 0)
    units = organization.enterprises.count()
    warnings = branch_warnings(
        kind=organization.kind,
        full_members=working_full,
        members=working,
        committee_size=committee,
        units=units,
        active=organization.active_on(today),
    )
    return OrganizationHealth(counts["n"], counts["full"], seconded_counts["n"], committee, warnings)


def project_months(project: Project, today: date) -> int:
    """How long a project runs: from its start (or first milestone) to its last milestone or today."""
    milestones = list(project.milestones.values_list("planned_on", flat=True))
    start = min([d for d in [project.started_on, *milestones] if d is not None], default=None)
    if start is None:
        return 0
    end = max([today, *milestones])
    return months_between(start, end)


def projects_without_branch(*, user, today: date | None = None) -> list[OrgWarning]:
    """Projects of six months or more under way that no active organisation covers (支部工作条例第五条)."""
    today = today or timezone.localdate()
    covered = Organization.objects.filter(dissolved_on__isnull=True).values("projects")
    projects = (
        scope_to_user(Project.objects.exclude(status=Project.Status.IN_OPERATION), user, aggregate=True)
        .exclude(pk__in=covered)
        .prefetch_related("milestones")
    )
    found = []
    for project in projects:
        months = project_months(project, today)
        if months >= 6 and project.status in (Project.Status.APPROVED, Project.Status.UNDER_CONSTRUCTION):
            found.append(project_warning(project_name=project.name, months=months))
    return found


def terms_expiring(*, user, today: date | None = None, months: int = 6) -> list[CommitteeTerm]:
    """Current terms ending within ``months`` (or already ended): the elections (换届) to prepare."""
    today = today or timezone.localdate()
    latest = {}
    qs = scope_to_user(CommitteeTerm.objects.select_related("organization"), user).filter(
        organization__dissolved_on__isnull=True
    )
    for term in qs.order_by("organization_id", "-elected_on", "-id"):
        latest.setdefault(term.organization_id, term)
    limit = add_months(today, months)
    return sorted((t for t in latest.values() if t.ends_on <= limit), key=lambda t: t.ends_on)


def organization_ids_below(organization: Organization) -> list[int]:
    return list(Organization.objects.filter(path__startswith=organization.path).values_list("pk", flat=True))
