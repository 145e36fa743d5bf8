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


def intensive_training(actor, organization, start: date, members, days: int = 3, hours: str = "8") -> None:
    """``days`` days of the committee's intensive training for candidates, attended by ``members``."""
    from ..models import Activity, Attendance

    for day in range(days):
        services.activity_record(
            actor=actor,
            organization=organization,
            kind=Activity.Kind.TRAINING,
            title=f"发展对象集中培训第{day + 1}天",
            held_on=start + timedelta(days=day),
            place="镇党校",
            hours=Decimal(hours),
            intensive_training=True,
            attendance=[(m, Attendance.Status.PRESENT, "") for m in members],
        )


def activist(
    actor, branch: Organization, group: Region, contacts, *, designated: date, name: str = "积极分子"
) -> Member:
    """An activist designated on ``designated`` (applied seven months before, reviewed every five months)."""
    from ..models import Step
    from ..rules import add_months

    applied = add_months(designated, -7)
    member = services.pipeline_start(
        actor=actor, person=person(group, name=name, birth=date(1995, 6, 1)), organization=branch, applied_on=applied
    )
    record = services.pipeline_step_record
    record(actor=actor, member=member, step=Step.APPLICATION_TALK, on=applied + timedelta(days=10))
    record(actor=actor, member=member, step=Step.ACTIVIST_DESIGNATION, on=designated)
    record(actor=actor, member=member, step=Step.ACTIVIST_FILING, on=designated + timedelta(days=5))
    record(actor=actor, member=member, step=Step.CONTACTS, on=designated + timedelta(days=5), people=list(contacts)[:2])
    review = add_months(designated, 5)
    while review <= timezone.localdate():
        record(actor=actor, member=member, step=Step.ACTIVIST_REVIEW, on=review)
        review = add_months(review, 5)
    member.refresh_from_db()
    return member


def candidate_before_vote(actor, committee: Organization, branch: Organization, group: Region, veterans) -> Member:
    """A candidate who has been through everything up to the branch meeting (application form filled)."""
    from ..models import Step
    from ..rules import add_years

    today = timezone.localdate()
    designated = today - timedelta(days=520)
    member = activist(actor, branch, group, veterans, designated=designated, name="发展对象")
    record = services.pipeline_step_record
    candidate_on = add_years(designated, 1) + timedelta(days=5)
    record(actor=actor, member=member, step=Step.CANDIDATE_DESIGNATION, on=candidate_on, notice_from=candidate_on)
    filing = candidate_on + timedelta(days=20)
    record(actor=actor, member=member, step=Step.CANDIDATE_FILING, on=filing)
    record(actor=actor, member=member, step=Step.SPONSORS, on=filing + timedelta(days=2), people=list(veterans)[2:4])
    record(actor=actor, member=member, step=Step.POLITICAL_REVIEW, on=filing + timedelta(days=10), passed_review=True)
    intensive_training(actor, committee, filing + timedelta(days=12), [member])
    review = filing + timedelta(days=20)
    record(actor=actor, member=member, step=Step.COMMITTEE_REVIEW, on=review)
    record(
        actor=actor,
        member=member,
        step=Step.PRE_REVIEW,
        on=review + timedelta(days=2),
        notice_from=review + timedelta(days=2),
    )
    record(actor=actor, member=member, step=Step.APPLICATION_FORM, on=review + timedelta(days=3))
    member.refresh_from_db()
    return member
