"""Income before and after (收入不减少): each household's yearly survey against its baseline, in money or in real
terms (the yearly price index), the alert list of households worse off, and figures per village group."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from lianxin.core.permissions import scope_to_user
from lianxin.people.models import Household

from ..models import ContactTask, FollowUp, IncomeSurvey, PriceIndex

_DEC = DecimalField(max_digits=24, decimal_places=4)
PERCENT = Decimal("0.1")


def price_indices() -> dict[int, Decimal]:
    return dict(PriceIndex.objects.values_list("year", "index"))


def survey_years(*, user, aggregate: bool = False) -> list[int]:
    qs = scope_to_user(IncomeSurvey.objects.filter(kind=IncomeSurvey.Kind.YEARLY), user, aggregate=aggregate)
    return sorted(set(qs.values_list("year", flat=True).order_by()), reverse=True)


def latest_year(*, user, aggregate: bool = False) -> int | None:
    qs = scope_to_user(IncomeSurvey.objects.filter(kind=IncomeSurvey.Kind.YEARLY), user, aggregate=aggregate)
    return qs.aggregate(y=Max("year"))["y"]


def _index_case(column: str, indices: dict[int, Decimal]):
    return Case(
        *[When(**{column: year}, then=Value(index)) for year, index in indices.items()],
        default=Value(None),
        output_field=_DEC,
    )


def compared(*, user, year: int, real: bool = False, aggregate: bool = False, village_group=None) -> QuerySet:
    qs, worse = _compared(user=user, year=year, real=real, aggregate=aggregate, village_group=village_group)
    return qs.annotate(worse=Case(When(worse, then=Value(True)), default=Value(False)))


def _compared(*, user, year: int, real: bool, aggregate: bool, village_group) -> tuple[QuerySet, Q]:
    """The yearly surveys of ``year`` in scope, annotated with the household's baseline (``before``, ``base_year``)
    and ``worse`` (income below the baseline; in real terms, both deflated by the price index — a year without an
    index is then not judged). Households without a baseline are left out."""
    # The baseline joined (one row per household, a partial unique index), not a subquery per reference.
    baseline = FilteredRelation(
        "household__income_surveys", condition=Q(household__income_surveys__kind=IncomeSurvey.Kind.BASELINE)
    )
    qs = scope_to_user(
        IncomeSurvey.objects.filter(kind=IncomeSurvey.Kind.YEARLY, year=year), user, aggregate=aggregate
    ).annotate(baseline=baseline, before=F("baseline__total"), base_year=F("baseline__year"))
    if village_group is not None:
        qs = qs.filter(village_group=village_group)
    qs = qs.filter(before__isnull=False)
    if real:
        indices = price_indices()
        if year not in indices:
            return qs.none(), Q(pk__in=[])
        qs = qs.annotate(base_index=_index_case("base_year", indices)).filter(base_index__isnull=False)
        # after / index[year] < before / index[base]  ⇔  after × index[base] < before × index[year]
        worse = Q(
            after_scaled__lt=ExpressionWrapper(F("before") * Value(indices[year]), output_field=_DEC),
        )
        qs = qs.annotate(after_scaled=ExpressionWrapper(F("total") * F("base_index"), output_field=_DEC))
    else:
        worse = Q(total__lt=F("before"))
    return qs, worse


def alert_list(*, user, year: int, real: bool = False, village_group=None, show: str = "") -> QuerySet:
    """Households whose income of ``year`` fell below their baseline (收入下降预警), with any follow-up already
    registered, the largest fall first; ``show`` "not_worse": those whose income did not fall, "all": every household
    surveyed and compared that year."""
    from lianxin.party.models import MemberHouseholdLink

    follow_up = FollowUp.objects.filter(household=OuterRef("household"), year=year)
    contact = MemberHouseholdLink.objects.filter(household=OuterRef("household"), until__isnull=True)
    task = ContactTask.objects.filter(household=OuterRef("household"), year=year)
    qs, worse = _compared(user=user, year=year, real=real, aggregate=False, village_group=village_group)
    return (
        (qs.filter(worse) if not show else qs.exclude(worse) if show == "not_worse" else qs)
        .annotate(
            follow_up_case_id=Subquery(follow_up.values("case_id")[:1]),
            follow_up_case_number=Subquery(follow_up.values("case__number")[:1]),
            contact_member_name=Subquery(contact.values("member__person__name")[:1]),
            contact_task_status=Subquery(task.values("status")[:1]),
            contact_task_member_name=Subquery(task.values("member__person__name")[:1]),
            fall=ExpressionWrapper(F("before") - F("total"), output_field=_DEC),
        )
        .select_related("household", "village_group", "village_group__parent")
        .order_by("-fall", "household_id")
    )


@dataclass
class Comparison:
    year: int
    before: Decimal
    after: Decimal
    base_year: int
    real_after: Decimal | None = None

    @property
    def change_percent(self) -> Decimal | None:
        if not self.before:
            return None
        return ((self.after - self.before) * 100 / self.before).quantize(PERCENT, rounding=ROUND_HALF_UP)

    @property
    def worse_off(self) -> bool:
        return self.after < self.before


def comparison_for(*, household: Household, year: int) -> Comparison | None:
    """One household's income of ``year`` against its baseline (None when either survey is missing)."""
    rows = {s.year: s for s in IncomeSurvey.objects.filter(household=household)}
    baseline = next((s for s in rows.values() if s.kind == IncomeSurvey.Kind.BASELINE), None)
    survey = rows.get(year)
    if baseline is None or survey is None or survey.kind != IncomeSurvey.Kind.YEARLY:
        return None
    return Comparison(year=year, before=baseline.total, after=survey.total, base_year=baseline.year)


@dataclass
class HouseholdIncome:
    baseline: IncomeSurvey | None
    years: list[tuple[int, IncomeSurvey | None, Comparison | None, Decimal | None]] = field(default_factory=list)


def household_income(*, household: Household) -> HouseholdIncome:
    """The baseline and every year after it up to the last survey — a year never surveyed shows as a gap (None),
    with the real-terms value where both years have a price index."""
    surveys = {s.year: s for s in IncomeSurvey.objects.filter(household=household).order_by("year")}
    baseline = next((s for s in surveys.values() if s.kind == IncomeSurvey.Kind.BASELINE), None)
    result = HouseholdIncome(baseline=baseline)
    if baseline is None:
        return result
    last = max(surveys)
    indices = price_indices()
    for year in range(baseline.year + 1, last + 1):
        survey = surveys.get(year)
        comparison = comparison_for(household=household, year=year) if survey else None
        real = None
        if survey is not None and year in indices and baseline.year in indices:
            real = (survey.total * indices[baseline.year] / indices[year]).quantize(Decimal("0.01"))
        result.years.append((year, survey, comparison, real))
    return result


@dataclass
class GroupIncome:
    name: str
    households: int
    not_worse: int
    median_before: Decimal | None
    median_after: Decimal | None

    @property
    def not_worse_percent(self) -> Decimal:
        if not self.households:
            return Decimal("0")
        return (Decimal(self.not_worse) * 100 / self.households).quantize(PERCENT, rounding=ROUND_HALF_UP)


BANDS = [Decimal(v) for v in ("10000", "20000", "30000", "50000", "80000")]


def _median(values: list[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(values)).quantize(Decimal("0.01")) if values else None


def income_figures(*, user, year: int, real: bool = False, aggregate: bool = False) -> dict:
    """Per village group and for the whole scope: households compared, the share not worse off (收入不减少的户
    占比), median income before and after, and the distribution of incomes after by band."""
    rows = list(
        compared(user=user, year=year, real=real, aggregate=aggregate).values_list(
            "village_group__parent__name", "village_group__name", "before", "total", "worse"
        )
    )
    groups: dict[str, list] = {}
    for village, group, before, after, worse in rows:
        groups.setdefault(f"{village} {group}", []).append((Decimal(before), Decimal(after), worse))

    def summary(name: str, items: list) -> GroupIncome:
        return GroupIncome(
            name=name,
            households=len(items),
            not_worse=sum(1 for _b, _a, worse in items if not worse),
            median_before=_median([b for b, _a, _w in items]),
            median_after=_median([a for _b, a, _w in items]),
        )

    per_group = [summary(name, items) for name, items in sorted(groups.items())]
    everyone = [item for items in groups.values() for item in items]
    labels = []
    counts = []
    lower = Decimal("0")
    for upper in [*BANDS, None]:
        labels.append(f"{int(lower / 10000)}–{int(upper / 10000)}万" if upper else f"{int(lower / 10000)}万以上")
        counts.append(sum(1 for _b, a, _w in everyone if a >= lower and (upper is None or a < upper)))
        lower = upper or lower
    return {"groups": per_group, "total": summary("", everyone), "bands": {"labels": labels, "counts": counts}}


def contact_task_get(*, user, pk: int) -> ContactTask:
    """A contact member's follow-up: their own (through their account) or one in the user's scope; else 404."""
    from django.http import Http404

    from lianxin.core.permissions import get_scoped_or_404

    base = ContactTask.objects.select_related(
        "household", "village_group", "village_group__parent", "member__person", "created_by"
    )
    own = base.filter(pk=pk, member__account=user).first() if user.is_authenticated else None
    if own is not None:
        return own
    if not user.has_perm("livelihood.view_contacttask"):
        raise Http404
    return get_scoped_or_404(base, user, pk=pk)


def contact_tasks_open(*, user) -> QuerySet[ContactTask]:
    """The follow-ups waiting for the user as a contact member (联户跟进), oldest first."""
    return ContactTask.objects.filter(member__account=user, status=ContactTask.Status.OPEN).order_by("created_at", "id")
