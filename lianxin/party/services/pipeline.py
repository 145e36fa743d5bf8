"""The development pipeline (发展党员): one service moves a person along the 25 steps; every step is checked by
``rules.check_step`` (the same checks the import applies) and refused with the rule and its article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.people.models import Person

from ..models import BRANCH_KINDS, Attendance, DevelopmentStep, Member, Organization, Step, ThoughtReport
from ..rules import (
    DevelopmentOutcome,
    Proposal,
    Sponsor,
    StepRecord,
    Timeline,
    Vote,
    add_months,
    add_years,
    check_step,
    next_step,
    notice_end,
    stage_after,
)
from .common import require, require_organization, rules_config, rules_current
from .files import store_upload

# Steps the higher committee (上级党委) takes: recorded against the nearest committee above the branch.
COMMITTEE_STEPS = {
    Step.ACTIVIST_FILING,
    Step.CANDIDATE_FILING,
    Step.PRE_REVIEW,
    Step.APPROVAL_TALK,
    Step.APPROVAL,
    Step.APPROVAL_FILING,
    Step.FULL_APPROVAL,
}
VOTE_STEPS = {Step.BRANCH_VOTE, Step.FULL_VOTE}
PEOPLE_STEPS = {Step.CONTACTS, Step.SPONSORS}


def committee_of(organization: Organization) -> Organization:
    """The nearest committee (党委) at or above ``organization``: the one that approves its new members."""
    ids = [int(pk) for pk in organization.path.strip("/").split("/") if pk]
    committees = {o.pk: o for o in Organization.objects.filter(pk__in=ids, kind=Organization.Kind.COMMITTEE)}
    for pk in reversed(ids):
        if pk in committees:
            return committees[pk]
    return organization


def training_attended(member: Member, since: date, until: date) -> tuple[int, Decimal]:
    """Days and class hours of intensive training (发展对象集中培训) the person attended in [since, until]."""
    row = Attendance.objects.filter(
        member=member,
        status=Attendance.Status.PRESENT,
        activity__intensive_training=True,
        held_on__gte=since,
        held_on__lte=until,
    ).aggregate(days=Count("held_on", distinct=True), hours=Sum("hours"))
    return row["days"] or 0, row["hours"] or Decimal("0")


def _records(member: Member) -> list[StepRecord]:
    return [
        StepRecord(
            step=s.step,
            done_on=s.done_on,
            outcome=s.outcome,
            extension_months=s.extension_months,
            notice_until=s.notice_until,
            passed_review=s.passed_review,
        )
        for s in member.steps.order_by("done_on", "id")
    ]


# The steps a member put on the books without a recorded development (the roster, a transfer in) went through
# before the records begin: the rules see them as done on the member's dates.
BEFORE_THE_RECORDS = [s for s in Step.values[: Step.values.index(Step.OATH) + 1] if s != Step.INTENSIVE_TRAINING]
AFTER_PROBATION = [Step.FULL_REQUEST, Step.FULL_VOTE, Step.FULL_APPROVAL, Step.ARCHIVING]


def _history_before_records(member: Member, records: list[StepRecord]) -> list[StepRecord]:
    if member.joined_on is None or any(r.step == Step.BRANCH_VOTE for r in records):
        return []
    joined = member.joined_on
    history = [
        StepRecord(
            step,
            member.applied_on or joined if step == Step.APPLICATION else joined,
            outcome="passed" if step == Step.BRANCH_VOTE else "",
        )
        for step in BEFORE_THE_RECORDS
        if not any(r.step == step for r in records)
    ]
    end = add_years(joined, 1)
    if member.extended_months:
        history.append(
            StepRecord(
                Step.FULL_VOTE, end, outcome=DevelopmentOutcome.EXTENDED, extension_months=member.extended_months
            )
        )
    if member.stage == Member.Stage.FULL and member.full_on:
        for step in AFTER_PROBATION:
            if not any(r.step == step for r in records):
                history.append(StepRecord(step, member.full_on, outcome="passed" if step == Step.FULL_VOTE else ""))
    return history


def timeline_of(member: Member, *, until: date | None = None, steps: list[StepRecord] | None = None) -> Timeline:
    """The person's timeline as the rules see it: birth date, steps, the branch's kind, training attended since
    becoming a candidate (up to ``until``). A member entered with their dates (roster, transfer in) has the
    steps before the records begin counted as done on those dates."""
    records = _records(member) if steps is None else steps
    records = _history_before_records(member, records) + records
    timeline = Timeline(
        birth_date=member.person.birth_date,
        steps=records,
        organization_kind=member.organization.kind,
    )
    candidate = timeline.last(Step.CANDIDATE_DESIGNATION)
    if candidate is not None:
        days, hours = training_attended(member, candidate.done_on, until or timezone.localdate())
        timeline.training_days, timeline.training_hours = days, hours
    return timeline


def pipeline_refresh(member: Member, *, timeline: Timeline | None = None, config=None) -> Member:
    """Store the next step and its due date (the due list and the 待办 inbox read these)."""
    timeline = timeline or timeline_of(member)
    upcoming = None
    if member.status == Member.Status.ACTIVE:
        upcoming = next_step(timeline, stage=member.stage, rules=config or rules_config())
    member.next_step = upcoming.step if upcoming else ""
    member.next_due_on = upcoming.due_on if upcoming else None
    Member.objects.filter(pk=member.pk).update(next_step=member.next_step, next_due_on=member.next_due_on)
    return member


def pipeline_refresh_all() -> int:
    """Recompute every open pipeline's next step (after the local rules changed)."""
    count = 0
    qs = (
        Member.objects.filter(status=Member.Status.ACTIVE)
        .exclude(next_step="")
        .select_related("person", "organization")
    )
    for member in qs.iterator(chunk_size=500):
        pipeline_refresh(member)
        count += 1
    return count


@transaction.atomic
def pipeline_start(
    *,
    actor,
    person: Person,
    organization: Organization,
    applied_on: date,
    note: str = "",
    document: UploadedFile | None = None,
    **details,
) -> Member:
    """A person hands in the application (递交入党申请书) to a branch: they enter the pipeline as an applicant.
    Past dates are welcome (historical entry) and meet the same rules."""
    require_organization(actor, organization, "party.add_member")
    if organization.kind not in BRANCH_KINDS:
        raise DomainError(_("入党申请应向党支部提出,请选择党支部"), field="organization")
    if organization.dissolved_on is not None:
        raise DomainError(_("该党支部已撤销"), field="organization")
    existing = Member.objects.filter(person=person).first()
    if existing is not None:
        raise DomainError(
            _("%(name)s已有记录(%(stage)s,%(status)s),不能重复登记")
            % {"name": person.name, "stage": existing.get_stage_display(), "status": existing.get_status_display()},
            field="person",
        )
    member = Member(
        person=person, stage=Member.Stage.APPLICANT, organization=organization, applied_on=applied_on, **details
    )
    timeline = Timeline(birth_date=person.birth_date, steps=[], organization_kind=organization.kind)
    check_step(
        timeline,
        Proposal(step=Step.APPLICATION, on=applied_on),
        stage=Member.Stage.APPLICANT,
        today=timezone.localdate(),
        rules=rules_config(),
    )
    member.full_clean(exclude=["person", "organization", "languages"])
    with acting_as(actor):
        member.save()
        step = DevelopmentStep(
            member=member,
            step=Step.APPLICATION,
            done_on=applied_on,
            organization=organization,
            note=note.strip(),
            recorded_by=actor,
        )
        if document is not None:
            store_upload(step, document)
        step.save()
        pipeline_refresh(member)
    return member


@dataclass
class StepResult:
    step: DevelopmentStep
    warnings: list[str]


def _sponsors(member: Member, people: list[Member], on: date) -> list[Sponsor]:
    return [
        Sponsor(
            name=p.person.name,
            stage=p.stage,
            status=p.status,
            full_on=p.full_on,
            same_person=p.pk == member.pk,
        )
        for p in people
    ]


@transaction.atomic
def pipeline_step_record(
    *,
    actor,
    member: Member,
    step: str,
    on: date,
    responsible: str = "",
    note: str = "",
    people: list[Member] | None = None,
    notice_from: date | None = None,
    vote: Vote | None = None,
    outcome: str = "",
    extension_months: int | None = None,
    passed_review: bool | None = None,
    document: UploadedFile | None = None,
) -> StepResult:
    """Record the next step of a person's development, refusing what the rules forbid (the message names the
    rule and the article). Branch meetings carry their votes; the service computes whether they pass. The
    person's stage and dates follow: activist, candidate, probationary from the vote (probation exactly one
    year, one extension of 6–12 months), full member from the end of probation."""
    if step not in Step.values:
        raise DomainError(_("请选择环节"), field="step")
    member = Member.objects.select_for_update().select_related("person", "organization").get(pk=member.pk)
    require_organization(actor, member.organization, "party.add_developmentstep")
    responsible_org = member.organization
    if step in COMMITTEE_STEPS:
        responsible_org = committee_of(member.organization)
        if responsible_org.pk != member.organization.pk:
            require_organization(actor, responsible_org, "party.add_developmentstep")
    if member.status != Member.Status.ACTIVE:
        raise DomainError(
            _("%(name)s不在发展程序中(%(status)s)")
            % {"name": member.person.name, "status": member.get_status_display()}
        )
    rules = rules_current()
    config = rules_config(rules)
    timeline = timeline_of(member, until=on)
    people = list(people or [])
    if step == Step.BRANCH_VOTE and vote is not None:
        outcome = DevelopmentOutcome.PASSED
    if step == Step.FULL_VOTE and outcome != DevelopmentOutcome.EXTENDED:
        extension_months = None
    proposal = Proposal(
        step=step,
        on=on,
        vote=vote,
        people=_sponsors(member, people, on),
        notice_from=notice_from,
        outcome=outcome,
        extension_months=extension_months,
        passed_review=passed_review,
        reason=note,
    )
    warnings = check_step(timeline, proposal, stage=member.stage, today=timezone.localdate(), rules=config)
    record = DevelopmentStep(
        member=member,
        step=step,
        done_on=on,
        organization=responsible_org,
        responsible=responsible.strip(),
        note="\n".join([note.strip(), *(_("【提示】%(w)s") % {"w": w} for w in warnings)]).strip(),
        notice_from=notice_from,
        notice_until=notice_end(notice_from, rules.notice_workdays) if notice_from else None,
        outcome=outcome if step in VOTE_STEPS else "",
        extension_months=extension_months,
        passed_review=passed_review if step == Step.POLITICAL_REVIEW else None,
        recorded_by=actor,
    )
    if vote is not None and step in VOTE_STEPS:
        record.should_attend, record.attended, record.written_opinions = vote.should_attend, vote.attended, vote.written
        record.votes_yes, record.votes_no, record.votes_abstain = vote.yes, vote.no, vote.abstain
    record.full_clean(exclude=["member", "organization", "document"])
    with acting_as(actor):
        if document is not None:
            store_upload(record, document)
        record.save()
        if step in PEOPLE_STEPS:
            record.people.set(people)
        _advance(member, record, timeline)
        member.save()
        timeline.steps.append(
            StepRecord(
                step=record.step,
                done_on=record.done_on,
                outcome=record.outcome,
                extension_months=record.extension_months,
                notice_until=record.notice_until,
                passed_review=record.passed_review,
            )
        )
        pipeline_refresh(member, timeline=timeline, config=config)
    return StepResult(record, warnings)


def _advance(member: Member, record: DevelopmentStep, timeline: Timeline) -> None:
    """The person's stage and dates after ``record``."""
    step, on = record.step, record.done_on
    member.stage = stage_after(step, record.outcome, member.stage)
    if step == Step.ACTIVIST_DESIGNATION:
        member.activist_on = on
    elif step == Step.CANDIDATE_DESIGNATION:
        member.candidate_on = on
    elif step == Step.APPROVAL:
        voted = timeline.last(Step.BRANCH_VOTE).done_on
        member.joined_on = voted
        member.probation_ends_on = add_years(voted, 1)
    elif step == Step.FULL_VOTE and record.outcome == DevelopmentOutcome.EXTENDED:
        member.extended_months = record.extension_months
        member.probation_ends_on = add_months(add_years(member.joined_on, 1), record.extension_months)
    elif step == Step.FULL_VOTE and record.outcome == DevelopmentOutcome.DISQUALIFIED:
        member.status = Member.Status.DISQUALIFIED
        member.left_on = on
    elif step == Step.FULL_APPROVAL:
        member.full_on = member.probation_ends_on  # 党龄 from the end of probation (第三十四条)


@transaction.atomic
def pipeline_stop(*, actor, member: Member, on: date, reason: str) -> Member:
    """End someone's development (终止发展, e.g. they withdrew or moved away) with the reason; the record stays."""
    require_organization(actor, member.organization, "party.change_member")
    if member.is_member and member.stage == Member.Stage.FULL:
        raise DomainError(_("正式党员不在发展程序中"))
    if not reason.strip():
        raise DomainError(_("请写明原因"), field="reason")
    with acting_as(actor):
        member.status = Member.Status.STOPPED
        member.left_on = on
        member.left_reason = reason.strip()[:200]
        member.save()
        pipeline_refresh(member)
    return member


def thought_report_record(*, actor, member: Member, submitted_on: date) -> ThoughtReport:
    """A thought report (思想汇报) handed in; the interval is a local rule."""
    require_organization(actor, member.organization, "party.add_thoughtreport")
    if submitted_on > timezone.localdate():
        raise DomainError(_("提交日期不能晚于今天"), field="submitted_on")
    report = ThoughtReport(member=member, submitted_on=submitted_on)
    with transaction.atomic(), acting_as(actor):
        report.save()
    return report


def thought_report_due(member: Member) -> date | None:
    """When the next thought report is due (local rule: every N months from the last, or from the application)."""
    if member.stage == Member.Stage.FULL or member.status != Member.Status.ACTIVE:
        return None
    last = member.thought_reports.order_by("-submitted_on").values_list("submitted_on", flat=True).first()
    start = last or member.applied_on
    return add_months(start, rules_current().thought_report_months) if start else None


__all__ = [
    "COMMITTEE_STEPS",
    "StepResult",
    "committee_of",
    "pipeline_refresh",
    "pipeline_refresh_all",
    "pipeline_start",
    "pipeline_step_record",
    "pipeline_stop",
    "require",
    "thought_report_due",
    "thought_report_record",
    "timeline_of",
    "training_attended",
]
