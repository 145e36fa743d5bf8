"""Reads of activities and education: the activity list, study hours per member and year, 三会一课 compliance per
branch and period, the language teams, and the "六个一" scores with the integrity-report categories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from ..models import BRANCH_KINDS, MEMBER_STAGES, Activity, Attendance, LanguageTeam, Member, Organization, PartyRules
from ..rules import add_months
from .organizations import current_term


def activity_list(
    *,
    user,
    kind: str = "",
    organization: Organization | None = None,
    theme: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    region: Region | None = None,
) -> QuerySet[Activity]:
    """Activities in the user's scope; ``region``: those of organisations seated in its subtree."""
    qs = scope_to_user(Activity.objects.all(), user).select_related("organization", "village_group", "language_team")
    qs = in_region(qs, region)
    if kind:
        qs = qs.filter(kind=kind)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if theme:
        qs = qs.filter(themes=theme)
    if date_from:
        qs = qs.filter(held_on__gte=date_from)
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    if q.strip():
        qs = qs.filter(title__icontains=q.strip())
    return qs.annotate(
        present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT), distinct=True)
    ).prefetch_related("themes", "languages")


def activity_get(*, user, pk: int) -> Activity:
    return get_scoped_or_404(
        Activity.objects.select_related(
            "organization", "village_group", "language_team", "recorded_by"
        ).prefetch_related(
            "themes",
            "languages",
            "materials",
            Prefetch(
                "attendance", queryset=Attendance.objects.select_related("member__person", "member__organization")
            ),
        ),
        user,
        pk=pk,
    )


# --- study hours ---------------------------------------------------------------------------------------------


@dataclass
class StudyRow:
    member_id: int
    name: str
    organization: str
    hours: Decimal
    required: Decimal

    @property
    def below(self) -> bool:
        return self.hours < self.required


def study_hours_by_member(*, year: int, members: QuerySet[Member] | list[int] | None = None) -> dict[int, Decimal]:
    """Hours of the activities each member attended in ``year``: one GROUP BY over attendance, read from the index
    (status, held_on, member, hours). ``members`` narrows it (a queryset becomes a subquery)."""
    qs = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, held_on__gte=date(year, 1, 1), held_on__lte=date(year, 12, 31)
    )
    if isinstance(members, QuerySet):
        qs = qs.filter(member_id__in=members.values("pk"))
    elif members is not None:
        qs = qs.filter(member_id__in=members)
    return dict(qs.values_list("member_id").annotate(total=Sum("hours")).order_by())


def study_hours(
    *, user, year: int, rules: PartyRules, organization: Organization | None = None, region: Region | None = None
) -> list[StudyRow]:
    """Study hours per member in a year against the yearly requirement (local rule), lowest first: one query for
    the members (plain values, no model instances), one GROUP BY for the hours. ``region``: the members whose
    relation is held by an organisation seated in its subtree."""
    members = scope_to_user(Member.objects.filter(status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES), user)
    if organization is not None:
        members = members.filter(Q(organization=organization) | Q(seconded_to=organization))
    members = in_region(members, region)
    narrowed = (
        members
        if organization is not None or region is not None or getattr(user, "scope_organization_ids", None) is not None
        else None
    )
    hours = study_hours_by_member(year=year, members=narrowed)
    zero = Decimal("0")
    rows = [
        StudyRow(pk, name, org, hours.get(pk, zero), rules.study_hours_per_year)
        for pk, name, org in members.values_list("pk", "person__name", "organization__name").iterator(chunk_size=5000)
    ]
    rows.sort(key=lambda r: (r.hours, r.name))
    return rows


# --- 三会一课 compliance ----------------------------------------------------------------------------------------


@dataclass
class KindCompliance:
    kind: str
    label: str
    every_months: int
    required: int = 0
    held: int = 0
    missing: list[str] = field(default_factory=list)  # the finished periods without one ("1季度", "3月")
    applies: bool = True

    @property
    def ok(self) -> bool:
        return not self.missing


@dataclass
class BranchCompliance:
    organization: Organization
    kinds: list[KindCompliance]

    @property
    def ok(self) -> bool:
        return all(k.ok for k in self.kinds if k.applies)


REGULAR_KINDS = (
    (Activity.Kind.MEMBERS_MEETING, "members_meeting_months"),
    (Activity.Kind.COMMITTEE_MEETING, "committee_meeting_months"),
    (Activity.Kind.GROUP_MEETING, "group_meeting_months"),
    (Activity.Kind.PARTY_LESSON, "party_lesson_months"),
    (Activity.Kind.PARTY_DAY, "party_day_months"),
)


def _period_label(start: date, months: int) -> str:
    if months == 1:
        return _("%(month)d月") % {"month": start.month}
    if months == 3:
        return _("%(q)d季度") % {"q": (start.month - 1) // 3 + 1}
    return _("%(from)d—%(to)d月") % {"from": start.month, "to": min(start.month + months - 1, 12)}


def regular_meetings(*, user, year: int, rules: PartyRules, today: date | None = None) -> list[BranchCompliance]:
    """三会一课 per branch in a year against the local frequencies: for each kind, the finished periods (months,
    quarters) without such an activity. Committee meetings only where the branch has a committee, party-group
    meetings only where it has party groups."""
    today = today or timezone.localdate()
    branches = list(
        scope_to_user(Organization.objects.filter(kind__in=BRANCH_KINDS, founded_on__lte=date(year, 12, 31)), user)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=date(year, 1, 1)))
        .order_by("path")
    )
    held: dict[tuple[int, str], list[date]] = {}
    for org_id, kind, day in (
        Activity.objects.filter(
            organization__in=branches,
            held_on__gte=date(year, 1, 1),
            held_on__lte=date(year, 12, 31),
            kind__in=[k for k, _f in REGULAR_KINDS],
        )
        .values_list("organization_id", "kind", "held_on")
        .order_by()
    ):
        held.setdefault((org_id, kind), []).append(day)
    result = []
    for branch in branches:
        term = current_term(branch, min(today, date(year, 12, 31)))
        has_committee = term is not None and len(term.posts.all()) >= 3
        kinds = []
        for kind, setting in REGULAR_KINDS:
            every = max(1, getattr(rules, setting))
            row = KindCompliance(kind, str(Activity.Kind(kind).label), every)
            row.applies = (kind != Activity.Kind.COMMITTEE_MEETING or has_committee) and (
                kind != Activity.Kind.GROUP_MEETING or branch.party_groups > 0
            )
            days = held.get((branch.pk, kind), [])
            row.held = len(days)
            start = date(year, 1, 1)
            while start.year == year:
                end = add_months(start, every)
                active_from = max(branch.founded_on, date(year, 1, 1))
                if end <= today and end > active_from:
                    row.required += 1
                    if not any(start <= d < end for d in days):
                        row.missing.append(_period_label(start, every))
                start = end
            kinds.append(row)
        result.append(BranchCompliance(branch, kinds))
    return result


# --- language teams ------------------------------------------------------------------------------------------


@dataclass
class TeamReport:
    team: LanguageTeam
    members: list[Member]
    sessions: int
    branches: list[str]
    groups: list[str]
    reached: int
    visits: list[Activity]


def language_teams(*, user) -> list[TeamReport]:
    """Each minority-language work team: members and their languages, the branches and village groups it visited,
    sessions held and people reached (non-members plus members present)."""
    teams = scope_to_user(LanguageTeam.objects.select_related("language", "organization"), user).prefetch_related(
        Prefetch(
            "members", queryset=Member.objects.select_related("person", "organization").prefetch_related("languages")
        )
    )
    reports = []
    for team in teams:
        visits = list(
            Activity.objects.filter(language_team=team)
            .select_related("organization", "village_group")
            .annotate(present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)))
            .order_by("-held_on")
        )
        reports.append(
            TeamReport(
                team=team,
                members=list(team.members.all()),
                sessions=len(visits),
                branches=sorted({v.organization.name for v in visits}),
                groups=sorted({v.village_group.name for v in visits if v.village_group_id}),
                reached=sum(v.non_member_count + v.present for v in visits),
                visits=visits,
            )
        )
    return reports


# --- "六个一" scores and integrity reports ------------------------------------------------------------------------


@dataclass
class ScoreRow:
    label: str
    checks: int
    items_met: int

    @property
    def score(self) -> Decimal:
        """Items met out of six per revisit, as a percentage."""
        if not self.checks:
            return Decimal("0")
        return (Decimal(self.items_met) * 100 / (6 * self.checks)).quantize(Decimal("0.1"))


def service_standard_scores(*, user, date_from: date, date_to: date) -> dict:
    """The "六个一" checklist filled at revisits of enterprise requests in a period: per handler, per unit, per item."""
    from lianxin.cases.models import Case, ServiceStandardCheck

    checks = scope_to_user(
        ServiceStandardCheck.objects.filter(checked_on__gte=date_from, checked_on__lte=date_to), user
    ).select_related("handler")
    items = [name for name, _label in ServiceStandardCheck.ITEMS]
    by_handler: dict[str, ScoreRow] = {}
    by_unit: dict[str, ScoreRow] = {}
    per_item = dict.fromkeys(items, 0)
    total = 0
    for check in checks.iterator(chunk_size=2000):
        met = check.items_met
        total += 1
        for name in items:
            per_item[name] += bool(getattr(check, name))
        handler = (check.handler.get_full_name() or check.handler.username) if check.handler_id else "—"
        unit = check.unit or "—"
        for table, key in ((by_handler, handler), (by_unit, unit)):
            row = table.setdefault(key, ScoreRow(key, 0, 0))
            row.checks += 1
            row.items_met += met
    integrity = dict(
        scope_to_user(
            Case.objects.filter(
                kind=Case.Kind.INTEGRITY_REPORT,
                registered_at__date__gte=date_from,
                registered_at__date__lte=date_to,
            ),
            user,
            aggregate=True,
        )
        .values_list("integrity_category")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {
        "checks": total,
        "by_handler": sorted(by_handler.values(), key=lambda r: (-r.score, r.label)),
        "by_unit": sorted(by_unit.values(), key=lambda r: (-r.score, r.label)),
        "per_item": [
            (
                label,
                per_item[name],
                (Decimal(per_item[name]) * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0"),
            )
            for name, label in ServiceStandardCheck.ITEMS
        ],
        "integrity": [(value, label, integrity.get(value, 0)) for value, label in Case.IntegrityCategory.choices]
        + [("", _("未分类"), integrity.get("", 0))],
    }
