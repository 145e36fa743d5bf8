"""The landless-farmer register (失地农民花名册), derived from the land ledger, never typed.

For each household with land taken (a holding under a signed agreement): the contracted area (``ContractRight``),
the mu lost (shares of parcels under agreements), the share lost, the land left per registered person, and the
acquisition date (its latest agreement). The rule in force on that date (``LandlessRule``) says whether it
counts. The decision is one SQL statement (``grouped_landless``: a GROUP BY over the holdings), run by
``services.landless_status_refresh`` whenever the land or people services change a household or a rule changes,
and stored per household (``LandlessStatus``); the page, the export, the API, the matching ("landless first")
and the figures read that stored flag, so they agree and cost an indexed lookup.

To stay exact on both databases (SQLite keeps decimals as doubles, and integer columns divide as integers),
the SQL only multiplies: ``lost100`` is 100 × mu lost, and the thresholds are compared as
``contracted×100 − lost100 < max_mu × 100 × members`` and ``lost100 ≥ min_percent × contracted``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from lianxin.core.permissions import scope_to_user
from lianxin.land.models import ContractHolding
from lianxin.people.models import Household, Person

from ..models import LandlessRule, LandlessStatus

AREA_STEP = Decimal("0.01")
_DEC = DecimalField(max_digits=20, decimal_places=4)


def rules() -> list[LandlessRule]:
    return list(LandlessRule.objects.order_by("valid_from", "pk"))


def rule_on(day: date | None, all_rules: list[LandlessRule] | None = None) -> LandlessRule | None:
    """The rule in force on ``day`` (ranges never overlap: the service refuses that)."""
    if day is None:
        return None
    for rule in all_rules if all_rules is not None else rules():
        if rule.valid_from <= day and (rule.valid_to is None or day <= rule.valid_to):
            return rule
    return None


def _rule_window(rule: LandlessRule) -> Q:
    q = Q(acquired_on__gte=rule.valid_from)
    if rule.valid_to is not None:
        q &= Q(acquired_on__lte=rule.valid_to)
    return q


def _stored(households: QuerySet[Household]) -> QuerySet:
    """``households`` annotated with their stored register figures (``LandlessStatus``): ``lost100``,
    ``contracted``, ``persons``, ``acquired_on``, ``rule_id`` (the rule in force then, or None) and ``landless``."""
    return households.annotate(
        lost100=F("landless_status__lost100"),
        contracted=F("landless_status__contracted_area_mu"),
        persons=F("landless_status__persons"),
        acquired_on=F("landless_status__acquired_on"),
        rule_id=F("landless_status__rule_id"),
        landless=F("landless_status__is_landless"),
    )


def affected_households(households: QuerySet[Household]) -> QuerySet:
    """``households`` with land taken, annotated with their stored figures (see ``_stored``)."""
    return _stored(households.filter(landless_status__isnull=False))


def grouped_figures(households) -> QuerySet:
    """One row per household with land taken, from its holdings under agreements (one GROUP BY, each aggregate
    computed once): ``s`` = 100 × mu lost, the acquisition date (the latest agreement covering its land), the
    contracted area and ``p``, the household's persons (an indexed count per group)."""
    persons = (
        Person.objects.filter(household=OuterRef("household_id"))
        .order_by()
        .values("household")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        ContractHolding.objects.filter(agreement__isnull=False, household__in=households)
        .order_by()
        .values("household_id")
        .annotate(
            s=Sum(ExpressionWrapper(F("parcel__area_mu") * F("share_percent"), _DEC)),
            acquired_on=Max("agreement__signed_on"),
            contracted=Max("household__contract_right__contracted_area_mu"),
            p=Coalesce(Subquery(persons, output_field=IntegerField()), 0),
        )
    )


def grouped_rule_met(rule: LandlessRule) -> Q:
    # No Q(pk__in=[]) seed here: a pk in HAVING would join the GROUP BY (one group per holding).
    parts = []
    if rule.max_mu_per_person is not None:
        # contracted × 100 − lost100 < X × 100 × persons
        parts.append(Q(left100__lt=ExpressionWrapper(F("p") * Value(rule.max_mu_per_person * 100), _DEC)))
    if rule.min_share_lost_percent is not None:
        parts.append(Q(s__gte=ExpressionWrapper(F("contracted") * Value(rule.min_share_lost_percent), _DEC)))
    return reduce(operator.or_, parts)


def grouped_landless(households, all_rules: list[LandlessRule]) -> QuerySet:
    qs = grouped_figures(households).annotate(left100=ExpressionWrapper(F("contracted") * Value(100) - F("s"), _DEC))
    if not all_rules:
        return qs.none()
    conditions = [
        _rule_window(rule) & Q(contracted__isnull=False, s__gt=0) & grouped_rule_met(rule) for rule in all_rules
    ]
    return qs.filter(reduce(operator.or_, conditions))


def landless_household_ids(*, households=None) -> QuerySet:
    """The pks of landless households among ``households`` (all when None; the callers narrow what they show),
    as a subquery over the stored decision (``LandlessStatus``)."""
    qs = LandlessStatus.objects.filter(is_landless=True)
    if households is not None:
        qs = qs.filter(household__in=households)
    return qs.values("household_id")


def register(
    *,
    user,
    village_group=None,
    status: str = "landless",
    q: str = "",
    aggregate: bool = False,
) -> QuerySet:
    """Households on the register within the user's scope (``status`` "landless"; "affected" for every household
    with land taken; "not_landless" for those the rule does not count), with their stored figures."""
    households = scope_to_user(Household.objects.all(), user, aggregate=aggregate)
    if village_group is not None:
        households = households.filter(village_group=village_group)
    if q:
        households = households.filter(number__icontains=q)
    if status == "landless":
        chosen = households.filter(landless_status__is_landless=True)
    elif status == "not_landless":
        chosen = households.filter(landless_status__is_landless=False)
    else:
        chosen = households.filter(landless_status__isnull=False)
    return _stored(chosen).select_related("village_group", "village_group__parent")


@dataclass
class RegisterRow:
    household: Household
    mu_lost: Decimal
    contracted: Decimal | None
    remaining: Decimal | None
    members: int
    per_person: Decimal | None
    share_lost_percent: Decimal | None
    acquired_on: date | None
    rule: LandlessRule | None
    landless: bool


def row_of(household, rule_by_id: dict[int, LandlessRule]) -> RegisterRow:
    """The figures of one annotated household, rounded for display (the SQL decided who counts)."""
    lost = (Decimal(household.lost100) / 100).quantize(AREA_STEP, rounding=ROUND_HALF_UP)
    contracted = household.contracted
    remaining = max(contracted - lost, Decimal("0")) if contracted is not None else None
    per_person = (
        (remaining / household.persons).quantize(AREA_STEP, rounding=ROUND_HALF_UP)
        if remaining is not None and household.persons
        else None
    )
    share = (
        (lost * 100 / contracted).quantize(AREA_STEP, rounding=ROUND_HALF_UP)
        if contracted is not None and contracted > 0
        else None
    )
    return RegisterRow(
        household=household,
        mu_lost=lost,
        contracted=contracted,
        remaining=remaining,
        members=household.persons,
        per_person=per_person,
        share_lost_percent=share,
        acquired_on=household.acquired_on,
        rule=rule_by_id.get(household.rule_id),
        landless=bool(household.landless),
    )


def register_rows(households) -> list[RegisterRow]:
    by_id = {rule.pk: rule for rule in rules()}
    return [row_of(h, by_id) for h in households]


def household_entry(*, user, household: Household) -> RegisterRow | None:
    """One household's register figures (None when no land was taken), the household already scoped."""
    h = affected_households(Household.objects.filter(pk=household.pk)).first()
    return register_rows([h])[0] if h is not None else None


def mu_lost_by_project(household: Household) -> list[dict]:
    """Mu lost per project (shares of parcels under agreements), for the household's page."""
    rows = (
        ContractHolding.objects.filter(household=household, agreement__isnull=False)
        .values("parcel__project_id", "parcel__project__name")
        .annotate(lost100=Sum(ExpressionWrapper(F("parcel__area_mu") * F("share_percent"), _DEC)))
        .order_by("parcel__project__name")
    )
    return [
        {
            "project": row["parcel__project__name"],
            "mu_lost": (Decimal(row["lost100"]) / 100).quantize(AREA_STEP, rounding=ROUND_HALF_UP),
        }
        for row in rows
    ]


@dataclass
class PersonEntry:
    person: Person
    age_at_acquisition: int | None
    working_age: bool


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_working_age(person: Person, day: date, rule: LandlessRule | None) -> bool:
    age = age_on(person.birth_date, day)
    low = rule.working_age_from if rule else 16
    if person.gender == Person.Gender.FEMALE:
        high = rule.working_age_to_female if rule else 55
    else:
        high = rule.working_age_to_male if rule else 60
    return low <= age < high


def persons_of(entry: RegisterRow, *, today: date) -> list[PersonEntry]:
    """The household's persons with their age on the acquisition date and whether they are of working age now."""
    result = []
    for person in entry.household.members.order_by("pk"):
        age = age_on(person.birth_date, entry.acquired_on) if entry.acquired_on else None
        result.append(
            PersonEntry(person=person, age_at_acquisition=age, working_age=is_working_age(person, today, entry.rule))
        )
    return result


def working_age_birth_bounds(day: date, rule: LandlessRule | None) -> tuple[Q, Q]:
    """Filters on ``birth_date`` for men and women of working age on ``day`` (for SQL counts)."""
    low = rule.working_age_from if rule else 16
    male_high = rule.working_age_to_male if rule else 60
    female_high = rule.working_age_to_female if rule else 55

    def years_before(years: int) -> date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February
            return day.replace(year=day.year - years, day=28)

    male = Q(gender=Person.Gender.MALE, birth_date__lte=years_before(low), birth_date__gt=years_before(male_high))
    female = Q(gender=Person.Gender.FEMALE, birth_date__lte=years_before(low), birth_date__gt=years_before(female_high))
    return male, female


def landless_persons(*, user, aggregate: bool = False) -> QuerySet[Person]:
    """Persons of landless households within the user's scope."""
    households = scope_to_user(Household.objects.all(), user, aggregate=aggregate)
    return Person.objects.filter(household__in=landless_household_ids(households=households))
