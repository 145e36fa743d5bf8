"""Reads of members: the roster, one member, totals (each person once), household contacts and their coverage,
dues owed, evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.enterprises.models import Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from ..models import MEMBER_STAGES, DuesPayment, Member, MemberEvaluation, MemberHouseholdLink, Organization
from ..rules import monthly_dues


def member_list(
    *,
    user,
    organization: Organization | None = None,
    stage: str = "",
    status: str = Member.Status.ACTIVE,
    village_group: int | None = None,
    language: int | None = None,
    q: str = "",
    members_only: bool = True,
    admitted_from: date | None = None,
    admitted_to: date | None = None,
    region: Region | None = None,
) -> QuerySet[Member]:
    """The roster (党员花名册) in the user's scope: members of an organisation (held there or seconded to it);
    ``region``: those whose relation is held in its subtree (as the Party figures count them)."""
    qs = scope_to_user(Member.objects.all(), user).select_related(
        "person__household__village_group__parent", "organization", "seconded_to"
    )
    if members_only:
        qs = qs.filter(stage__in=MEMBER_STAGES)
    if organization is not None:
        qs = qs.filter(Q(organization=organization) | Q(seconded_to=organization))
    if stage:
        qs = qs.filter(stage=stage)
    if status:
        qs = qs.filter(status=status)
    if village_group:
        qs = qs.filter(person__household__village_group_id=village_group)
    qs = in_region(qs, region)
    if language:
        qs = qs.filter(languages=language)
    if admitted_from:
        qs = qs.filter(joined_on__gte=admitted_from)
    if admitted_to:
        qs = qs.filter(joined_on__lte=admitted_to)
    if q.strip():
        qs = qs.filter(person__name__icontains=q.strip())
    return qs


def member_get(*, user, pk: int) -> Member:
    return get_scoped_or_404(
        Member.objects.select_related(
            "person__household__village_group__parent", "organization", "seconded_to"
        ).prefetch_related("languages"),
        user,
        pk=pk,
    )


@dataclass
class MemberTotals:
    members: int
    full: int
    probationary: int
    seconded: int
    activists: int
    applicants: int


def member_totals(*, user, aggregate: bool = False) -> MemberTotals:
    """Totals in the user's scope: one row per person, counted where the relation is held, so a member seconded to
    a temporary branch is never counted twice."""
    row = scope_to_user(Member.objects.filter(status=Member.Status.ACTIVE), user, aggregate=aggregate).aggregate(
        full=Count("pk", filter=Q(stage=Member.Stage.FULL)),
        probationary=Count("pk", filter=Q(stage=Member.Stage.PROBATIONARY)),
        seconded=Count("pk", filter=Q(stage__in=MEMBER_STAGES, seconded_to__isnull=False)),
        activists=Count("pk", filter=Q(stage__in=[Member.Stage.ACTIVIST, Member.Stage.CANDIDATE])),
        applicants=Count("pk", filter=Q(stage=Member.Stage.APPLICANT)),
    )
    return MemberTotals(
        members=row["full"] + row["probationary"],
        full=row["full"],
        probationary=row["probationary"],
        seconded=row["seconded"],
        activists=row["activists"],
        applicants=row["applicants"],
    )


def person_choices(*, user) -> QuerySet[Person]:
    return scope_to_user(Person.objects.select_related("household__village_group"), user)


def member_choices(*, user, full_only: bool = False) -> QuerySet[Member]:
    qs = scope_to_user(Member.objects.filter(status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES), user)
    if full_only:
        qs = qs.filter(stage=Member.Stage.FULL)
    return qs.select_related("person", "organization").order_by("organization__path", "person__name")


# --- member–household contacts ---------------------------------------------------------------------------------


def project_households(*, user, project: Project, aggregate: bool = False) -> QuerySet[Household]:
    """The households of a project's area: the holders of its parcels (the land app's contract holdings)."""
    from lianxin.land.models import ContractHolding

    holders = ContractHolding.objects.filter(parcel__project=project).values("household")
    return scope_to_user(Household.objects.filter(pk__in=holders), user, aggregate=aggregate)


def contacts_for(*, user, household_ids: list[int]) -> dict[int, MemberHouseholdLink]:
    """The active contact of each household, where the user may see it (one query)."""
    if not household_ids:
        return {}
    links = scope_to_user(
        MemberHouseholdLink.objects.filter(household_id__in=household_ids, until__isnull=True), user
    ).select_related("member__person", "member__organization")
    return {link.household_id: link for link in links}


@dataclass
class ContactCoverage:
    households: int
    with_contact: int

    @property
    def percent(self) -> Decimal:
        if not self.households:
            return Decimal("0")
        return (Decimal(self.with_contact) * 100 / self.households).quantize(Decimal("0.1"))


def contact_coverage(
    *, user, project: Project, aggregate: bool = False, region: Region | None = None
) -> ContactCoverage:
    """How many households of the project's area (in ``region``'s subtree) have a contact member (党员联户覆盖率)."""
    households = in_region(project_households(user=user, project=project, aggregate=aggregate), region)
    total = households.count()
    linked = (
        MemberHouseholdLink.objects.filter(household__in=households, until__isnull=True)
        .values("household")
        .distinct()
        .count()
    )
    return ContactCoverage(total, linked)


def household_contact_rows(
    *, user, project: Project, unlinked_only: bool = False, linked_only: bool = False, region: Region | None = None
) -> QuerySet[Household]:
    from django.db.models import OuterRef, Subquery

    head = Person.objects.filter(household=OuterRef("pk"), relation=Person.Relation.HEAD).values("name")[:1]
    qs = (
        project_households(user=user, project=project)
        .select_related("village_group__parent")
        .annotate(head_name=Subquery(head))
    )
    if unlinked_only:
        qs = qs.exclude(party_links__until__isnull=True)
    if linked_only:
        qs = qs.filter(pk__in=MemberHouseholdLink.objects.filter(until__isnull=True).values("household"))
    return in_region(qs, region)


# --- dues -----------------------------------------------------------------------------------------------------


@dataclass
class DuesArrears:
    member: Member
    monthly: Decimal
    months_owed: list[date]

    @property
    def owed(self) -> Decimal:
        return self.monthly * len(self.months_owed)


def _months(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def dues_arrears(
    *, user, organization: Organization, year: int, today: date | None = None, farmer_default: Decimal
) -> list[DuesArrears]:
    """Members of a branch who have not paid (in full) for months of ``year`` up to last month."""
    today = today or timezone.localdate()
    last = date(today.year, today.month, 1) if year == today.year else date(year, 12, 1)
    members = list(
        member_list(user=user, organization=organization).filter(organization=organization, joined_on__isnull=False)
    )
    paid = {}
    for member_id, month, total in (
        DuesPayment.objects.filter(member__in=members, month__year=year)
        .values_list("member_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        paid[(member_id, month)] = total
    found = []
    for member in members:
        monthly = monthly_dues(member.dues_category, member.monthly_income, member.dues_fixed, farmer_default)
        start = max(date(year, 1, 1), member.joined_on.replace(day=1))
        owed = [m for m in _months(start, last) if m < last and paid.get((member.pk, m), Decimal("0")) < monthly]
        if owed:
            found.append(DuesArrears(member, monthly, owed))
    return found


def evaluations_for(*, user, organization: Organization, year: int) -> dict[int, MemberEvaluation]:
    return {
        e.member_id: e
        for e in scope_to_user(MemberEvaluation.objects.filter(member__organization=organization, year=year), user)
    }


def evaluation_summary(*, user, year: int) -> dict[str, int]:
    rows = (
        scope_to_user(MemberEvaluation.objects.filter(year=year), user)
        .values_list("grade")
        .annotate(n=Count("*"))
        .order_by()
    )
    return dict(rows)
