from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.regions.models import Region
from lianxin.regions.selectors import park_village_ids

from .identity import name_normalize, resident_id_digests, resident_id_parse
from .models import Household, Person


def _region_filter(qs: QuerySet, region: Region | None, in_park: bool, lookup: str) -> QuerySet:
    """A village group (or a village: its subtree) and the park's villages, over the ``lookup`` to the
    row's village group."""
    if region is not None:
        if region.level == Region.Level.VILLAGE_GROUP:
            qs = qs.filter(**{f"{lookup}_id": region.pk})
        else:
            qs = qs.filter(**{f"{lookup}__path__startswith": region.path})
    if in_park:
        ids = park_village_ids()
        if ids is not None:
            qs = qs.filter(**{f"{lookup}__parent_id__in": ids})
    return qs


def household_list(
    *,
    user,
    village_group_id: int | None = None,
    q: str = "",
    region: Region | None = None,
    in_park: bool = False,
) -> QuerySet[Household]:
    """Households in the user's jurisdiction, with group and village joined and the member count;
    ``region`` a village group or a village (its groups), ``in_park`` the groups of the park's villages."""
    qs = scope_to_user(Household.objects.select_related("village_group__parent"), user)
    if village_group_id:
        qs = qs.filter(village_group_id=village_group_id)
    qs = _region_filter(qs, region, in_park, "village_group")
    if q:
        qs = qs.filter(Q(number__icontains=q.strip()) | Q(address__icontains=q.strip()))
    return qs.annotate(member_count=Count("members"))


def household_get(*, user, pk: int) -> Household:
    return get_scoped_or_404(Household.objects.select_related("village_group__parent"), user, pk=pk)


def person_list(
    *,
    user,
    q: str = "",
    village_group_id: int | None = None,
    ethnicity: str = "",
    gender: str = "",
    region: Region | None = None,
    in_park: bool = False,
) -> QuerySet[Person]:
    """Persons in the user's jurisdiction. ``q`` is a name fragment or a full resident ID (found via its blind index)."""
    qs = scope_to_user(Person.objects.select_related("household__village_group__parent"), user)
    q = (q or "").strip()
    if q:
        try:
            parsed = resident_id_parse(q)
        except ValidationError:  # not a resident ID: treat as a name
            qs = qs.filter(name__icontains=name_normalize(q))
        else:
            qs = qs.filter(resident_id_digest__in=resident_id_digests(parsed.number))
    if village_group_id:
        qs = qs.filter(household__village_group_id=village_group_id)
    if ethnicity:
        qs = qs.filter(ethnicity=ethnicity)
    if gender:
        qs = qs.filter(gender=gender)
    return _region_filter(qs, region, in_park, "household__village_group")


def person_get(*, user, pk: int) -> Person:
    return get_scoped_or_404(Person.objects.select_related("household__village_group__parent"), user, pk=pk)


def household_members(*, household: Household) -> QuerySet[Person]:
    """Members in the order of a household register (户口簿): the head, spouse, children, … then by age."""
    # Relation values sort alphabetically as "child" < "head"; rank them in the order the choices declare.
    rank = Case(
        *(When(relation=value, then=Value(i)) for i, value in enumerate(Person.Relation.values)),
        default=Value(len(Person.Relation.values)),
        output_field=IntegerField(),
    )
    return household.members.order_by(rank, "birth_date", "pk")
