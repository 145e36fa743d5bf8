"""Households with land taken, rules, surveys and job seekers, built through the land and livelihood services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from lianxin.land import services as land_services
from lianxin.land.tests import factories as land_factories
from lianxin.people.models import Household, Person
from lianxin.people.tests import factories as people_factories
from lianxin.regions.models import Region

from .. import services
from ..models import LandlessRule

_sequence = itertools.count(1)


def rule(actor, *, valid_from=date(2000, 1, 1), valid_to=None, max_mu="0.30", min_percent="70", **kw) -> LandlessRule:
    return services.rule_save(
        actor=actor,
        name=kw.pop("name", f"认定标准{next(_sequence)}"),
        valid_from=valid_from,
        valid_to=valid_to,
        max_mu_per_person=Decimal(max_mu) if max_mu is not None else None,
        min_share_lost_percent=Decimal(min_percent) if min_percent is not None else None,
        **kw,
    )


def household_with_land(
    group: Region, *, members: int = 2, contracted: str | None = "10", births=None, number: str = ""
) -> Household:
    household = people_factories.household(group, number=number or f"L{next(_sequence):05d}")
    for index in range(members):
        birth = (births or [])[index] if births and index < len(births) else date(1980, 1, 1) + timedelta(days=index)
        people_factories.person(
            household,
            name=f"成员{index}",
            relation=Person.Relation.HEAD if index == 0 else Person.Relation.CHILD,
            resident_id=people_factories.resident_id(birth=birth),
        )
    if contracted is not None:
        land_services.contract_right_set(household=household, contracted_area_mu=Decimal(contracted))
    return household


def take_land(project, household: Household, actor, *, mu: str, signed_on: date | None = None):
    """One parcel of ``mu`` held wholly by the household, under a signed agreement."""
    parcel = land_factories.parcel(project, household.village_group, area_mu=mu)
    holding = land_factories.holding(parcel, household)
    return land_factories.agreement(
        project, household, [holding], actor, signed_on=signed_on or timezone.localdate() - timedelta(days=10)
    )
