"""Party API (/api/party/): organisations, members, pipeline steps, activities with attendance, coverage — the same
services, selectors and scope as the pages. Resident IDs only ever leave masked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import StrictBool

from lianxin.core.api import Count, Id, InputSchema, PageOut, SafeDate, model_decimal, page_out
from lianxin.core.errors import DomainError
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import get_scoped_or_404, require_perm, scope_to_user
from lianxin.enterprises.models import Enterprise, Project
from lianxin.people.models import Person
from lianxin.regions.models import Region

from . import selectors, services
from .models import Activity, Attendance, Language, Member, Organization, Step, Theme
from .rules import Vote

router = Router(tags=["party"])


class OrganizationOut(Schema):
    id: int
    name: str
    kind: Organization.Kind
    parent_id: int | None
    region_id: int
    founded_on: date
    founding_reason: str
    dissolved_on: date | None
    covered_group_ids: list[int]
    project_ids: list[int]
    members: int
    full_members: int
    seconded: int
    warnings: list[str]


class OrganizationIn(InputSchema):
    name: str
    kind: Organization.Kind
    parent_id: Id | None = None
    region_id: Id
    founded_on: SafeDate
    founding_reason: str = ""
    covered_group_ids: list[Id] = []
    project_ids: list[Id] = []
    enterprise_ids: list[Id] = []
    party_groups: Count = 0


class MemberOut(Schema):
    id: int
    person_id: int
    name: str
    resident_id_masked: str
    stage: Member.Stage
    status: Member.Status
    organization_id: int
    organization: str
    seconded_to_id: int | None
    applied_on: date | None
    joined_on: date | None
    probation_ends_on: date | None
    full_on: date | None
    non_resident: bool
    next_step: str
    next_due_on: date | None


class MemberIn(InputSchema):
    person_id: Id
    organization_id: Id
    stage: Member.Stage
    joined_on: SafeDate
    applied_on: SafeDate | None = None
    full_on: SafeDate | None = None
    extended_months: Count = 0
    occupation: str = ""
    education: str = ""
    non_resident: StrictBool = False
    residence: str = ""


class ApplicationIn(InputSchema):
    person_id: Id
    organization_id: Id
    applied_on: SafeDate
    note: str = ""


class VoteIn(InputSchema):
    should_attend: Count
    attended: Count
    yes: Count
    no: Count = 0
    abstain: Count = 0
    written: Count = 0


class StepIn(InputSchema):
    step: Step
    done_on: SafeDate
    responsible: str = ""
    note: str = ""
    people_ids: list[Id] = []
    notice_from: SafeDate | None = None
    vote: VoteIn | None = None
    outcome: str = ""
    extension_months: Count | None = None
    passed_review: StrictBool | None = None


class StepOut(Schema):
    id: int
    step: Step
    done_on: date
    organization_id: int | None
    responsible: str
    note: str
    notice_from: date | None
    notice_until: date | None
    should_attend: int | None
    attended: int | None
    written_opinions: int | None
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    outcome: str
    extension_months: int | None
    passed_review: bool | None


class StepResultOut(Schema):
    step: StepOut
    warnings: list[str]


class AttendanceIn(InputSchema):
    member_id: Id
    status: Attendance.Status = Attendance.Status.PRESENT
    leave_reason: str = ""


class AttendanceOut(Schema):
    member_id: int
    name: str
    status: Attendance.Status
    leave_reason: str


class ActivityIn(InputSchema):
    organization_id: Id
    kind: Activity.Kind
    title: str
    held_on: SafeDate
    place: str
    hours: model_decimal(Activity, "hours", ge=0)  # type: ignore[valid-type]
    organiser_department: str = ""
    village_group_id: Id | None = None
    intensive_training: StrictBool = False
    publicity_form: str = ""
    non_member_count: Count = 0
    minutes: str = ""
    theme_ids: list[Id] = []
    language_codes: list[str] = []
    attendance: list[AttendanceIn] = []


class ActivityOut(Schema):
    id: int
    organization_id: int
    kind: Activity.Kind
    title: str
    held_on: date
    place: str
    hours: Decimal
    organiser_department: str
    intensive_training: bool
    non_member_count: int
    themes: list[str]
    languages: list[str]
    attendance: list[AttendanceOut]


class GroupCoverageOut(Schema):
    group_id: int
    group: str
    village: str
    covered: bool
    organizations: list[str]
    full: int
    probationary: int
    activists: int
    applicants: int
    suggestion: str


class CoverageOut(Schema):
    project_id: int | None
    total: int
    covered: int
    percent: Decimal
    groups: list[GroupCoverageOut]


class DueOut(Schema):
    member_id: int
    name: str
    stage: Member.Stage
    organization: str
    next_step: str
    next_due_on: date | None
    overdue: bool


def _organization_out(organization: Organization) -> dict:
    health = selectors.organization_health(organization)
    return {
        "id": organization.pk,
        "name": organization.name,
        "kind": organization.kind,
        "parent_id": organization.parent_id,
        "region_id": organization.region_id,
        "founded_on": organization.founded_on,
        "founding_reason": organization.founding_reason,
        "dissolved_on": organization.dissolved_on,
        "covered_group_ids": [g.pk for g in organization.covered_groups.all()],
        "project_ids": [p.pk for p in organization.projects.all()],
        "members": health.members,
        "full_members": health.full_members,
        "seconded": health.seconded,
        "warnings": [w.message for w in health.warnings],
    }


def _member_out(m: Member) -> dict:
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "name": m.person.name,
        "resident_id_masked": m.person.resident_id_masked,
        "stage": m.stage,
        "status": m.status,
        "organization_id": m.organization_id,
        "organization": m.organization.name,
        "seconded_to_id": m.seconded_to_id,
        "applied_on": m.applied_on,
        "joined_on": m.joined_on,
        "probation_ends_on": m.probation_ends_on,
        "full_on": m.full_on,
        "non_resident": m.non_resident,
        "next_step": m.next_step,
        "next_due_on": m.next_due_on,
    }


def _organization(request, pk: int | None) -> Organization | None:
    if pk is None:
        return None
    return get_scoped_or_404(Organization.objects.all(), request.user, pk=pk)


# --- organisations -------------------------------------------------------------------------------------------


@router.get("/organizations", response=list[OrganizationOut])
def organization_list(request, include_dissolved: bool = False):
    qs = selectors.organization_list(user=request.user, include_dissolved=include_dissolved).prefetch_related(
        "covered_groups", "projects"
    )
    return [_organization_out(o) for o in qs]


@router.get("/organizations/{organization_id}", response=OrganizationOut)
def organization_detail(request, organization_id: Id):
    return _organization_out(selectors.organization_get(user=request.user, pk=organization_id))


@router.post("/organizations", response={201: OrganizationOut})
def organization_create(request, payload: OrganizationIn):
    user = request.user
    groups = list(scope_to_user(Region.objects.filter(pk__in=payload.covered_group_ids), user))
    if len(groups) != len(set(payload.covered_group_ids)):
        raise DomainError(_("覆盖的村民小组不存在或不在您的管辖范围内"), field="covered_group_ids")
    organization = services.organization_create(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        parent=_organization(request, payload.parent_id),
        region=get_scoped_or_404(Region.objects.all(), user, pk=payload.region_id),
        founded_on=payload.founded_on,
        founding_reason=payload.founding_reason,
        covered_groups=groups,
        projects=list(scope_to_user(Project.objects.filter(pk__in=payload.project_ids), user)),
        enterprises=list(scope_to_user(Enterprise.objects.filter(pk__in=payload.enterprise_ids), user)),
        party_groups=payload.party_groups,
    )
    return Status(201, _organization_out(organization))


@router.get("/coverage", response=CoverageOut)
def coverage(request, project_id: Id | None = None):
    """Coverage of the township, or of a project's area (the village groups its parcels lie in)."""
    require_perm(request.user, "party.view_member")
    project = None
    if project_id is not None:
        project = scope_to_user(Project.objects.filter(pk=project_id), request.user, aggregate=True).first()
        if project is None:
            raise DomainError(_("项目不存在"), field="project_id")
    result = selectors.coverage(user=request.user, project=project)
    return {
        "project_id": project.pk if project else None,
        "total": result.total,
        "covered": result.covered,
        "percent": result.percent,
        "groups": [
            {
                "group_id": row.group.pk,
                "group": row.group.name,
                "village": row.group.parent.name,
                "covered": row.covered,
                "organizations": [name for _pk, name in row.organizations],
                "full": row.full,
                "probationary": row.probationary,
                "activists": row.activists,
                "applicants": row.applicants,
                "suggestion": row.suggestion,
            }
            for row in result.groups
        ],
    }


# --- members and the pipeline -----------------------------------------------------------------------------------


@router.get("/members", response=PageOut[MemberOut])
def member_list(
    request,
    organization_id: int | None = None,
    stage: str = "",
    status: str = Member.Status.ACTIVE,
    members_only: bool = True,
    after: str | None = None,
):
    qs = selectors.member_list(
        user=request.user,
        organization=_organization(request, organization_id),
        stage=stage,
        status=status,
        members_only=members_only,
    )
    page = keyset_page(qs, after=after)
    return page_out(page) | {"items": [_member_out(m) for m in page.items]}


@router.get("/members/{member_id}", response=MemberOut)
def member_detail(request, member_id: Id):
    return _member_out(selectors.member_get(user=request.user, pk=member_id))


@router.post("/members", response={201: MemberOut})
def member_register(request, payload: MemberIn):
    user = request.user
    person = get_scoped_or_404(Person.objects.all(), user, pk=payload.person_id)
    member, _warnings = services.member_register(
        actor=user,
        person=person,
        organization=_organization(request, payload.organization_id),
        stage=payload.stage,
        joined_on=payload.joined_on,
        applied_on=payload.applied_on,
        full_on=payload.full_on,
        extended_months=payload.extended_months,
        occupation=payload.occupation,
        education=payload.education,
        non_resident=payload.non_resident,
        residence=payload.residence,
    )
    return Status(201, _member_out(member))


@router.post("/pipeline", response={201: MemberOut})
def pipeline_start(request, payload: ApplicationIn):
    """An application (递交入党申请书): the person enters the pipeline."""
    user = request.user
    person = get_scoped_or_404(Person.objects.all(), user, pk=payload.person_id)
    member = services.pipeline_start(
        actor=user,
        person=person,
        organization=_organization(request, payload.organization_id),
        applied_on=payload.applied_on,
        note=payload.note,
    )
    return Status(201, _member_out(member))


@router.get("/pipeline", response=list[DueOut])
def pipeline_due(request, overdue: bool = False, stage: str = ""):
    """Everyone in the pipeline with the next step and its due date, soonest first (at most 500)."""
    from django.utils import timezone

    today = timezone.localdate()
    qs = selectors.pipeline_list(user=request.user, stage=stage, overdue_on=today if overdue else None)
    return [
        {
            "member_id": m.pk,
            "name": m.person.name,
            "stage": m.stage,
            "organization": m.organization.name,
            "next_step": m.next_step,
            "next_due_on": m.next_due_on,
            "overdue": m.next_due_on is not None and m.next_due_on < today,
        }
        for m in qs.order_by("next_due_on", "pk")[:500]
    ]


@router.get("/members/{member_id}/steps", response=list[StepOut])
def step_list(request, member_id: Id):
    member = selectors.member_get(user=request.user, pk=member_id)
    require_perm(request.user, "party.view_developmentstep")
    return list(member.steps.order_by("done_on", "id"))


@router.post("/members/{member_id}/steps", response={201: StepResultOut})
def step_record(request, member_id: Id, payload: StepIn):
    """Record the next step; a refusal (400) names the rule and the article."""
    user = request.user
    member = selectors.member_get(user=user, pk=member_id)
    people = list(scope_to_user(Member.objects.filter(pk__in=payload.people_ids), user).select_related("person"))
    if len(people) != len(set(payload.people_ids)):
        raise DomainError(_("所列党员不存在或不在您的管辖范围内"), field="people_ids")
    result = services.pipeline_step_record(
        actor=user,
        member=member,
        step=payload.step,
        on=payload.done_on,
        responsible=payload.responsible,
        note=payload.note,
        people=people,
        notice_from=payload.notice_from,
        vote=Vote(**payload.vote.dict()) if payload.vote else None,
        outcome=payload.outcome,
        extension_months=payload.extension_months,
        passed_review=payload.passed_review,
    )
    return Status(201, {"step": result.step, "warnings": result.warnings})


# --- activities ------------------------------------------------------------------------------------------------


def _activity_out(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "organization_id": activity.organization_id,
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on,
        "place": activity.place,
        "hours": activity.hours,
        "organiser_department": activity.organiser_department,
        "intensive_training": activity.intensive_training,
        "non_member_count": activity.non_member_count,
        "themes": [t.name for t in activity.themes.all()],
        "languages": [lang.code for lang in activity.languages.all()],
        "attendance": [
            {"member_id": a.member_id, "name": a.member.person.name, "status": a.status, "leave_reason": a.leave_reason}
            for a in activity.attendance.all()
        ],
    }


@router.get("/activities", response=PageOut[ActivityOut])
def activity_list(request, organization_id: Id | None = None, kind: str = "", after: str | None = None):
    from django.db.models import Prefetch

    qs = selectors.activity_list(
        user=request.user, organization=_organization(request, organization_id), kind=kind
    ).prefetch_related(Prefetch("attendance", queryset=Attendance.objects.select_related("member__person")))
    page = keyset_page(qs, after=after)
    return page_out(page) | {"items": [_activity_out(a) for a in page.items]}


@router.get("/activities/{activity_id}", response=ActivityOut)
def activity_detail(request, activity_id: Id):
    return _activity_out(selectors.activity_get(user=request.user, pk=activity_id))


@router.post("/activities", response={201: ActivityOut})
def activity_create(request, payload: ActivityIn):
    user = request.user
    members = {
        m.pk: m
        for m in scope_to_user(
            Member.objects.filter(pk__in=[row.member_id for row in payload.attendance]), user
        ).select_related("person")
    }
    missing = {row.member_id for row in payload.attendance} - set(members)
    if missing:
        raise DomainError(_("出席名单中有不存在或不在您管辖范围内的人员"), field="attendance")
    group = (
        get_scoped_or_404(Region.objects.all(), user, pk=payload.village_group_id) if payload.village_group_id else None
    )
    activity = services.activity_record(
        actor=user,
        organization=_organization(request, payload.organization_id),
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
        place=payload.place,
        hours=payload.hours,
        organiser_department=payload.organiser_department,
        village_group=group,
        intensive_training=payload.intensive_training,
        publicity_form=payload.publicity_form,
        non_member_count=payload.non_member_count,
        minutes=payload.minutes,
        themes=list(Theme.objects.filter(pk__in=payload.theme_ids)),
        languages=list(Language.objects.filter(code__in=payload.language_codes)),
        attendance=[(members[row.member_id], row.status, row.leave_reason) for row in payload.attendance],
    )
    return Status(201, _activity_out(selectors.activity_get(user=user, pk=activity.pk)))
