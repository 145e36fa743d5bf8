"""Reads of employment: postings, placements, quotas (committed vs actual), employed landless farmers, and the
matching that ranks candidates for a posting (landless farmers first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from lianxin.core.permissions import scope_to_user
from lianxin.people.models import Person
from lianxin.regions.models import Region

from ..models import HiringQuota, JobPosting, JobSeeker, Placement, TrainingAttendance
from .register import age_on, landless_household_ids


def posting_list(
    *, user, status: str = "", enterprise=None, public_welfare: bool | None = None, q: str = ""
) -> QuerySet:
    qs = scope_to_user(JobPosting.objects.all(), user).select_related("enterprise", "region")
    if status:
        qs = qs.filter(status=status)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if public_welfare is not None:
        qs = qs.filter(public_welfare=public_welfare)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(
        placed=Count("placements", filter=Q(placements__status=Placement.Status.ACCEPTED)),
        proposed=Count("placements", filter=Q(placements__status=Placement.Status.PROPOSED)),
    )


def placement_list(
    *,
    user,
    posting=None,
    status: str = "",
    village_group=None,
    employed_on: date | None = None,
    started_from: date | None = None,
    started_to: date | None = None,
) -> QuerySet:
    """Placements in scope; ``employed_on``: those of landless farmers at work that day (在岗失地农民, as
    ``employed_landless``); ``started_from``/``started_to``: taken up (上岗) within those days."""
    qs = scope_to_user(Placement.objects.all(), user).select_related(
        "person", "posting", "enterprise", "village_group", "village_group__parent"
    )
    if employed_on is not None:
        qs = qs.filter(employed_q(employed_on), person__household__in=landless_household_ids())
    if started_from is not None:
        qs = qs.filter(starts_on__gte=started_from)
    if started_to is not None:
        qs = qs.filter(starts_on__lte=started_to)
    if posting is not None:
        qs = qs.filter(posting=posting)
    if status:
        qs = qs.filter(status=status)
    if village_group is not None:
        qs = qs.filter(village_group=village_group)
    return qs


def employed_q(day: date) -> Q:
    """Placed and at work on ``day`` (在岗)."""
    return Q(status__in=[Placement.Status.ACCEPTED, Placement.Status.ENDED], starts_on__lte=day) & (
        Q(ends_on__isnull=True) | Q(ends_on__gt=day)
    )


def employed_landless(*, user, day: date | None = None, aggregate: bool = False) -> QuerySet[Placement]:
    """Placements at work on ``day`` of persons from landless households (在岗失地农民)."""
    day = day or timezone.localdate()
    landless = landless_household_ids()
    return scope_to_user(Placement.objects.filter(employed_q(day)), user, aggregate=aggregate).filter(
        person__household__in=landless
    )


def employed_figures(*, user, day: date | None = None, months: int = 12, aggregate: bool = False) -> dict:
    """Employed landless farmers now, by enterprise, by village group, and at the end of each of the last months."""
    day = day or timezone.localdate()
    now = employed_landless(user=user, day=day, aggregate=aggregate)
    by_enterprise = list(
        now.values("enterprise__name", "posting__public_welfare")
        .annotate(n=Count("person", distinct=True))
        .order_by("-n")
    )
    by_group = list(
        now.values("village_group__parent__name", "village_group__name")
        .annotate(n=Count("person", distinct=True))
        .order_by("village_group__parent__name", "village_group__name")
    )
    by_month = []
    for back in range(months - 1, -1, -1):
        year, month = day.year, day.month - back
        while month <= 0:
            year, month = year - 1, month + 12
        end = date(year, month, 28)
        by_month.append(
            (
                f"{year}-{month:02d}",
                employed_landless(user=user, day=end, aggregate=aggregate).values("person").distinct().count(),
            )
        )
    return {
        "total": now.values("person").distinct().count(),
        "by_enterprise": by_enterprise,
        "by_group": by_group,
        "by_month": by_month,
    }


@dataclass
class QuotaRow:
    quota: HiringQuota
    actual: int

    @property
    def shortfall(self) -> int:
        return max(self.quota.committed - self.actual, 0)


def quota_rows(*, user, year: int) -> list[QuotaRow]:
    """Each enterprise's commitment for ``year`` against the landless farmers it actually employed in that year
    (placed at any time of the year, each person once)."""
    quotas = list(scope_to_user(HiringQuota.objects.filter(year=year), user).select_related("enterprise"))
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = (
        Placement.objects.filter(
            enterprise__in=[q.enterprise_id for q in quotas],
            status__in=[Placement.Status.ACCEPTED, Placement.Status.ENDED],
            starts_on__lte=end,
            person__household__in=landless_household_ids(),
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values("enterprise")
        .annotate(n=Count("person", distinct=True))
    )
    actual = {row["enterprise"]: row["n"] for row in in_year}
    return [QuotaRow(quota=q, actual=actual.get(q.enterprise_id, 0)) for q in quotas]


# --- matching ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    person_id: int
    name: str
    village_group: str
    age: int
    landless: bool
    skills_matched: int
    certificate: bool
    trained: bool
    distance: int  # 0 same village group, 1 same village, 2 same township, 3 further

    @property
    def distance_label(self) -> str:
        from django.utils.translation import gettext as _

        return [_("本村民小组"), _("本村"), _("本镇"), _("镇外")][self.distance]


def _distance(group_path: str, posting_path: str) -> int:
    """How far the candidate's village group is from the workplace, by the region tree (paths "1/4/9/")."""
    a, b = group_path.split("/")[:-1], posting_path.split("/")[:-1]
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    # depth: county 1, township 2, village 3, village group 4
    if common >= 4 or (common == len(b) and len(b) >= 4):
        return 0
    if common >= 3:
        return 1
    if common >= 2:
        return 2
    return 3


def match(*, user, posting: JobPosting, limit: int = 50, today: date | None = None) -> list[Candidate]:
    """Candidates for ``posting`` among registered job seekers in the user's scope (求职登记, 求职中), within the
    post's age limits, not already proposed. Ranked: landless farmers first (优先招用失地农民), then skills matched
    and the certificate asked for, training done, distance (village group), and the person's id (ties always
    break the same way).

    One query ranks every candidate in the database from the seekers' own rows (their household and birth date
    are copied there) — the landless test reads the register's stored decision for the candidate's household; skills by matching the comma-separated lists; the distance from the
    region tree, per village group — and returns the ``limit`` first; their names and ages are read then."""
    today = today or posting.starts_on or timezone.localdate()

    def years_before(years: int) -> date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:
            return today.replace(year=today.year - years, day=28)

    seekers = scope_to_user(JobSeeker.objects.filter(status=JobSeeker.Status.SEEKING), user).filter(
        birth_date__lte=years_before(posting.min_age),
        birth_date__gt=years_before(posting.max_age + 1),
    )
    taken = Placement.objects.filter(
        posting=posting, status__in=[Placement.Status.PROPOSED, Placement.Status.ACCEPTED]
    ).values("person_id")
    seekers = seekers.exclude(person_id__in=taken)
    completed = TrainingAttendance.objects.filter(completed=True)
    certified = completed.exclude(certificate_no="")
    if posting.certificate:  # the certificate the post asks for; a post that asks for none counts any
        certified = certified.filter(training__certificate=posting.certificate)
    group_ids = set(seekers.order_by().values_list("village_group_id", flat=True).distinct())
    paths = dict(Region.objects.filter(pk__in=group_ids).values_list("pk", "path"))
    by_distance: dict[int, list[int]] = {}
    for pk, path in paths.items():
        by_distance.setdefault(_distance(path, posting.region.path), []).append(pk)
    one, zero = Value(1), Value(0)
    matched = [
        Case(When(skills_padded__contains=f",{skill},", then=one), default=zero) for skill in sorted(posting.skill_set)
    ]
    # The ranking runs in the database (a top-N sort), so only the ``limit`` best rows travel.
    ranked = (
        seekers.annotate(
            # the register's stored decision (LandlessStatus), read once into an index of the landless households
            landless=Case(When(household_id__in=landless_household_ids(), then=one), default=zero),
            skills_padded=Concat(Value(","), F("skills"), Value(","), output_field=CharField()),
        )
        .annotate(
            skills_matched=sum(matched[1:], matched[0]) if matched else zero,
            certified=Case(When(person_id__in=certified.values("person_id"), then=one), default=zero),
            trained=Case(When(person_id__in=completed.values("person_id"), then=one), default=zero),
            distance=Case(
                *[When(village_group_id__in=ids, then=Value(d)) for d, ids in sorted(by_distance.items())],
                default=Value(3),
            ),
        )
        .order_by("-landless", "-skills_matched", "-certified", "-trained", "distance", "person_id")
        .values_list("person_id", "landless", "skills_matched", "certified", "trained", "distance")[:limit]
    )
    best = list(ranked)
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[row[0] for row in best]).select_related("household__village_group")
    }
    result = []
    for person_id, is_landless, skills_matched, is_certified, is_trained, distance in best:
        person = people[person_id]
        result.append(
            Candidate(
                person_id=person_id,
                name=person.name,
                village_group=person.household.village_group.name,
                age=age_on(person.birth_date, today),
                landless=bool(is_landless),
                skills_matched=skills_matched,
                certificate=bool(is_certified),
                trained=bool(is_trained),
                distance=distance,
            )
        )
    return result
