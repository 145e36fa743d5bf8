"""The landless-farmer register (失地农民花名册), derived from the land ledger, never typed.

For each household with land taken (a holding under a signed agreement): the contracted area (``ContractRight``),
the mu lost (shares of parcels under agreements), the share lost, the land left per registered person, and the
acquisition date (its latest agreement). The rule in force on that date (``LandlessRule``) says whether it
counts. Everything is one SQL statement over indexed subqueries, so the page, the export, the API, the
matching ("landless first") and the figures read the same definition and follow a new agreement at once.

To stay exact on both databases (SQLite keeps decimals as doubles, and integer columns divide as integers),
the SQL only multiplies: ``lost100`` is 100 × mu lost, and the thresholds are compared as
``contracted×100 − lost100 < max_mu × 100 × members`` and ``lost100 ≥ min_percent × contracted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
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
    When,
)
from django.db.models.functions import Coalesce

from lianxin.core.permissions import scope_to_user
from lianxin.land.models import Agreement, ContractHolding
from lianxin.people.models import Household, Person

from ..models import LandlessRule

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


def _rule_met(rule: LandlessRule) -> Q:
    met = Q(pk__in=[])
    if rule.max_mu_per_person is not None:
        met |= Q(remaining100__lt=ExpressionWrapper(F("persons") * Value(rule.max_mu_per_person * 100), _DEC))
    if rule.min_share_lost_percent is not None:
        met |= Q(lost100__gte=ExpressionWrapper(F("contracted") * Value(rule.min_share_lost_percent), _DEC))
    return met


def affected_households(households: QuerySet[Household], all_rules: list[LandlessRule] | None = None) -> QuerySet:
    """``households`` with land taken, annotated: ``lost100``, ``contracted``, ``persons``, ``acquired_on``,
    ``rule_id`` (the rule in force then, or None) and ``landless``."""
    all_rules = rules() if all_rules is None else all_rules
    lost = (
        ContractHolding.objects.filter(household=OuterRef("pk"), agreement__isnull=False)
        .order_by()
        .values("household")
        .annotate(s=Sum(ExpressionWrapper(F("parcel__area_mu") * F("share_percent"), _DEC)))
        .values("s")
    )
    acquired = (
        Agreement.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(d=Max("signed_on"))
        .values("d")
    )
    members = (
        Person.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("*"))
        .values("n")
    )
    qs = households.annotate(
        lost100=Subquery(lost, output_field=_DEC),
        acquired_on=Subquery(acquired),
        persons=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        contracted=F("contract_right__contracted_area_mu"),
    ).filter(lost100__gt=0)
    qs = qs.annotate(
        remaining100=ExpressionWrapper(F("contracted") * Value(100) - F("lost100"), _DEC),
    )
    rule_cases = [When(_rule_window(rule), then=Value(rule.pk)) for rule in all_rules]
    landless_cases = [
        When(_rule_window(rule) & Q(contracted__isnull=False) & _rule_met(rule), then=Value(True)) for rule in all_rules
    ]
    return qs.annotate(
        rule_id=Case(*rule_cases, default=Value(None), output_field=IntegerField())
        if rule_cases
        else Value(None, output_field=IntegerField()),
        landless=Case(*landless_cases, default=Value(False), output_field=BooleanField())
        if landless_cases
        else Value(False, output_field=BooleanField()),
    )


def landless_q(all_rules: list[LandlessRule] | None = None) -> Q:
    """The register's condition as a filter over ``affected_households``: one rule window and its threshold."""
    all_rules = rules() if all_rules is None else all_rules
    q = Q(pk__in=[])
    for rule in all_rules:
        q |= _rule_window(rule) & Q(contracted__isnull=False) & _rule_met(rule)
    return q


def landless_household_ids(*, all_rules: list[LandlessRule] | None = None, households=None) -> QuerySet:
    """The pks of landless households (unscoped; the callers narrow what they show) as a subquery."""
    base = households if households is not None else Household.objects.all()
    return affected_households(base, all_rules).filter(landless_q(all_rules)).values("pk")


def register(
    *,
    user,
    village_group=None,
    status: str = "landless",
    q: str = "",
    aggregate: bool = False,
) -> QuerySet:
    """Households on the register within the user's scope (``status`` "landless"; "affected" for every household
    with land taken; "not_landless" for those the rule does not count), the newest household first."""
    all_rules = rules()
    households = scope_to_user(Household.objects.all(), user, aggregate=aggregate)
    if village_group is not None:
        households = households.filter(village_group=village_group)
    if q:
        households = households.filter(number__icontains=q)
    qs = affected_households(households, all_rules)
    if status == "landless":
        qs = qs.filter(landless_q(all_rules))
    elif status == "not_landless":
        qs = qs.exclude(landless_q(all_rules))
    return qs.select_related("village_group", "village_group__parent")


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
