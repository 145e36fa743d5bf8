"""The Party services against the database: the pipeline walked step by step (refusals naming their article),
training taken from attendance, stage and dates following the steps, organisations and their warnings,
coverage before and after a temporary branch, no double counting of seconded members, household contacts,
dues, the branch secretary's scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lianxin.core.errors import DomainError
from lianxin.party import selectors, services
from lianxin.party.models import Activity, Attendance, Member, MembershipTransfer, Organization, Step
from lianxin.party.rules import Vote, add_years

from . import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _full_members(actor, branch, group, n):
    return [factories.member(actor, branch, group, name=f"老党员{i}") for i in range(n)]


def _training(actor, organization, start, members, days=3, hours="8"):
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


def _walk_to_candidate(actor, branch, group, veterans, applied):
    """An applicant taken through the rules to candidate, returning the member and the candidate date."""
    person = factories.person(group, name="新同志", birth=date(1995, 6, 1))
    member = services.pipeline_start(actor=actor, person=person, organization=branch, applied_on=applied)
    record = services.pipeline_step_record
    record(actor=actor, member=member, step=Step.APPLICATION_TALK, on=applied + timedelta(days=10))
    designated = applied + timedelta(days=200)
    record(actor=actor, member=member, step=Step.ACTIVIST_DESIGNATION, on=designated)
    record(actor=actor, member=member, step=Step.ACTIVIST_FILING, on=designated + timedelta(days=5))
    record(actor=actor, member=member, step=Step.CONTACTS, on=designated + timedelta(days=5), people=veterans[:2])
    record(actor=actor, member=member, step=Step.ACTIVIST_REVIEW, on=designated + timedelta(days=150))
    record(actor=actor, member=member, step=Step.ACTIVIST_REVIEW, on=designated + timedelta(days=300))
    candidate = add_years(designated, 1) + timedelta(days=5)
    record(actor=actor, member=member, step=Step.CANDIDATE_DESIGNATION, on=candidate, notice_from=candidate)
    member.refresh_from_db()
    return member, candidate


def test_the_whole_pipeline_through_the_service(party_officer, township_committee, branch_a, group_a1):
    # given a branch of nine full members and an applicant of three years ago
    veterans = _full_members(party_officer, branch_a, group_a1, 9)
    applied = TODAY() - timedelta(days=1100)
    member, candidate = _walk_to_candidate(party_officer, branch_a, group_a1, veterans, applied)
    assert member.stage == Member.Stage.CANDIDATE
    record = services.pipeline_step_record
    filing = candidate + timedelta(days=20)
    record(actor=party_officer, member=member, step=Step.CANDIDATE_FILING, on=filing)
    record(actor=party_officer, member=member, step=Step.SPONSORS, on=filing + timedelta(days=2), people=veterans[2:4])
    record(
        actor=party_officer,
        member=member,
        step=Step.POLITICAL_REVIEW,
        on=filing + timedelta(days=10),
        passed_review=True,
    )

    # when the committee review comes before any training, it is refused with article 17
    with pytest.raises(DomainError, match="第十七条"):
        record(actor=party_officer, member=member, step=Step.COMMITTEE_REVIEW, on=filing + timedelta(days=12))

    # and once three days of intensive training are in the attendance, it goes through
    _training(party_officer, township_committee, filing + timedelta(days=13), [member])
    review = filing + timedelta(days=20)
    record(actor=party_officer, member=member, step=Step.COMMITTEE_REVIEW, on=review)
    record(
        actor=party_officer,
        member=member,
        step=Step.PRE_REVIEW,
        on=review + timedelta(days=2),
        notice_from=review + timedelta(days=2),
    )
    record(actor=party_officer, member=member, step=Step.APPLICATION_FORM, on=review + timedelta(days=3))
    vote_on = review + timedelta(days=20)

    # a vote of 4 yes out of 9 who should attend is refused with the rule; nothing is written
    with pytest.raises(DomainError, match="第二十一条"):
        record(actor=party_officer, member=member, step=Step.BRANCH_VOTE, on=vote_on, vote=Vote(9, 8, 4, 3, 1))
    assert not member.steps.filter(step=Step.BRANCH_VOTE).exists()

    result = record(actor=party_officer, member=member, step=Step.BRANCH_VOTE, on=vote_on, vote=Vote(9, 8, 7, 1, 0))
    assert result.step.outcome == "passed"
    record(actor=party_officer, member=member, step=Step.APPROVAL_TALK, on=vote_on + timedelta(days=10))
    approval = record(actor=party_officer, member=member, step=Step.APPROVAL, on=vote_on + timedelta(days=30))
    assert approval.step.organization == township_committee  # the higher committee approves
    member.refresh_from_db()
    assert member.stage == Member.Stage.PROBATIONARY
    assert member.joined_on == vote_on
    assert member.probation_ends_on == add_years(vote_on, 1)
    assert member.next_step == Step.APPROVAL_FILING

    # and the probation ends exactly a year from the vote
    for step, days in ((Step.APPROVAL_FILING, 35), (Step.ASSIGNMENT, 35), (Step.OATH, 36)):
        record(actor=party_officer, member=member, step=step, on=vote_on + timedelta(days=days))
    end = add_years(vote_on, 1)
    request = end - timedelta(days=20)
    record(actor=party_officer, member=member, step=Step.FULL_REQUEST, on=request, notice_from=request)
    with pytest.raises(DomainError, match="第三十二条"):
        record(
            actor=party_officer,
            member=member,
            step=Step.FULL_VOTE,
            on=end - timedelta(days=1),
            vote=Vote(9, 9, 9, 0, 0),
            outcome="passed",
        )
    record(actor=party_officer, member=member, step=Step.FULL_VOTE, on=end, vote=Vote(9, 9, 9, 0, 0), outcome="passed")
    record(actor=party_officer, member=member, step=Step.FULL_APPROVAL, on=end + timedelta(days=20))
    member.refresh_from_db()
    assert member.stage == Member.Stage.FULL
    assert member.full_on == end
    assert member.next_step == Step.ARCHIVING


def test_an_eleven_month_activist_is_refused_with_the_article(party_officer, branch_a, group_a1):
    veterans = _full_members(party_officer, branch_a, group_a1, 3)
    person = factories.person(group_a1, birth=date(1996, 1, 1))
    applied = TODAY() - timedelta(days=600)
    member = services.pipeline_start(actor=party_officer, person=person, organization=branch_a, applied_on=applied)
    record = services.pipeline_step_record
    record(actor=party_officer, member=member, step=Step.APPLICATION_TALK, on=applied + timedelta(days=5))
    designated = TODAY() - timedelta(days=335)
    record(actor=party_officer, member=member, step=Step.ACTIVIST_DESIGNATION, on=designated)
    record(actor=party_officer, member=member, step=Step.ACTIVIST_FILING, on=designated)
    record(actor=party_officer, member=member, step=Step.CONTACTS, on=designated, people=veterans[:1])
    record(actor=party_officer, member=member, step=Step.ACTIVIST_REVIEW, on=designated + timedelta(days=160))

    with pytest.raises(DomainError, match="第十三条") as refused:
        record(actor=party_officer, member=member, step=Step.CANDIDATE_DESIGNATION, on=TODAY(), notice_from=TODAY())
    assert "11个月" in refused.value.message
    member.refresh_from_db()
    assert member.stage == Member.Stage.ACTIVIST


def test_a_late_talk_is_a_warning_kept_on_the_step_and_the_overdue_list(party_officer, branch_a, group_a1):
    person = factories.person(group_a1, birth=date(1990, 1, 1))
    applied = TODAY() - timedelta(days=45)
    member = services.pipeline_start(actor=party_officer, person=person, organization=branch_a, applied_on=applied)
    member.refresh_from_db()
    assert member.next_step == Step.APPLICATION_TALK
    rows = selectors.pipeline_overdue_for(party_officer, TODAY())
    assert [row.url for row in rows] == [f"/party/members/{member.pk}/"]
    result = services.pipeline_step_record(actor=party_officer, member=member, step=Step.APPLICATION_TALK, on=TODAY())
    assert len(result.warnings) == 1
    assert "第七条" in result.step.note
    assert selectors.pipeline_overdue_for(party_officer, TODAY()) == []


def test_an_under_age_application_is_refused_and_nothing_is_written(party_officer, branch_a, group_a1):
    person = factories.person(group_a1, birth=TODAY() - timedelta(days=17 * 365))
    with pytest.raises(DomainError, match="第五条"):
        services.pipeline_start(actor=party_officer, person=person, organization=branch_a, applied_on=TODAY())
    assert not Member.objects.filter(person=person).exists()


def test_a_temporary_branch_cannot_vote_in_new_members(
    party_officer, township_committee, village_a, group_a1, group_a2
):
    temporary = factories.branch(
        party_officer, township_committee, group_a2, "临时党支部", kind=Organization.Kind.TEMPORARY_BRANCH
    )
    person = factories.person(group_a2, birth=date(1990, 1, 1))
    member = services.pipeline_start(actor=party_officer, person=person, organization=temporary, applied_on=TODAY())
    assert member.stage == Member.Stage.APPLICANT  # applications are welcome; the vote is not (see test_rules)


# --- organisations, seconded members, coverage -----------------------------------------------------------------


def test_seconded_members_are_counted_once_and_say_where_the_relation_is(
    party_officer, township_committee, branch_a, branch_b, group_a1, group_a2, group_b1
):
    # given two branches of 5 and 4 members, and a temporary branch staffed by 3 + 2 of them
    a = _full_members(party_officer, branch_a, group_a1, 5)
    b = _full_members(party_officer, branch_b, group_b1, 4)
    temporary = factories.branch(
        party_officer,
        township_committee,
        group_a2,
        "甲马石二组临时党支部",
        kind=Organization.Kind.TEMPORARY_BRANCH,
        groups=[group_a2],
    )
    for member in a[:3] + b[:2]:
        services.member_second(actor=party_officer, member=member, to=temporary, on=TODAY())

    # then the totals count each person once
    totals = selectors.member_totals(user=party_officer)
    assert totals.members == 9
    assert totals.seconded == 5
    counts = {o.name: (o.member_count, o.seconded_count) for o in selectors.organization_list(user=party_officer)}
    assert counts["甲马石村党支部"] == (5, 0)
    assert counts["甲马石二组临时党支部"] == (0, 5)
    assert sum(c for c, _s in counts.values()) == 9
    # and the temporary branch lists its members with the branch that holds each relation
    rows = selectors.organization_members(user=party_officer, organization=temporary)
    assert {(r.member.organization.name, r.holds_relation) for r in rows} == {
        ("甲马石村党支部", False),
        ("白革龙村党支部", False),
    }
    # and with five full members working in it, the temporary branch has no "too few" warning
    assert selectors.organization_health(temporary).warnings == []


def test_coverage_before_and_after_a_temporary_branch_from_the_suggestion(
    party_officer, township_committee, branch_a, village_a, group_a1, group_a2
):
    # given group a2 without an organisation and two full members living there
    factories.member(party_officer, branch_a, group_a2, name="甲")
    factories.member(party_officer, branch_a, group_a2, name="乙")
    before = selectors.coverage(user=party_officer)
    row = next(r for r in before.groups if r.group == group_a2)
    assert not row.covered
    assert row.full == 2
    assert "联合党支部或临时党支部" in row.suggestion
    assert before.covered == 1

    # when a temporary branch is founded from the suggestion's pre-filled form
    initial = selectors.suggestion_prefill(user=party_officer, group=group_a2, project=None)
    assert initial["kind"] == Organization.Kind.TEMPORARY_BRANCH
    assert initial["covered_groups"] == [group_a2.pk]
    assert initial["parent"] == township_committee.pk
    services.organization_create(
        actor=party_officer,
        name=initial["name"],
        kind=initial["kind"],
        parent=township_committee,
        region=group_a2,
        founded_on=initial["founded_on"],
        founding_reason=initial["founding_reason"],
        covered_groups=[group_a2],
    )

    # then the group is covered
    after = selectors.coverage(user=party_officer)
    assert next(r for r in after.groups if r.group == group_a2).covered
    assert after.covered == 2
    assert after.percent == Decimal("100.0")


def test_a_dissolved_branch_no_longer_covers_and_returns_its_seconded_members(
    party_officer, township_committee, branch_a, group_a1, group_a2
):
    veteran = factories.member(party_officer, branch_a, group_a1)
    temporary = factories.branch(
        party_officer,
        township_committee,
        group_a2,
        kind=Organization.Kind.TEMPORARY_BRANCH,
        groups=[group_a2],
        founded_on=TODAY() - timedelta(days=200),
    )
    services.member_second(actor=party_officer, member=veteran, to=temporary, on=TODAY())
    services.organization_dissolve(organization=temporary, actor=party_officer, on=TODAY(), reason="项目完工")
    veteran.refresh_from_db()
    assert veteran.seconded_to is None
    assert not next(r for r in selectors.coverage(user=party_officer).groups if r.group == group_a2).covered
    assert [c.kind for c in temporary.changes.all()] == ["founded", "dissolved"]


def test_branch_warnings_name_their_rule(party_officer, township_committee, branch_a, group_a1):
    assert "第四条" in selectors.organization_health(branch_a).warnings[0].message  # no full member yet
    _full_members(party_officer, branch_a, group_a1, 7)
    warnings = selectors.organization_health(branch_a).warnings
    assert [w.code for w in warnings] == ["committee"]
    members = list(Member.objects.filter(organization=branch_a)[:3])
    services.term_elect(
        organization=branch_a,
        actor=party_officer,
        elected_on=TODAY(),
        posts=[(members[0], "secretary"), (members[1], "organisation"), (members[2], "publicity")],
    )
    assert selectors.organization_health(branch_a).warnings == []
    term = selectors.current_term(branch_a)
    assert term.ends_on == add_years(TODAY(), 5)  # a village branch serves five years


def test_probationary_members_cannot_be_elected(party_officer, branch_a, group_a1):
    probationary = factories.member(party_officer, branch_a, group_a1, stage=Member.Stage.PROBATIONARY)
    with pytest.raises(DomainError, match="被选举权"):
        services.term_elect(
            organization=branch_a, actor=party_officer, elected_on=TODAY(), posts=[(probationary, "secretary")]
        )


def test_the_roster_entry_checks_dates_like_the_pipeline(party_officer, branch_a, group_a1):
    person = factories.person(group_a1, birth=date(1980, 1, 1))
    with pytest.raises(DomainError, match="预备期满之日"):
        services.member_register(
            actor=party_officer,
            person=person,
            organization=branch_a,
            stage=Member.Stage.FULL,
            joined_on=date(2010, 6, 1),
            full_on=date(2011, 7, 1),
        )
    member, _warnings = services.member_register(
        actor=party_officer,
        person=person,
        organization=branch_a,
        stage=Member.Stage.FULL,
        joined_on=date(2010, 6, 1),
        full_on=date(2011, 6, 1),
    )
    assert member.next_step == ""


def test_a_probationary_member_from_the_roster_continues_in_the_pipeline(party_officer, branch_a, group_a1):
    joined = TODAY() - timedelta(days=380)
    member = factories.member(party_officer, branch_a, group_a1, stage=Member.Stage.PROBATIONARY, joined_on=joined)
    assert member.next_step == Step.FULL_REQUEST
    request = TODAY() - timedelta(days=20)
    services.pipeline_step_record(
        actor=party_officer, member=member, step=Step.FULL_REQUEST, on=request, notice_from=request
    )
    services.pipeline_step_record(
        actor=party_officer, member=member, step=Step.FULL_VOTE, on=TODAY(), vote=Vote(3, 3, 3, 0, 0), outcome="passed"
    )
    services.pipeline_step_record(actor=party_officer, member=member, step=Step.FULL_APPROVAL, on=TODAY())
    member.refresh_from_db()
    assert member.stage == Member.Stage.FULL
    assert member.full_on == add_years(joined, 1)


def test_transfers_are_kept_and_follow_the_relation(party_officer, branch_a, branch_b, group_a1):
    member = factories.member(party_officer, branch_a, group_a1)
    services.member_transfer(
        actor=party_officer, member=member, direction="internal", on=TODAY(), to_organization=branch_b
    )
    member.refresh_from_db()
    assert member.organization == branch_b
    services.member_transfer(
        actor=party_officer, member=member, direction="out", on=TODAY(), external_unit="县城关镇党委"
    )
    member.refresh_from_db()
    assert member.status == Member.Status.TRANSFERRED_OUT
    assert MembershipTransfer.objects.filter(member=member).count() == 2
    with pytest.raises(Exception, match="append-only"):
        MembershipTransfer.objects.filter(member=member).update(reason="改写")


def test_one_contact_per_household(party_officer, branch_a, group_a1, household_a):
    first = factories.member(party_officer, branch_a, group_a1)
    second = factories.member(party_officer, branch_a, group_a1)
    services.household_link_set(
        actor=party_officer, member=first, households=[household_a], since=TODAY() - timedelta(days=30)
    )
    services.household_link_set(actor=party_officer, member=second, households=[household_a], since=TODAY())
    links = selectors.contacts_for(user=party_officer, household_ids=[household_a.pk])
    assert links[household_a.pk].member == second


def test_dues_arrears_from_the_monthly_amount(party_officer, branch_a, group_a1):
    member = factories.member(
        party_officer, branch_a, group_a1, dues_category=Member.DuesCategory.SALARIED, monthly_income=Decimal("4000")
    )
    today = TODAY()
    if today.month < 3:
        pytest.skip("needs two finished months of this year")
    services.dues_pay(
        actor=party_officer,
        member=member,
        months=[date(today.year, 1, 1)],
        amount_per_month=Decimal("40.00"),
        paid_on=today,
    )
    arrears = selectors.dues_arrears(
        user=party_officer, organization=branch_a, year=today.year, today=today, farmer_default=Decimal("0.5")
    )
    assert arrears[0].monthly == Decimal("40.00")
    assert date(today.year, 1, 1) not in arrears[0].months_owed
    assert date(today.year, 2, 1) in arrears[0].months_owed


# --- the branch secretary's scope ----------------------------------------------------------------------------


def test_a_branch_secretary_sees_their_branch_and_the_temporary_branch_it_seconds_to(
    party_officer, township_committee, branch_a, branch_b, group_a1, group_a2, group_b1, secretary_a
):
    mine = factories.member(party_officer, branch_a, group_a1, name="本支部")
    other = factories.member(party_officer, branch_b, group_b1, name="别支部")
    assert set(selectors.member_list(user=secretary_a)) == {mine}
    temporary = factories.branch(party_officer, township_committee, group_a2, kind=Organization.Kind.TEMPORARY_BRANCH)
    services.member_second(actor=party_officer, member=mine, to=temporary, on=TODAY())
    services.member_second(actor=party_officer, member=other, to=temporary, on=TODAY())
    secretary_a.refresh_from_db()
    del secretary_a.__dict__["scope_organization_ids"]
    assert set(secretary_a.scope_organization_ids) == {branch_a.pk, temporary.pk}
    assert set(selectors.member_list(user=secretary_a)) == {mine, other}  # the other is in their temporary branch
    # but the secretary acts for their own branch only
    with pytest.raises(DomainError, match="管辖范围"):
        services.pipeline_start(
            actor=secretary_a, person=factories.person(group_b1), organization=branch_b, applied_on=TODAY()
        )
