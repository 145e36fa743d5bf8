"""The rules of Party work as pure functions: dates, clocks, quorum, dues, branch-setting rules.

Nothing here reads the database, so the page, the API and the import (which checks a file's rows
before anything is written) apply exactly the same rules. The articles cited in the messages were
checked against the texts:

- 《中国共产党发展党员工作细则》(2014): 第五条 (age 18), 第七条 (talk within one month), 第八条
  (activists by the branch committee, filed with the higher committee), 第十一条 (activists reviewed
  every half year), 第十三条 (one year and more as activist before candidate), 第十四条 (two full
  members as sponsors), 第十六条 (political review), 第十七条 (training of three days or 24 class hours),
  第十九条 (committee review, pre-review, the application form), 第二十条 (quorum), 第二十一条 (the vote),
  第三十二条 (probation of one year from the vote; one extension of six months to a year), 第三十三条 (the
  full-membership vote as the admission vote), 第三十四条 (approval of full membership within three
  months; 党龄 from the end of probation). The approval of admission within three months (six at most)
  is in its chapter 4; the contacts (one or two full members) in its chapter 2: cited by chapter.
- 《中国共产党章程》第五条: the higher organisation talks to the applicant before approving.
- 《中国共产党支部工作条例(试行)》(2018): 第四条 (three full members set up a branch; a branch normally
  has at most 50 members), 第五条 (joint branches of at most five units; projects of six months or more
  set up a branch). Its chapter 6: seven or more full members elect a committee of 3 to 5; village
  committees serve five years, others three.

Dates follow the calendar rule of the Civil Code (art. 200–203): a period of months or years ends on the
corresponding day, or on the month's last day where there is none (a year from 29 February is 28
February). One's 18th birthday is the day one is 18.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from lianxin.core.errors import DomainError
from lianxin.core.workdays import add_workdays

from .models import DevelopmentStep, Member, Organization, Step

DEVELOPMENT_RULES = _("《发展党员工作细则》")

# --- calendar ---------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later (earlier if negative), or that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def eighteenth_birthday(birth: date) -> date:
    return add_years(birth, 18)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (the corresponding day counts as a full month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def notice_end(start: date, workdays: int) -> date:
    """The last day of a public notice (公示) of ``workdays`` working days posted on ``start``: ``start``
    counts when it is a working day (core.workdays counts the days after the one given)."""
    return add_workdays(start - timedelta(days=1), workdays).date


def fmt(day: date | None) -> str:
    return day.isoformat() if day else "—"


# --- quorum and votes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vote:
    """A branch meeting's record (支部大会): voting full members who should attend, who attended, written
    opinions handed in before the meeting by those who could not come, and the votes."""

    should_attend: int
    attended: int
    yes: int
    no: int
    abstain: int
    written: int = 0


def vote_check(vote: Vote, *, article: str) -> None:
    """Refuse an impossible record, a meeting without quorum or a resolution without a majority.

    Quorum (第二十条): more than half of the voting full members who should attend are present. Majority
    (第二十一条; 第三十三条 for full membership): more than half of those who should attend vote yes,
    written opinions counted. ``article`` names the article of the resolution for the message."""
    for name, value in (
        ("should_attend", vote.should_attend),
        ("attended", vote.attended),
        ("votes_yes", vote.yes),
        ("votes_no", vote.no),
        ("votes_abstain", vote.abstain),
        ("written_opinions", vote.written),
    ):
        if value is None or value < 0:
            raise DomainError(_("表决人数须为不小于0的整数"), field=name)
    if vote.should_attend < 1:
        raise DomainError(_("应到会有表决权的正式党员人数须大于0"), field="should_attend")
    if vote.attended > vote.should_attend:
        raise DomainError(
            _("实到会人数(%(attended)d)不能多于应到会有表决权的正式党员人数(%(should)d)")
            % {"attended": vote.attended, "should": vote.should_attend},
            field="attended",
        )
    if vote.written > vote.should_attend - vote.attended:
        raise DomainError(_("书面表决意见只能来自未到会的有表决权正式党员"), field="written_opinions")
    cast = vote.yes + vote.no + vote.abstain
    if cast > vote.attended + vote.written:
        raise DomainError(
            _("赞成、反对、弃权共%(cast)d票,多于到会人数与书面意见之和(%(total)d)")
            % {"cast": cast, "total": vote.attended + vote.written},
            field="votes_yes",
        )
    if vote.attended * 2 <= vote.should_attend:
        raise DomainError(
            _(
                "会议不足法定人数:有表决权的到会人数(%(attended)d)须超过应到会有表决权人数(%(should)d)的半数"
                "(%(rules)s第二十条)"
            )
            % {"attended": vote.attended, "should": vote.should_attend, "rules": DEVELOPMENT_RULES},
            field="attended",
        )
    if vote.yes * 2 <= vote.should_attend:
        raise DomainError(
            _(
                "表决未通过:赞成%(yes)d票,未超过应到会有表决权的正式党员%(should)d人的半数(至少须%(needed)d票)"
                "(%(rules)s%(article)s)"
            )
            % {
                "yes": vote.yes,
                "should": vote.should_attend,
                "needed": vote.should_attend // 2 + 1,
                "rules": DEVELOPMENT_RULES,
                "article": article,
            },
            field="votes_yes",
        )


def vote_passes(vote: Vote) -> bool:
    """The arithmetic alone: quorum and more than half of those who should attend voting yes."""
    return vote.attended * 2 > vote.should_attend and vote.yes * 2 > vote.should_attend


# --- dues (《关于中国共产党党费收缴、使用和管理的规定》, 2008) ---------------------------------------------------

CENT = Decimal("0.01")
SALARIED_BRACKETS = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
)
SALARIED_TOP = Decimal("0.02")
RETIRED_BRACKETS = ((Decimal("5000"), Decimal("0.005")),)
RETIRED_TOP = Decimal("0.01")
HARDSHIP_DUES = Decimal("0.20")
FARMER_RANGE = (Decimal("0.20"), Decimal("1.00"))


def dues_rate(category: str, income: Decimal | None) -> Decimal | None:
    """The share of the monthly income (after tax) paid as dues, by bracket; None where a fixed sum applies."""
    if category == Member.DuesCategory.SALARIED:
        brackets, top = SALARIED_BRACKETS, SALARIED_TOP
    elif category == Member.DuesCategory.RETIRED:
        brackets, top = RETIRED_BRACKETS, RETIRED_TOP
    else:
        return None
    amount = income or Decimal("0")
    for ceiling, rate in brackets:
        if amount <= ceiling:
            return rate
    return top


def monthly_dues(category: str, income: Decimal | None, fixed: Decimal | None, farmer_default: Decimal) -> Decimal:
    """The monthly dues: salaried 0.5%/1%/1.5%/2% of the income by bracket (≤3000, ≤5000, ≤10000, above),
    retired 0.5%/1% (≤5000, above), farmers 0.2 to 1 yuan, students, the unemployed and those on
    minimum-income support 0.2 yuan."""
    rate = dues_rate(category, income)
    if rate is not None:
        return ((income or Decimal("0")) * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if category == Member.DuesCategory.FARMER:
        return (fixed if fixed is not None else farmer_default).quantize(CENT)
    return HARDSHIP_DUES


# --- branch-setting rules (《支部工作条例》) ----------------------------------------------------------------------

BRANCH_REGULATIONS = _("《支部工作条例》")


@dataclass(frozen=True)
class OrgWarning:
    code: str
    message: str


def branch_warnings(
    *,
    kind: str,
    full_members: int,
    members: int,
    committee_size: int,
    units: int,
    active: bool,
) -> list[OrgWarning]:
    """The branch-setting rules as warnings (each names its rule): fewer than 3 full members outside a joint
    branch, a joint branch of more than 5 units, 7 or more full members without a committee of 3 to 5,
    more than 50 members."""
    if not active or kind not in (
        Organization.Kind.BRANCH,
        Organization.Kind.JOINT_BRANCH,
        Organization.Kind.TEMPORARY_BRANCH,
    ):
        return []
    found: list[OrgWarning] = []
    if full_members < 3 and kind != Organization.Kind.JOINT_BRANCH:
        found.append(
            OrgWarning(
                "too_few",
                _("正式党员只有%(n)d名,不足3名:应与邻近单位成立联合党支部(%(rules)s第四条、第五条)")
                % {"n": full_members, "rules": BRANCH_REGULATIONS},
            )
        )
    if kind == Organization.Kind.JOINT_BRANCH and units > 5:
        found.append(
            OrgWarning(
                "joint_too_wide",
                _("联合党支部覆盖%(n)d个单位,一般不超过5个(%(rules)s第五条)")
                % {"n": units, "rules": BRANCH_REGULATIONS},
            )
        )
    if full_members >= 7 and not 3 <= committee_size <= 5:
        found.append(
            OrgWarning(
                "committee",
                _("有正式党员%(n)d名(7名以上),应设立由3至5人组成的支部委员会,现有委员%(c)d名(%(rules)s第六章)")
                % {"n": full_members, "c": committee_size, "rules": BRANCH_REGULATIONS},
            )
        )
    if members > 50:
        found.append(
            OrgWarning(
                "too_many",
                _("党员%(n)d名,党支部党员人数一般不超过50人(%(rules)s第四条)")
                % {"n": members, "rules": BRANCH_REGULATIONS},
            )
        )
    return found


def project_warning(*, project_name: str, months: int) -> OrgWarning:
    return OrgWarning(
        "project",
        _("项目“%(name)s”已持续%(months)d个月(6个月以上),尚无党组织覆盖,应当成立党支部(%(rules)s第五条)")
        % {"name": project_name, "months": months, "rules": BRANCH_REGULATIONS},
    )


def term_years_for(kind: str, region_level: str) -> int:
    """Village (and community) branch committees serve five years, other branch committees three."""
    from lianxin.regions.models import Region

    if kind in (Organization.Kind.BRANCH, Organization.Kind.JOINT_BRANCH) and region_level in (
        Region.Level.VILLAGE,
        Region.Level.VILLAGE_GROUP,
    ):
        return 5
    if kind == Organization.Kind.COMMITTEE:
        return 5
    return 3


# --- the development pipeline ----------------------------------------------------------------------------------


@dataclass
class StepRecord:
    """A step already on a person's timeline (stored, or earlier in the same import file)."""

    step: str
    done_on: date
    outcome: str = ""
    extension_months: int | None = None
    notice_until: date | None = None
    passed_review: bool | None = None


@dataclass
class Sponsor:
    """A member named as contact or sponsor, as they stood on the step's date."""

    name: str
    stage: str
    status: str
    full_on: date | None
    same_person: bool = False


@dataclass
class Proposal:
    """The step to record, with what it carries."""

    step: str
    on: date
    vote: Vote | None = None
    people: list[Sponsor] = field(default_factory=list)
    notice_from: date | None = None
    outcome: str = ""
    extension_months: int | None = None
    passed_review: bool | None = None
    reason: str = ""


@dataclass
class Timeline:
    """Everything the rules look at: the person's birth date, the steps so far, the organisation recording the
    step, the intensive-training days and hours attended since becoming a candidate (from attendance)."""

    birth_date: date
    steps: list[StepRecord]
    organization_kind: str = Organization.Kind.BRANCH
    training_days: int = 0
    training_hours: Decimal = Decimal("0")

    def last(self, step: str) -> StepRecord | None:
        found = [s for s in self.steps if s.step == step]
        return max(found, key=lambda s: s.done_on) if found else None

    def first(self, step: str) -> StepRecord | None:
        found = [s for s in self.steps if s.step == step]
        return min(found, key=lambda s: s.done_on) if found else None

    def has(self, step: str) -> bool:
        return any(s.step == step for s in self.steps)

    def probation_end(self) -> date | None:
        vote = self.passed_vote()
        if vote is None:
            return None
        extension = sum(
            s.extension_months or 0
            for s in self.steps
            if s.step == Step.FULL_VOTE and s.outcome == DevelopmentOutcome.EXTENDED
        )
        return add_months(add_years(vote.done_on, 1), extension)

    def passed_vote(self) -> StepRecord | None:
        return self.last(Step.BRANCH_VOTE)


@dataclass(frozen=True)
class RulesConfig:
    """The local rules the checks need (from party.PartyRules)."""

    notice_workdays: int = 5
    applicant_months: int = 6


DevelopmentOutcome = DevelopmentStep.Outcome

REPEATABLE = {Step.ACTIVIST_REVIEW, Step.PROBATION_REVIEW, Step.FULL_REQUEST, Step.FULL_VOTE}
# Each step needs these before it (the order of the 25 steps, with the freedom the rules leave).
PREREQUISITES: dict[str, tuple[str, ...]] = {
    Step.APPLICATION: (),
    Step.APPLICATION_TALK: (Step.APPLICATION,),
    Step.ACTIVIST_DESIGNATION: (Step.APPLICATION_TALK,),
    Step.ACTIVIST_FILING: (Step.ACTIVIST_DESIGNATION,),
    Step.CONTACTS: (Step.ACTIVIST_DESIGNATION,),
    Step.ACTIVIST_REVIEW: (Step.ACTIVIST_DESIGNATION,),
    Step.CANDIDATE_DESIGNATION: (Step.ACTIVIST_FILING, Step.CONTACTS),
    Step.CANDIDATE_FILING: (Step.CANDIDATE_DESIGNATION,),
    Step.SPONSORS: (Step.CANDIDATE_FILING,),
    Step.POLITICAL_REVIEW: (Step.CANDIDATE_FILING,),
    Step.COMMITTEE_REVIEW: (Step.SPONSORS, Step.POLITICAL_REVIEW),
    Step.PRE_REVIEW: (Step.COMMITTEE_REVIEW,),
    Step.APPLICATION_FORM: (Step.PRE_REVIEW,),
    Step.BRANCH_VOTE: (Step.APPLICATION_FORM,),
    Step.APPROVAL_TALK: (Step.BRANCH_VOTE,),
    Step.APPROVAL: (Step.APPROVAL_TALK,),
    Step.APPROVAL_FILING: (Step.APPROVAL,),
    Step.ASSIGNMENT: (Step.APPROVAL,),
    Step.OATH: (Step.APPROVAL,),
    Step.PROBATION_REVIEW: (Step.APPROVAL,),
    Step.FULL_REQUEST: (Step.APPROVAL,),
    Step.FULL_VOTE: (Step.FULL_REQUEST,),
    Step.FULL_APPROVAL: (Step.FULL_VOTE,),
    Step.ARCHIVING: (Step.FULL_APPROVAL,),
}
# Steps that post a public notice (公示), and the step that may only follow once it has ended.
NOTICE_STEPS = {
    Step.CANDIDATE_DESIGNATION: Step.CANDIDATE_FILING,
    Step.PRE_REVIEW: Step.BRANCH_VOTE,
    Step.FULL_REQUEST: Step.FULL_VOTE,
}
NOTICE_GATES = {gate: source for source, gate in NOTICE_STEPS.items()}
# The stage a person must be in for a step, by the step's place in the 25.
STAGE_OF_STEP: dict[str, tuple[str, ...]] = {}
for _step in (Step.APPLICATION_TALK, Step.ACTIVIST_DESIGNATION):
    STAGE_OF_STEP[_step] = (Member.Stage.APPLICANT,)
for _step in (Step.ACTIVIST_FILING, Step.CONTACTS, Step.ACTIVIST_REVIEW, Step.CANDIDATE_DESIGNATION):
    STAGE_OF_STEP[_step] = (Member.Stage.ACTIVIST,)
for _step in (
    Step.CANDIDATE_FILING,
    Step.SPONSORS,
    Step.POLITICAL_REVIEW,
    Step.COMMITTEE_REVIEW,
    Step.PRE_REVIEW,
    Step.APPLICATION_FORM,
    Step.BRANCH_VOTE,
    Step.APPROVAL_TALK,
    Step.APPROVAL,
):
    STAGE_OF_STEP[_step] = (Member.Stage.CANDIDATE,)
for _step in (
    Step.APPROVAL_FILING,
    Step.ASSIGNMENT,
    Step.OATH,
    Step.PROBATION_REVIEW,
    Step.FULL_REQUEST,
    Step.FULL_VOTE,
    Step.FULL_APPROVAL,
):
    STAGE_OF_STEP[_step] = (Member.Stage.PROBATIONARY,)
STAGE_OF_STEP[Step.ARCHIVING] = (Member.Stage.FULL,)


def _label(step: str) -> str:
    return str(Step(step).label)


def _refuse(message: str, field: str = "done_on") -> None:
    raise DomainError(message, field=field, code="pipeline_rule")


def check_step(timeline: Timeline, proposal: Proposal, *, stage: str, today: date, rules: RulesConfig) -> list[str]:
    """Refuse (DomainError naming the rule and article) a step the rules do not allow now; return warnings
    for what the rules frown upon but allow (a late talk, an approval after three months with a reason)."""
    step, on = proposal.step, proposal.on
    warnings: list[str] = []
    if step == Step.INTENSIVE_TRAINING:
        _refuse(
            _("集中培训的天数和学时取自培训活动的出席记录,不能直接登记;请在“活动”中登记培训并勾选“发展对象集中培训”"),
            "step",
        )
    if on > today:
        _refuse(_("%(step)s的日期(%(date)s)不能晚于今天") % {"step": _label(step), "date": fmt(on)})
    allowed_stages = STAGE_OF_STEP.get(step)
    if allowed_stages and stage not in allowed_stages:
        _refuse(
            _("“%(step)s”只能在%(stages)s阶段登记,此人目前是%(stage)s")
            % {
                "step": _label(step),
                "stages": "、".join(str(Member.Stage(s).label) for s in allowed_stages),
                "stage": Member.Stage(stage).label,
            },
            "step",
        )
    if step not in REPEATABLE and timeline.has(step):
        _refuse(_("“%(step)s”已经登记过") % {"step": _label(step)}, "step")
    for needed in PREREQUISITES.get(step, ()):
        before = timeline.last(needed)
        if before is None:
            _refuse(
                _("须先完成“%(needed)s”,才能登记“%(step)s”") % {"needed": _label(needed), "step": _label(step)}, "step"
            )
        if before.done_on > on:
            _refuse(
                _("“%(step)s”的日期(%(date)s)早于“%(needed)s”(%(before)s)")
                % {"step": _label(step), "date": fmt(on), "needed": _label(needed), "before": fmt(before.done_on)}
            )
    gate_source = NOTICE_GATES.get(step)
    if gate_source is not None:
        source = timeline.last(gate_source)
        if source is not None and source.notice_until is not None and on <= source.notice_until:
            _refuse(
                _("“%(source)s”的公示期到%(until)s才结束(%(days)d个工作日),“%(step)s”须在公示期满后进行")
                % {
                    "source": _label(gate_source),
                    "until": fmt(source.notice_until),
                    "days": rules.notice_workdays,
                    "step": _label(step),
                }
            )
    if step in NOTICE_STEPS:
        if proposal.notice_from is None:
            _refuse(_("请填写公示开始日期(公示%(days)d个工作日)") % {"days": rules.notice_workdays}, "notice_from")
        if proposal.notice_from < on:
            _refuse(_("公示开始日期不能早于“%(step)s”的日期") % {"step": _label(step)}, "notice_from")
    checker = _CHECKS.get(step)
    if checker is not None:
        checker(timeline, proposal, warnings, rules)
    return warnings


def _check_application(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    adult_on = eighteenth_birthday(timeline.birth_date)
    if proposal.on < adult_on:
        _refuse(
            _("申请入党须年满十八岁(%(rules)s第五条):出生于%(birth)s,%(adult)s才满十八岁,申请日期为%(date)s")
            % {
                "rules": DEVELOPMENT_RULES,
                "birth": fmt(timeline.birth_date),
                "adult": fmt(adult_on),
                "date": fmt(proposal.on),
            }
        )


def _check_application_talk(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    applied = timeline.last(Step.APPLICATION).done_on
    due = add_months(applied, 1)
    if proposal.on > due:
        warnings.append(
            _("谈话晚于期限:党组织应在收到入党申请书后一个月内(%(due)s前)派人谈话(%(rules)s第七条)")
            % {"due": fmt(due), "rules": DEVELOPMENT_RULES}
        )


def _check_activist(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    applied = timeline.last(Step.APPLICATION).done_on
    earliest = add_months(applied, rules.applicant_months)
    if proposal.on < earliest:
        _refuse(
            _("按本镇规定,递交入党申请书满%(months)d个月后才能确定为入党积极分子(最早%(earliest)s)")
            % {"months": rules.applicant_months, "earliest": fmt(earliest)}
        )


def _check_contacts(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    if not 1 <= len(proposal.people) <= 2:
        _refuse(_("培养联系人应为一至两名正式党员(%(rules)s第二章)") % {"rules": DEVELOPMENT_RULES}, "people")
    _check_full_members(proposal, kind=_("培养联系人"), article=_("第二章"))


def _check_full_members(proposal: Proposal, *, kind: str, article: str) -> None:
    for person in proposal.people:
        if person.same_person:
            _refuse(_("%(kind)s不能是本人") % {"kind": kind}, "people")
        full = person.stage == Member.Stage.FULL and person.full_on is not None and person.full_on <= proposal.on
        if not full or person.status != Member.Status.ACTIVE:
            _refuse(
                _("%(name)s在%(date)s不是在册的正式党员(预备党员不能担任),不能作%(kind)s(%(rules)s%(article)s)")
                % {
                    "name": person.name,
                    "date": fmt(proposal.on),
                    "kind": kind,
                    "rules": DEVELOPMENT_RULES,
                    "article": article,
                },
                "people",
            )


def _check_activist_review(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    previous = max(
        [s.done_on for s in timeline.steps if s.step in (Step.ACTIVIST_DESIGNATION, Step.ACTIVIST_REVIEW)],
        default=None,
    )
    if previous is not None and proposal.on > add_months(previous, 6):
        warnings.append(
            _("考察晚于期限:党支部每半年对入党积极分子进行一次考察,上次考察为%(last)s(%(rules)s第十一条)")
            % {"last": fmt(previous), "rules": DEVELOPMENT_RULES}
        )


def review_gap(timeline: Timeline, until: date) -> tuple[date, date] | None:
    """The first stretch of more than six months without a review in the activist period up to ``until``."""
    designated = timeline.last(Step.ACTIVIST_DESIGNATION)
    if designated is None:
        return None
    marks = sorted(
        {
            designated.done_on,
            *(s.done_on for s in timeline.steps if s.step == Step.ACTIVIST_REVIEW and s.done_on <= until),
        }
    )
    marks.append(until)
    for start, end in zip(marks, marks[1:], strict=False):
        if end > add_months(start, 6):
            return start, end
    return None


def _check_candidate(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    designated = timeline.last(Step.ACTIVIST_DESIGNATION).done_on
    earliest = add_years(designated, 1)
    if proposal.on < earliest:
        months = months_between(designated, proposal.on)
        _refuse(
            _(
                "入党积极分子须经过一年以上培养教育和考察才能列为发展对象(%(rules)s第十三条):"
                "%(designated)s确定为积极分子,到%(date)s只有%(months)d个月,最早%(earliest)s"
            )
            % {
                "rules": DEVELOPMENT_RULES,
                "designated": fmt(designated),
                "date": fmt(proposal.on),
                "months": months,
                "earliest": fmt(earliest),
            }
        )
    gap = review_gap(timeline, proposal.on)
    if gap is not None:
        _refuse(
            _(
                "%(start)s至%(end)s超过半年没有考察记录:党支部每半年对入党积极分子进行一次考察(%(rules)s第十一条),请先补登考察"
            )
            % {"start": fmt(gap[0]), "end": fmt(gap[1]), "rules": DEVELOPMENT_RULES}
        )


def _check_sponsors(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    if len(proposal.people) != 2:
        _refuse(_("发展对象应当有两名正式党员作入党介绍人(%(rules)s第十四条)") % {"rules": DEVELOPMENT_RULES}, "people")
    _check_full_members(proposal, kind=_("入党介绍人"), article=_("第十四条"))


def _check_political_review(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    if proposal.passed_review is None:
        _refuse(_("请填写政治审查结论"), "passed_review")


def training_enough(timeline: Timeline) -> bool:
    return timeline.training_days >= 3 or timeline.training_hours >= 24


def _check_committee_review(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    review = timeline.last(Step.POLITICAL_REVIEW)
    if review is not None and review.passed_review is False:
        _refuse(_("政治审查不合格的,不能发展入党(%(rules)s第十六条)") % {"rules": DEVELOPMENT_RULES})
    if not training_enough(timeline):
        _refuse(
            _(
                "发展对象须参加不少于3天或不少于24个学时的短期集中培训(%(rules)s第十七条):"
                "出席记录中只有%(days)d天、%(hours)s学时"
            )
            % {"rules": DEVELOPMENT_RULES, "days": timeline.training_days, "hours": timeline.training_hours.normalize()}
        )


def _check_branch_vote(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    if timeline.organization_kind == Organization.Kind.TEMPORARY_BRANCH:
        _refuse(_("临时党支部不能接收预备党员,应由发展对象组织关系所在的党支部召开支部大会"), "organization")
    if proposal.vote is None:
        _refuse(_("请填写表决情况"), "votes_yes")
    vote_check(proposal.vote, article=_("第二十一条"))


def _check_approval(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    voted = timeline.last(Step.BRANCH_VOTE).done_on
    three, six = add_months(voted, 3), add_months(voted, 6)
    if proposal.on > six:
        _refuse(
            _("支部大会%(voted)s通过接收决议,上级党委审批最长不得超过6个月(%(until)s)(%(rules)s第四章)")
            % {"voted": fmt(voted), "until": fmt(six), "rules": DEVELOPMENT_RULES}
        )
    if proposal.on > three:
        if not proposal.reason.strip():
            _refuse(
                _("上级党委应在3个月内(%(until)s前)审批;因特殊情况延长的,请写明原因,最长不超过6个月(%(rules)s第四章)")
                % {"until": fmt(three), "rules": DEVELOPMENT_RULES},
                "note",
            )
        warnings.append(_("审批超过3个月,已记录延长原因"))


def _check_full_vote(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    end = timeline.probation_end()
    if end is not None and proposal.on < end:
        _refuse(
            _("预备期到%(end)s才满(预备期一年,自支部大会通过之日算起,%(rules)s第三十二条),满后才能讨论转正")
            % {"end": fmt(end), "rules": DEVELOPMENT_RULES}
        )
    last_vote = timeline.last(Step.FULL_VOTE)
    if last_vote is not None and last_vote.outcome != DevelopmentOutcome.EXTENDED:
        _refuse(_("已讨论过转正,不能重复表决"), "step")
    if proposal.outcome not in (
        DevelopmentOutcome.PASSED,
        DevelopmentOutcome.EXTENDED,
        DevelopmentOutcome.DISQUALIFIED,
    ):
        _refuse(_("请选择讨论结果:转为正式党员、延长预备期或取消预备党员资格"), "outcome")
    if proposal.outcome == DevelopmentOutcome.EXTENDED:
        if any(s.step == Step.FULL_VOTE and s.outcome == DevelopmentOutcome.EXTENDED for s in timeline.steps):
            _refuse(_("预备期只能延长一次(%(rules)s第三十二条)") % {"rules": DEVELOPMENT_RULES}, "outcome")
        if proposal.extension_months is None or not 6 <= proposal.extension_months <= 12:
            _refuse(
                _("延长预备期的时间不能少于半年,最长不超过一年(%(rules)s第三十二条)") % {"rules": DEVELOPMENT_RULES},
                "extension_months",
            )
    if proposal.vote is None:
        _refuse(_("请填写表决情况"), "votes_yes")
    vote_check(proposal.vote, article=_("第三十三条"))


def _check_full_request(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    if not timeline.has(Step.FULL_REQUEST):
        return
    last_vote = timeline.last(Step.FULL_VOTE)
    if last_vote is None or last_vote.outcome != DevelopmentOutcome.EXTENDED or last_vote.done_on > proposal.on:
        _refuse(_("已提出过转正申请;只有延长预备期后才能再次申请"), "step")


def _check_full_approval(timeline: Timeline, proposal: Proposal, warnings: list[str], rules: RulesConfig) -> None:
    last_vote = timeline.last(Step.FULL_VOTE)
    if last_vote.outcome != DevelopmentOutcome.PASSED:
        _refuse(_("支部大会尚未通过转正决议"), "step")
    end = timeline.probation_end()
    limit = add_months(end, 3)
    if proposal.on > limit:
        _refuse(
            _("预备期%(end)s期满,上级党委应在三个月内(%(limit)s前)审批转正(%(rules)s第三十四条)")
            % {"end": fmt(end), "limit": fmt(limit), "rules": DEVELOPMENT_RULES}
        )


_CHECKS = {
    Step.APPLICATION: _check_application,
    Step.APPLICATION_TALK: _check_application_talk,
    Step.ACTIVIST_DESIGNATION: _check_activist,
    Step.CONTACTS: _check_contacts,
    Step.ACTIVIST_REVIEW: _check_activist_review,
    Step.CANDIDATE_DESIGNATION: _check_candidate,
    Step.SPONSORS: _check_sponsors,
    Step.POLITICAL_REVIEW: _check_political_review,
    Step.COMMITTEE_REVIEW: _check_committee_review,
    Step.BRANCH_VOTE: _check_branch_vote,
    Step.APPROVAL: _check_approval,
    Step.FULL_REQUEST: _check_full_request,
    Step.FULL_VOTE: _check_full_vote,
    Step.FULL_APPROVAL: _check_full_approval,
}


def stage_after(step: str, outcome: str, stage: str) -> str:
    """The stage a recorded step moves the person to."""
    if step == Step.ACTIVIST_DESIGNATION:
        return Member.Stage.ACTIVIST
    if step == Step.CANDIDATE_DESIGNATION:
        return Member.Stage.CANDIDATE
    if step == Step.APPROVAL:
        return Member.Stage.PROBATIONARY
    if step == Step.FULL_APPROVAL:
        return Member.Stage.FULL
    return stage


@dataclass(frozen=True)
class NextStep:
    step: str
    due_on: date | None  # a statutory or local deadline; None where the rules set none
    earliest: date | None = None  # not before (a clock still running)


def next_step(
    timeline: Timeline, *, stage: str, rules: RulesConfig, thought_report_due: date | None = None
) -> NextStep | None:
    """What comes next for a person and by when (the due list and the 待办 inbox read this, stored)."""
    if stage == Member.Stage.APPLICANT:
        applied = timeline.last(Step.APPLICATION)
        if applied is None:
            return None
        if not timeline.has(Step.APPLICATION_TALK):
            return NextStep(Step.APPLICATION_TALK, add_months(applied.done_on, 1))
        return NextStep(Step.ACTIVIST_DESIGNATION, None, add_months(applied.done_on, rules.applicant_months))
    if stage == Member.Stage.ACTIVIST:
        designated = timeline.last(Step.ACTIVIST_DESIGNATION).done_on
        last_review = max(
            [s.done_on for s in timeline.steps if s.step in (Step.ACTIVIST_DESIGNATION, Step.ACTIVIST_REVIEW)]
        )
        review_due = add_months(last_review, 6)
        for needed in (Step.ACTIVIST_FILING, Step.CONTACTS):
            if not timeline.has(needed):
                return NextStep(needed, review_due)
        eligible = add_years(designated, 1)
        if review_due < eligible:
            return NextStep(Step.ACTIVIST_REVIEW, review_due)
        return NextStep(Step.CANDIDATE_DESIGNATION, review_due, eligible)
    if stage == Member.Stage.CANDIDATE:
        for step in (
            Step.CANDIDATE_FILING,
            Step.SPONSORS,
            Step.POLITICAL_REVIEW,
            Step.COMMITTEE_REVIEW,
            Step.PRE_REVIEW,
            Step.APPLICATION_FORM,
            Step.BRANCH_VOTE,
            Step.APPROVAL_TALK,
        ):
            if not timeline.has(step):
                source = NOTICE_GATES.get(step)
                record = timeline.last(source) if source else None
                earliest = record.notice_until + timedelta(days=1) if record and record.notice_until else None
                due = None
                if step == Step.APPROVAL_TALK:
                    due = add_months(timeline.last(Step.BRANCH_VOTE).done_on, 3)
                return NextStep(step, due, earliest)
        return NextStep(Step.APPROVAL, add_months(timeline.last(Step.BRANCH_VOTE).done_on, 3))
    if stage == Member.Stage.PROBATIONARY:
        end = timeline.probation_end()
        for step in (Step.APPROVAL_FILING, Step.ASSIGNMENT, Step.OATH):
            if not timeline.has(step):
                return NextStep(step, None)
        last_vote = timeline.last(Step.FULL_VOTE)
        if last_vote is not None and last_vote.outcome == DevelopmentOutcome.PASSED:
            return NextStep(Step.FULL_APPROVAL, add_months(end, 3) if end else None)
        request = timeline.last(Step.FULL_REQUEST)
        if request is None or (last_vote is not None and request.done_on <= last_vote.done_on):
            return NextStep(Step.FULL_REQUEST, end)
        earliest = max(end, request.notice_until + timedelta(days=1)) if request.notice_until else end
        return NextStep(Step.FULL_VOTE, end, earliest)
    if stage == Member.Stage.FULL and timeline.has(Step.FULL_APPROVAL) and not timeline.has(Step.ARCHIVING):
        return NextStep(Step.ARCHIVING, None)
    return None


def check_member_dates(
    *,
    birth_date: date,
    stage: str,
    applied_on: date | None,
    joined_on: date | None,
    full_on: date | None,
    extended_months: int,
    today: date,
) -> list[str]:
    """The dates of a member entered after the fact (the roster, a member joining from elsewhere) under the same
    rules as the pipeline: application at 18 or older, probation of exactly one year from the vote (one
    extension of 6 to 12 months), full membership from the end of probation. Returns warnings."""
    warnings: list[str] = []
    if stage not in (Member.Stage.PROBATIONARY, Member.Stage.FULL):
        _refuse(_("花名册只登记预备党员和正式党员;入党申请人等请在“发展党员”中登记"), "stage")
    if joined_on is None:
        _refuse(_("请填写入党日期(支部大会通过其为预备党员之日)"), "joined_on")
    adult_on = eighteenth_birthday(birth_date)
    for label, day, field_name in (
        (_("入党申请日期"), applied_on, "applied_on"),
        (_("入党日期"), joined_on, "joined_on"),
    ):
        if day is None:
            continue
        if day > today:
            _refuse(_("%(label)s(%(date)s)不能晚于今天") % {"label": label, "date": fmt(day)}, field_name)
        if day < adult_on:
            _refuse(
                _("%(label)s%(date)s时未满十八岁(出生于%(birth)s),申请入党须年满十八岁(%(rules)s第五条)")
                % {"label": label, "date": fmt(day), "birth": fmt(birth_date), "rules": DEVELOPMENT_RULES},
                field_name,
            )
    if applied_on is not None and applied_on > joined_on:
        _refuse(_("入党申请日期不能晚于入党日期"), "applied_on")
    if extended_months and not 6 <= extended_months <= 12:
        _refuse(
            _("延长预备期的时间不能少于半年,最长不超过一年(%(rules)s第三十二条)") % {"rules": DEVELOPMENT_RULES},
            "extended_months",
        )
    end = add_months(add_years(joined_on, 1), extended_months or 0)
    if stage == Member.Stage.FULL:
        if full_on is None:
            _refuse(_("正式党员请填写转为正式党员日期"), "full_on")
        if full_on != end:
            _refuse(
                _(
                    "转为正式党员日期应为预备期满之日%(end)s:预备期一年,自支部大会通过之日(%(joined)s)算起"
                    "%(extension)s(%(rules)s第三十二条、第三十四条)"
                )
                % {
                    "end": fmt(end),
                    "joined": fmt(joined_on),
                    "extension": _(",延长%(n)d个月") % {"n": extended_months} if extended_months else "",
                    "rules": DEVELOPMENT_RULES,
                },
                "full_on",
            )
        if full_on > today:
            _refuse(_("预备期到%(end)s才满,尚不能登记为正式党员") % {"end": fmt(end)}, "stage")
    else:
        if full_on is not None:
            _refuse(_("预备党员不应有转为正式党员日期"), "full_on")
        if add_months(end, 3) < today:
            warnings.append(
                _("预备期已于%(end)s期满,超过三个月尚未审批转正(%(rules)s第三十四条)")
                % {"end": fmt(end), "rules": DEVELOPMENT_RULES}
            )
    return warnings
