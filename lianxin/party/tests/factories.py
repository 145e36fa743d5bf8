"""Organisations, members and pipelines built through the Party services (as an all-powerful actor)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from lianxin.people.models import Person
from lianxin.people.tests import factories as people_factories
from lianxin.regions.models import Region

from .. import services
from ..models import Member, Organization

_sequence = itertools.count(1)
LONG_AGO = date(2000, 1, 1)


def committee(actor, town: Region, name: str = "示例镇党委", founded_on: date = LONG_AGO) -> Organization:
    return services.organization_create(
        actor=actor, name=name, kind=Organization.Kind.COMMITTEE, parent=None, region=town, founded_on=founded_on
    )


def branch(
    actor,
    parent: Organization,
    region: Region,
    name: str = "",
    *,
    kind: str = Organization.Kind.BRANCH,
    groups=(),
    founded_on: date = LONG_AGO,
    reason: str = "",
    **kwargs,
) -> Organization:
    return services.organization_create(
        actor=actor,
        name=name or f"党支部{next(_sequence)}",
        kind=kind,
        parent=parent,
        region=region,
        founded_on=founded_on,
        covered_groups=list(groups),
        founding_reason=reason or ("执行项目任务" if kind == Organization.Kind.TEMPORARY_BRANCH else ""),
        **kwargs,
    )


def person(group: Region, name: str = "", birth: date = date(1980, 5, 17), male: bool = True, **kwargs) -> Person:
    household = people_factories.household(group)
    return people_factories.person(
        household,
        name=name or f"党员{next(_sequence)}",
        male=male,
        resident_id=people_factories.resident_id(birth=birth, male=male),
        **kwargs,
    )


def member(
    actor,
    organization: Organization,
    group: Region,
    *,
    name: str = "",
    stage: str = Member.Stage.FULL,
    joined_on: date | None = None,
    birth: date = date(1970, 3, 1),
    **details,
) -> Member:
    """A member on the books: full members joined ten years ago, probationary ones half a year ago."""
    today = timezone.localdate()
    if joined_on is None:
        joined_on = date(today.year - 10, 3, 1) if stage == Member.Stage.FULL else today - timedelta(days=180)
    full_on = None
    if stage == Member.Stage.FULL:
        from ..rules import add_years

        full_on = add_years(joined_on, 1)
    created, _warnings = services.member_register(
        actor=actor,
        person=person(group, name=name, birth=birth),
        organization=organization,
        stage=stage,
        joined_on=joined_on,
        full_on=full_on,
        **details,
    )
    return created


def vote(should: int = 9, attended: int = 8, yes: int = 7, no: int = 1, abstain: int = 0, written: int = 0):
    from ..rules import Vote

    return Vote(should_attend=should, attended=attended, yes=yes, no=no, abstain=abstain, written=written)


def dec(value) -> Decimal:
    return Decimal(str(value))
