"""The rules as pure functions: calendar arithmetic (leap years), quorum and majority (hypothesis), dues brackets,
branch-setting warnings, and each pipeline check on both sides of its boundary."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianxin.core.errors import DomainError
from lianxin.party.models import Member, Organization, Step
from lianxin.party.rules import (
    Proposal,
    RulesConfig,
    Sponsor,
    StepRecord,
    Timeline,
    Vote,
    add_months,
    add_years,
    branch_warnings,
    check_member_dates,
    check_step,
    eighteenth_birthday,
    monthly_dues,
    notice_end,
    vote_check,
    vote_passes,
)

RULES = RulesConfig(notice_workdays=5, applicant_months=6)
TODAY = date(2026, 12, 1)
FULL = Member.Stage.FULL


def _timeline(*steps, birth=date(1990, 1, 1), **kwargs) -> Timeline:
    return Timeline(
        birth_date=birth,
        steps=[StepRecord(s, d, **extra) for s, d, *rest in steps for extra in [rest[0] if rest else {}]],
        **kwargs,
    )


def _check(timeline, step, on, stage, **kwargs):
    return check_step(timeline, Proposal(step=step, on=on, **kwargs), stage=stage, today=TODAY, rules=RULES)


# --- calendar -------------------------------------------------------------------------------------------------


def test_months_and_years_end_on_the_corresponding_day_or_the_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 2, 28)


def test_notice_counts_working_days_and_skips_the_national_day_holiday():
    # 30 September 2025 (Tue) counts as day 1; 1–8 October are holidays; 9, 10, 11 (a make-up Saturday) and 13
    # October are days 2–5.
    assert notice_end(date(2025, 9, 30), 5) == date(2025, 10, 13)
    # posted on a Monday with no holiday: Monday..Friday
    assert notice_end(date(2025, 11, 3), 5) == date(2025, 11, 7)
    # posted on a Saturday: it does not count
    assert notice_end(date(2025, 11, 1), 5) == date(2025, 11, 7)


# --- quorum and majority --------------------------------------------------------------------------------------


@given(
    should=st.integers(min_value=1, max_value=80),
    data=st.data(),
)
def test_a_vote_passes_exactly_when_quorate_and_more_than_half_of_those_who_should_attend_vote_yes(should, data):
    attended = data.draw(st.integers(min_value=0, max_value=should))
    written = data.draw(st.integers(min_value=0, max_value=should - attended))
    yes = data.draw(st.integers(min_value=0, max_value=attended + written))
    no = data.draw(st.integers(min_value=0, max_value=attended + written - yes))
    vote = Vote(should_attend=should, attended=attended, yes=yes, no=no, abstain=0, written=written)
    expected = attended > should / 2 and yes > should / 2
    assert vote_passes(vote) is expected
    if expected:
        vote_check(vote, article="第二十一条")
    else:
        with pytest.raises(DomainError):
            vote_check(vote, article="第二十一条")


def test_half_is_not_more_than_half():
    with pytest.raises(DomainError, match="第二十一条"):
        vote_check(Vote(should_attend=10, attended=10, yes=5, no=5, abstain=0), article="第二十一条")
    vote_check(Vote(should_attend=10, attended=10, yes=6, no=4, abstain=0), article="第二十一条")
    with pytest.raises(DomainError, match="第二十条"):
        vote_check(Vote(should_attend=10, attended=5, yes=5, no=0, abstain=0, written=1), article="第二十一条")


def test_written_opinions_count_towards_the_yes_votes():
    vote_check(Vote(should_attend=9, attended=5, yes=5, no=0, abstain=0, written=2), article="第二十一条")
    with pytest.raises(DomainError, match="多于"):
        vote_check(Vote(should_attend=9, attended=5, yes=6, no=2, abstain=0, written=2), article="第二十一条")


def test_impossible_records_are_refused():
    with pytest.raises(DomainError, match="不能多于"):
        vote_check(Vote(should_attend=5, attended=6, yes=6, no=0, abstain=0), article="x")
    with pytest.raises(DomainError, match="未到会"):
        vote_check(Vote(should_attend=5, attended=4, yes=4, no=0, abstain=0, written=2), article="x")


# --- dues -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "income", "expected"),
    [
        (Member.DuesCategory.SALARIED, "3000", "15.00"),
        (Member.DuesCategory.SALARIED, "3000.01", "30.00"),
        (Member.DuesCategory.SALARIED, "5000", "50.00"),
        (Member.DuesCategory.SALARIED, "10000", "150.00"),
        (Member.DuesCategory.SALARIED, "12000", "240.00"),
        (Member.DuesCategory.RETIRED, "5000", "25.00"),
        (Member.DuesCategory.RETIRED, "6000", "60.00"),
        (Member.DuesCategory.HARDSHIP, None, "0.20"),
        (Member.DuesCategory.FARMER, None, "0.50"),
    ],
)
def test_monthly_dues_by_bracket(category, income, expected):
    amount = monthly_dues(category, Decimal(income) if income else None, None, Decimal("0.50"))
    assert amount == Decimal(expected)


# --- branch-setting rules -------------------------------------------------------------------------------------


def _codes(**kwargs):
    base = {
        "kind": Organization.Kind.BRANCH,
        "full_members": 5,
        "members": 5,
        "committee_size": 0,
        "units": 0,
        "active": True,
    }
    return {w.code for w in branch_warnings(**{**base, **kwargs})}


def test_branch_rules_each_name_their_rule():
    assert _codes(full_members=2) == {"too_few"}
    assert _codes(full_members=3) == set()
    assert _codes(kind=Organization.Kind.JOINT_BRANCH, full_members=2, units=6) == {"joint_too_wide"}
    assert _codes(kind=Organization.Kind.JOINT_BRANCH, full_members=2, units=5) == set()
    assert _codes(full_members=7, members=7, committee_size=0) == {"committee"}
    assert _codes(full_members=7, members=7, committee_size=3) == set()
    assert _codes(full_members=9, members=9, committee_size=6) == {"committee"}
    assert _codes(full_members=40, members=51, committee_size=5) == {"too_many"}
    assert _codes(full_members=40, members=50, committee_size=5) == set()
    assert _codes(kind=Organization.Kind.COMMITTEE, full_members=0) == set()
    warning = branch_warnings(
        kind=Organization.Kind.BRANCH, full_members=1, members=1, committee_size=0, units=0, active=True
    )[0]
    assert "《支部工作条例》" in warning.message


# --- the pipeline, boundary by boundary -----------------------------------------------------------------------


def test_application_needs_eighteen_years_on_the_day_leap_birthday():
    timeline = Timeline(birth_date=date(2008, 2, 29), steps=[])
    with pytest.raises(DomainError, match="第五条"):
        _check(timeline, Step.APPLICATION, date(2026, 2, 27), Member.Stage.APPLICANT)
    _check(timeline, Step.APPLICATION, date(2026, 2, 28), Member.Stage.APPLICANT)


def test_a_talk_after_one_month_is_a_warning_not_a_refusal():
    timeline = _timeline((Step.APPLICATION, date(2024, 1, 31)))
    assert _check(timeline, Step.APPLICATION_TALK, date(2024, 2, 29), Member.Stage.APPLICANT) == []
    warnings = _check(timeline, Step.APPLICATION_TALK, date(2024, 3, 1), Member.Stage.APPLICANT)
    assert len(warnings) == 1
    assert "第七条" in warnings[0]


def test_activist_designation_waits_the_local_months_after_the_application():
    timeline = _timeline((Step.APPLICATION, date(2024, 3, 31)), (Step.APPLICATION_TALK, date(2024, 4, 10)))
    with pytest.raises(DomainError, match="6个月"):
        _check(timeline, Step.ACTIVIST_DESIGNATION, date(2024, 9, 29), Member.Stage.APPLICANT)
    _check(timeline, Step.ACTIVIST_DESIGNATION, date(2024, 9, 30), Member.Stage.APPLICANT)


def _activist(designated: date, reviews=()):
    steps = [
        (Step.APPLICATION, date(2020, 1, 1)),
        (Step.APPLICATION_TALK, date(2020, 1, 10)),
        (Step.ACTIVIST_DESIGNATION, designated),
        (Step.ACTIVIST_FILING, designated),
        (Step.CONTACTS, designated),
        *((Step.ACTIVIST_REVIEW, day) for day in reviews),
    ]
    return _timeline(*steps)


def test_an_activist_of_eleven_months_cannot_become_a_candidate():
    timeline = _activist(date(2024, 2, 29), reviews=[date(2024, 8, 20), date(2025, 1, 20)])
    with pytest.raises(DomainError, match="第十三条") as refused:
        _check(
            timeline,
            Step.CANDIDATE_DESIGNATION,
            date(2025, 1, 29),
            Member.Stage.ACTIVIST,
            notice_from=date(2025, 1, 29),
        )
    assert "11个月" in refused.value.message
    with pytest.raises(DomainError, match="第十三条"):
        _check(
            timeline,
            Step.CANDIDATE_DESIGNATION,
            date(2025, 2, 27),
            Member.Stage.ACTIVIST,
            notice_from=date(2025, 2, 27),
        )
    # one year from 29 February 2024 is 28 February 2025
    _check(
        timeline, Step.CANDIDATE_DESIGNATION, date(2025, 2, 28), Member.Stage.ACTIVIST, notice_from=date(2025, 2, 28)
    )


def test_half_yearly_reviews_are_required_before_candidacy():
    timeline = _activist(date(2023, 1, 10), reviews=[date(2023, 7, 10)])
    with pytest.raises(DomainError, match="第十一条"):
        _check(
            timeline, Step.CANDIDATE_DESIGNATION, date(2024, 3, 1), Member.Stage.ACTIVIST, notice_from=date(2024, 3, 1)
        )
    timeline = _activist(date(2023, 1, 10), reviews=[date(2023, 7, 10), date(2024, 1, 10)])
    _check(timeline, Step.CANDIDATE_DESIGNATION, date(2024, 3, 1), Member.Stage.ACTIVIST, notice_from=date(2024, 3, 1))


def _full(name, full_on, stage=FULL, status=Member.Status.ACTIVE):
    return Sponsor(name=name, stage=stage, status=status, full_on=full_on)


def test_sponsors_are_two_full_members_never_a_probationary_one():
    timeline = _timeline((Step.CANDIDATE_FILING, date(2025, 1, 1)))
    people = [_full("甲", date(2010, 1, 1)), _full("乙", date(2012, 1, 1))]
    _check(timeline, Step.SPONSORS, date(2025, 2, 1), Member.Stage.CANDIDATE, people=people)
    with pytest.raises(DomainError, match="第十四条"):
        _check(timeline, Step.SPONSORS, date(2025, 2, 1), Member.Stage.CANDIDATE, people=people[:1])
    probationary = [_full("甲", date(2010, 1, 1)), _full("丙", None, stage=Member.Stage.PROBATIONARY)]
    with pytest.raises(DomainError, match="预备党员不能担任"):
        _check(timeline, Step.SPONSORS, date(2025, 2, 1), Member.Stage.CANDIDATE, people=probationary)
    # full only from the day their probation ended
    late = [_full("甲", date(2010, 1, 1)), _full("丁", date(2025, 2, 2))]
    with pytest.raises(DomainError, match="丁"):
        _check(timeline, Step.SPONSORS, date(2025, 2, 1), Member.Stage.CANDIDATE, people=late)


def _candidate(**kwargs):
    return _timeline(
        (Step.CANDIDATE_DESIGNATION, date(2025, 1, 1)),
        (Step.CANDIDATE_FILING, date(2025, 1, 20)),
        (Step.SPONSORS, date(2025, 2, 1)),
        (Step.POLITICAL_REVIEW, date(2025, 3, 1), {"passed_review": True}),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("days", "hours", "allowed"),
    [(3, Decimal("18"), True), (2, Decimal("24"), True), (2, Decimal("23.5"), False), (0, Decimal("0"), False)],
)
def test_committee_review_needs_three_days_or_24_hours_of_training(days, hours, allowed):
    timeline = _candidate(training_days=days, training_hours=hours)
    if allowed:
        _check(timeline, Step.COMMITTEE_REVIEW, date(2025, 4, 1), Member.Stage.CANDIDATE)
    else:
        with pytest.raises(DomainError, match="第十七条"):
            _check(timeline, Step.COMMITTEE_REVIEW, date(2025, 4, 1), Member.Stage.CANDIDATE)


def test_training_is_never_typed():
    with pytest.raises(DomainError, match="出席记录"):
        _check(_candidate(), Step.INTENSIVE_TRAINING, date(2025, 4, 1), Member.Stage.CANDIDATE)


def test_a_failed_political_review_stops_the_candidate():
    timeline = _timeline(
        (Step.SPONSORS, date(2025, 2, 1)),
        (Step.POLITICAL_REVIEW, date(2025, 3, 1), {"passed_review": False}),
        training_days=3,
    )
    with pytest.raises(DomainError, match="第十六条"):
        _check(timeline, Step.COMMITTEE_REVIEW, date(2025, 4, 1), Member.Stage.CANDIDATE)


def _before_vote(notice_until=date(2025, 5, 9), **kwargs):
    return _timeline(
        (Step.PRE_REVIEW, date(2025, 5, 1), {"notice_until": notice_until}),
        (Step.APPLICATION_FORM, date(2025, 5, 6)),
        **kwargs,
    )


def test_the_branch_meeting_waits_for_the_end_of_the_notice():
    with pytest.raises(DomainError, match="公示期"):
        _check(_before_vote(), Step.BRANCH_VOTE, date(2025, 5, 9), Member.Stage.CANDIDATE, vote=Vote(9, 8, 7, 1, 0))
    _check(_before_vote(), Step.BRANCH_VOTE, date(2025, 5, 10), Member.Stage.CANDIDATE, vote=Vote(9, 8, 7, 1, 0))


def test_a_vote_without_a_majority_is_refused_with_the_rule():
    with pytest.raises(DomainError, match="第二十一条") as refused:
        _check(_before_vote(), Step.BRANCH_VOTE, date(2025, 5, 12), Member.Stage.CANDIDATE, vote=Vote(9, 8, 4, 3, 1))
    assert "至少须5票" in refused.value.message


def test_a_temporary_branch_cannot_receive_members():
    timeline = _before_vote(organization_kind=Organization.Kind.TEMPORARY_BRANCH)
    with pytest.raises(DomainError, match="临时党支部不能接收"):
        _check(timeline, Step.BRANCH_VOTE, date(2025, 5, 12), Member.Stage.CANDIDATE, vote=Vote(5, 5, 5, 0, 0))


def _voted(on=date(2024, 11, 30)):
    return _timeline((Step.BRANCH_VOTE, on, {"outcome": "passed"}), (Step.APPROVAL_TALK, on))


def test_approval_within_three_months_later_with_a_reason_never_after_six():
    timeline = _voted()
    _check(timeline, Step.APPROVAL, date(2025, 2, 28), Member.Stage.CANDIDATE)  # 30 Nov + 3 months = 28 Feb
    with pytest.raises(DomainError, match="3个月内"):
        _check(timeline, Step.APPROVAL, date(2025, 3, 1), Member.Stage.CANDIDATE)
    assert _check(timeline, Step.APPROVAL, date(2025, 3, 1), Member.Stage.CANDIDATE, reason="党委换届")
    _check(timeline, Step.APPROVAL, date(2025, 5, 30), Member.Stage.CANDIDATE, reason="党委换届")
    with pytest.raises(DomainError, match="6个月"):
        _check(timeline, Step.APPROVAL, date(2025, 5, 31), Member.Stage.CANDIDATE, reason="党委换届")


def test_approval_only_after_its_talk():
    timeline = _timeline((Step.BRANCH_VOTE, date(2025, 1, 10), {"outcome": "passed"}))
    with pytest.raises(DomainError, match="上级党委派人谈话"):
        _check(timeline, Step.APPROVAL, date(2025, 1, 20), Member.Stage.CANDIDATE)


def _probation(vote_on=date(2024, 2, 29), extended=None):
    steps = [
        (Step.BRANCH_VOTE, vote_on, {"outcome": "passed"}),
        (Step.APPROVAL, vote_on),
        (Step.FULL_REQUEST, date(2025, 2, 1), {"notice_until": date(2025, 2, 10)}),
    ]
    if extended:
        steps.append((Step.FULL_VOTE, date(2025, 3, 1), {"outcome": "extended", "extension_months": extended}))
        steps.append((Step.FULL_REQUEST, date(2025, 8, 1), {"notice_until": date(2025, 8, 8)}))
    return _timeline(*steps)


def test_probation_is_exactly_one_year_from_the_vote():
    timeline = _probation()
    with pytest.raises(DomainError, match="2025-02-28"):
        _check(
            timeline,
            Step.FULL_VOTE,
            date(2025, 2, 27),
            Member.Stage.PROBATIONARY,
            vote=Vote(9, 8, 8, 0, 0),
            outcome="passed",
        )
    _check(
        timeline,
        Step.FULL_VOTE,
        date(2025, 2, 28),
        Member.Stage.PROBATIONARY,
        vote=Vote(9, 8, 8, 0, 0),
        outcome="passed",
    )


@pytest.mark.parametrize(("months", "allowed"), [(5, False), (6, True), (12, True), (13, False)])
def test_one_extension_of_six_to_twelve_months(months, allowed):
    timeline = _probation()
    kwargs = {"vote": Vote(9, 8, 8, 0, 0), "outcome": "extended", "extension_months": months}
    if allowed:
        _check(timeline, Step.FULL_VOTE, date(2025, 3, 1), Member.Stage.PROBATIONARY, **kwargs)
    else:
        with pytest.raises(DomainError, match="第三十二条"):
            _check(timeline, Step.FULL_VOTE, date(2025, 3, 1), Member.Stage.PROBATIONARY, **kwargs)


def test_only_one_extension_and_the_new_end_counts():
    timeline = _probation(extended=6)
    kwargs = {"vote": Vote(9, 8, 8, 0, 0)}
    with pytest.raises(DomainError, match="只能延长一次"):
        _check(
            timeline,
            Step.FULL_VOTE,
            date(2025, 9, 6),
            Member.Stage.PROBATIONARY,
            outcome="extended",
            extension_months=6,
            **kwargs,
        )
    with pytest.raises(DomainError, match="2025-08-28"):
        _check(timeline, Step.FULL_VOTE, date(2025, 8, 27), Member.Stage.PROBATIONARY, outcome="passed", **kwargs)
    _check(timeline, Step.FULL_VOTE, date(2025, 9, 6), Member.Stage.PROBATIONARY, outcome="passed", **kwargs)


def test_full_membership_approved_within_three_months_of_the_end_of_probation():
    timeline = _probation(vote_on=date(2024, 5, 31))
    timeline.steps.append(StepRecord(Step.FULL_VOTE, date(2025, 6, 3), outcome="passed"))
    _check(timeline, Step.FULL_APPROVAL, date(2025, 8, 31), Member.Stage.PROBATIONARY)  # end 31 May + 3 months
    with pytest.raises(DomainError, match="第三十四条"):
        _check(timeline, Step.FULL_APPROVAL, date(2025, 9, 1), Member.Stage.PROBATIONARY)


def test_steps_keep_their_order_and_stage():
    with pytest.raises(DomainError, match="须先完成"):
        _check(
            _timeline((Step.APPLICATION, date(2025, 1, 1))),
            Step.ACTIVIST_FILING,
            date(2025, 9, 1),
            Member.Stage.ACTIVIST,
        )
    with pytest.raises(DomainError, match="只能在"):
        _check(_timeline((Step.APPLICATION, date(2025, 1, 1))), Step.SPONSORS, date(2025, 9, 1), Member.Stage.ACTIVIST)
    with pytest.raises(DomainError, match="早于"):
        _check(
            _timeline((Step.APPLICATION, date(2025, 1, 10))),
            Step.APPLICATION_TALK,
            date(2025, 1, 9),
            Member.Stage.APPLICANT,
        )
    with pytest.raises(DomainError, match="不能晚于今天"):
        _check(
            _timeline((Step.APPLICATION, date(2025, 1, 10))),
            Step.APPLICATION_TALK,
            date(2026, 12, 2),
            Member.Stage.APPLICANT,
        )


# --- historical entry -------------------------------------------------------------------------------------------


def test_historical_members_meet_the_same_rules():
    args = {"birth_date": date(1980, 1, 1), "applied_on": date(2009, 1, 1), "extended_months": 0, "today": TODAY}
    check_member_dates(stage=FULL, joined_on=date(2010, 2, 28), full_on=date(2011, 2, 28), **args)
    with pytest.raises(DomainError, match="预备期满之日2011-02-28"):
        check_member_dates(stage=FULL, joined_on=date(2010, 2, 28), full_on=date(2011, 3, 1), **args)
    check_member_dates(stage=FULL, joined_on=date(2012, 2, 29), full_on=date(2013, 2, 28), **args)
    args["extended_months"] = 6
    check_member_dates(stage=FULL, joined_on=date(2010, 2, 28), full_on=date(2011, 8, 28), **args)
    args["extended_months"] = 3
    with pytest.raises(DomainError, match="第三十二条"):
        check_member_dates(stage=FULL, joined_on=date(2010, 2, 28), full_on=date(2011, 5, 28), **args)
    with pytest.raises(DomainError, match="第五条"):
        check_member_dates(
            birth_date=date(2000, 6, 1),
            stage=Member.Stage.PROBATIONARY,
            applied_on=date(2018, 5, 31),
            joined_on=date(2020, 1, 1),
            full_on=None,
            extended_months=0,
            today=TODAY,
        )


def test_a_notice_over_the_national_day_holiday_holds_the_filing_until_its_fifth_working_day():
    # designated and posted on 30 September 2025: the five working days end on 13 October (1–8 October off,
    # 11 October a make-up Saturday), so the filing may come on 14 October and not before
    until = notice_end(date(2025, 9, 30), 5)
    timeline = _timeline((Step.CANDIDATE_DESIGNATION, date(2025, 9, 30), {"notice_until": until}))
    with pytest.raises(DomainError, match="2025-10-13"):
        _check(timeline, Step.CANDIDATE_FILING, date(2025, 10, 13), Member.Stage.CANDIDATE)
    _check(timeline, Step.CANDIDATE_FILING, date(2025, 10, 14), Member.Stage.CANDIDATE)
