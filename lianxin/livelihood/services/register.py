"""Keeping the landless-farmer register's stored decision (``LandlessStatus``, 失地农民认定结果) up to date.

The decision itself is the register's one GROUP BY over the land ledger (``selectors.register``); this module
runs it for the households a write touched, or for every household when a rule changes, and stores the result.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from lianxin.core.sql import any_of
from lianxin.people.models import Household, Person

from ..models import JobSeeker, LandlessStatus
from ..selectors.register import grouped_figures, grouped_landless, rule_on, rules

CHUNK = 5000


def landless_status_refresh(*, household_ids: Iterable[int] | None = None) -> int:
    """Decide again whether these households (every household when None) count as landless under the rule in force
    on their acquisition date, and store it: a row per household with land taken, none for the others. Returns the
    number of households stored as landless among them."""
    all_rules = rules()
    if household_ids is None:
        chunks: list[list[int] | None] = [None]
    else:
        ids = sorted(set(household_ids))
        chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    landless_count = 0
    with transaction.atomic():
        for chunk in chunks:
            households = (
                Household.objects.all()
                if chunk is None
                else Household.objects.filter(pk__in=any_of(chunk, integers=True))
            )
            rows = (
                grouped_figures(households)
                .filter(s__gt=0)
                .values_list("household_id", "s", "acquired_on", "contracted", "p")
            )
            landless = set(grouped_landless(households, all_rules).values_list("household_id", flat=True))
            landless_count += len(landless)
            now = timezone.now()
            statuses = [
                LandlessStatus(
                    household_id=household_id,
                    is_landless=household_id in landless,
                    rule=rule_on(acquired_on, all_rules),
                    lost100=lost100,
                    contracted_area_mu=contracted,
                    persons=persons or 0,
                    acquired_on=acquired_on,
                    updated_at=now,
                )
                for household_id, lost100, acquired_on, contracted, persons in rows
            ]
            # Replace the chunk's rows: a household no longer with land taken loses its row.
            stale = LandlessStatus.objects.all()
            if chunk is not None:
                stale = stale.filter(household__in=any_of(chunk, integers=True))
            stale.delete()
            LandlessStatus.objects.bulk_create(statuses, batch_size=1000)
    return landless_count


def job_seeker_copies_refresh(*, household_ids: Iterable[int]) -> None:
    """Copy again the household and birth date of the job seekers living in these households (a person moved in,
    or a resident ID corrected): the matching reads them from the seeker's own row."""
    ids = sorted(set(household_ids))
    person = Person.objects.filter(pk=OuterRef("person_id"))
    for start in range(0, len(ids), CHUNK):
        JobSeeker.objects.filter(person__household__in=any_of(ids[start : start + CHUNK], integers=True)).update(
            household_id=Subquery(person.values("household_id")[:1]),
            birth_date=Subquery(person.values("birth_date")[:1]),
        )


def landless_status_keep(household_ids: set[int]) -> None:
    """The ``core.household_changes`` keeper: the land or people app changed these households."""
    landless_status_refresh(household_ids=household_ids)
    job_seeker_copies_refresh(household_ids=household_ids)
