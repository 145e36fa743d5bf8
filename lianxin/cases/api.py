"""Cases API (/api/cases/): the same services, selectors and visibility as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool

from lianxin.core.api import (
    Count,
    ErrorOut,
    Id,
    InputSchema,
    PageOut,
    SafeDate,
    SearchTerm,
    error_body,
    model_decimal,
    page_out,
)
from lianxin.core.errors import DomainError
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.enterprises.models import Enterprise, Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region
from lianxin.regions.selectors import region_get

from . import report_guard, selectors, services
from .models import Case, CaseEvent, CaseParty

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    number: str
    kind: Case.Kind
    state: Case.State
    title: str
    description: str
    region_id: int
    enterprise_id: int | None
    service_item_id: int | None
    assignee_id: int | None
    registered_at: datetime
    accepted_on: date | None
    due_on: date | None
    due_provisional: bool
    suspended_on: date | None
    suspended_workdays: int
    resolved_at: datetime | None
    closed_at: datetime | None
    result: str
    satisfaction: int | None
    satisfaction_comment: str
    dispute_category: str
    dispute_outcome: str
    incident_type: str
    site: str
    loss_value: Decimal | None
    solved: bool
    suspects_caught: int


class EventOut(Schema):
    id: int
    type: CaseEvent.Type
    from_state: str
    to_state: str
    actor_id: int | None
    at: datetime
    reason: str


class PartyIn(InputSchema):
    role: CaseParty.Role = CaseParty.Role.APPLICANT
    person_id: Id | None = None
    household_id: Id | None = None
    enterprise_id: Id | None = None
    name: str = ""  # someone outside the registers, by name


class CaseIn(InputSchema):
    kind: Case.Kind
    title: str
    description: str
    region_id: Id | None = None
    parties: list[PartyIn] = []
    parcel_ids: list[Id] = []
    project_id: Id | None = None
    dispute_category: str = ""
    enterprise_id: Id | None = None
    service_item_id: Id | None = None
    incident_type: str = ""
    site: str = ""
    occurred_on: SafeDate | None = None
    loss_value: model_decimal(Case, "loss_value", ge=0) | None = None


class TransitionIn(InputSchema):
    to_state: Case.State
    reason: str = ""
    outcome: str = ""
    solved: StrictBool | None = None
    suspects_caught: Count | None = None
    satisfaction: Annotated[int, Field(ge=1, le=5)] | None = None
    assignee_id: Id | None = None
    service_standard: dict[str, bool] | None = None  # at a revisit of an enterprise request: "六个一"


class CommentIn(InputSchema):
    text: str


class InstructionIn(InputSchema):
    type: Literal["instruction", "chase"]
    text: str = ""


class AcknowledgeIn(InputSchema):
    text: str = ""


class RatingIn(InputSchema):
    satisfaction: Annotated[int, Field(ge=1, le=5)]
    comment: str = ""
    service_standard: dict[str, bool] | None = None  # the "六个一" checklist of an enterprise request


class ReportIn(InputSchema):
    title: str
    description: str
    region_id: Id
    anonymous: StrictBool = True
    reporter_name: str = ""
    reporter_phone: str = ""
    reported_cadre_name: str = ""
    integrity_category: str = Field(default="", max_length=30)
    challenge_token: str = Field(description="The token of GET /api/cases/reports/challenge")
    challenge_answer: str = Field(max_length=10, description="The answer to its question, as a number")


class ChallengeOut(Schema):
    question: str
    token: str


class ReportOut(Schema):
    number: str
    tracking_code: str
    passphrase: str


class TrackIn(InputSchema):
    code: str
    passphrase: str


class TrackOut(Schema):
    number: str
    state: Case.State
    due_on: date | None
    result: str
    events: list[dict]


class ServiceItemOut(Schema):
    id: int
    name: str
    department: str
    time_limit_workdays: int
    active: bool


def _case(request, case_id: Id) -> Case:
    return selectors.case_get(user=request.user, pk=case_id)


def _party(request, item: PartyIn):
    user = request.user
    if item.person_id:
        return item.role, get_scoped_or_404(Person.objects.all(), user, pk=item.person_id)
    if item.household_id:
        return item.role, get_scoped_or_404(Household.objects.all(), user, pk=item.household_id)
    if item.enterprise_id:
        return item.role, get_scoped_or_404(Enterprise.objects.all(), user, pk=item.enterprise_id)
    if item.name.strip():
        return item.role, item.name.strip()
    raise DomainError(_("当事人须指定人员、户或企业之一,或填写未登记人员的姓名"), field="parties")


@router.get("/cases", response=PageOut[CaseOut])
def case_list(
    request,
    kind: str = "",
    state: str = "",
    region: Id | None = None,
    assignee: Id | None = None,
    overdue: bool = False,
    q: SearchTerm = "",
    after: str | None = None,
):
    qs = selectors.case_list(
        user=request.user, kind=kind, state=state, region=region, assignee=assignee, overdue=overdue, q=q
    )
    return page_out(keyset_page(qs, after=after))


@router.get("/cases/{case_id}", response=CaseOut)
def case_detail(request, case_id: Id):
    return _case(request, case_id)


@router.get("/cases/{case_id}/events", response=list[EventOut])
def case_events(request, case_id: Id):
    return list(_case(request, case_id).events.all())


@router.post("/cases", response={201: CaseOut})
def case_create(request, payload: CaseIn):
    """Register a case of any kind except integrity reports (POST /reports, open to anyone)."""
    user = request.user
    parties = [_party(request, item) for item in payload.parties]
    if payload.kind == Case.Kind.ENTERPRISE_REQUEST:
        enterprise_id = payload.enterprise_id or user.scope_enterprise_id
        enterprise = get_scoped_or_404(Enterprise.objects.all(), user, pk=enterprise_id)
        item = selectors.service_item_list(user=user, active_only=False).filter(pk=payload.service_item_id).first()
        if item is None:
            raise DomainError(_("请选择服务事项"), field="service_item_id")
        case = services.enterprise_request_submit(
            actor=user, enterprise=enterprise, service_item=item, title=payload.title, description=payload.description
        )
        return Status(201, case)
    if payload.kind == Case.Kind.INTEGRITY_REPORT:
        raise DomainError(_("廉政举报请通过举报接口提交"), field="kind")
    if payload.region_id is None:
        raise DomainError(_("请选择所属区域"), field="region_id")
    region = region_get(user=user, pk=payload.region_id)
    if payload.kind == Case.Kind.DISPUTE:
        from lianxin.land.models import Parcel

        parcels = list(scope_to_user(Parcel.objects.filter(pk__in=payload.parcel_ids), user))
        if len(parcels) != len(set(payload.parcel_ids)):
            raise Http404
        project = get_scoped_or_404(Project.objects.all(), user, pk=payload.project_id) if payload.project_id else None
        case = services.dispute_register(
            actor=user,
            title=payload.title,
            description=payload.description,
            region=region,
            category=payload.dispute_category,
            parties=parties,
            parcels=parcels,
            project=project,
        )
    else:
        case = services.security_incident_register(
            actor=user,
            title=payload.title,
            description=payload.description,
            region=region,
            incident_type=payload.incident_type,
            site=payload.site,
            occurred_on=payload.occurred_on,
            loss_value=payload.loss_value,
            parties=parties,
        )
    return Status(201, case)


@router.post("/cases/{case_id}/transitions", response=CaseOut)
def case_transition(request, case_id: Id, payload: TransitionIn):
    case = _case(request, case_id)
    extra = payload.dict(exclude={"to_state", "reason", "assignee_id"}, exclude_none=True)
    assignee = None
    if payload.assignee_id:
        from django.contrib.auth import get_user_model

        assignee = get_user_model().objects.filter(pk=payload.assignee_id, is_active=True).first()
        if assignee is None:
            raise DomainError(_("承办人不存在"), field="assignee_id")
    return services.case_transition(
        case=case, to_state=payload.to_state, actor=request.user, reason=payload.reason, assignee=assignee, **extra
    )


@router.post("/cases/{case_id}/comments", response={201: EventOut})
def case_comment(request, case_id: Id, payload: CommentIn):
    return Status(201, services.case_comment(case=_case(request, case_id), actor=request.user, text=payload.text))


@router.post("/cases/{case_id}/instructions", response={201: EventOut})
def case_instruct(request, case_id: Id, payload: InstructionIn):
    """A township leader's instruction (批示) or chase (督办); it waits in the handler's 待办 until answered."""
    event = services.case_instruct(
        case=_case(request, case_id), actor=request.user, type=payload.type, text=payload.text
    )
    return Status(201, event)


@router.post("/cases/{case_id}/acknowledgements", response={201: EventOut})
def case_acknowledge(request, case_id: Id, payload: AcknowledgeIn):
    """The handler's answer to the leaders' instructions and chases on the case."""
    return Status(201, services.case_acknowledge(case=_case(request, case_id), actor=request.user, text=payload.text))


@router.post("/cases/{case_id}/rating", response=CaseOut)
def case_rate(request, case_id: Id, payload: RatingIn):
    return services.case_rate(
        case=_case(request, case_id),
        actor=request.user,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
        service_standard=payload.service_standard,
    )


@router.get("/service-items", response=list[ServiceItemOut])
def service_item_list(request):
    return list(selectors.service_item_list(user=request.user, active_only=True))


def _public_json_refusal(request):
    """The answer to a cross-site or non-JSON call of a public endpoint, or None when it may go on."""
    if request.content_type != "application/json":
        return Status(415, error_body(_("请以 application/json 提交"), "unsupported_media_type"))
    if not report_guard.same_origin(request):
        return Status(403, error_body(_("不接受来自其他网站的提交"), "cross_site"))
    return None


@router.get("/reports/challenge", response=ChallengeOut, auth=None)
def report_challenge(request):
    """The human check of an integrity report: a question (a small sum in Chinese numerals) and its token."""
    challenge = report_guard.challenge_new()
    return {"question": challenge.question, "token": challenge.token}


@router.post("/reports", response={201: ReportOut, 403: ErrorOut, 415: ErrorOut, 429: ErrorOut}, auth=None)
def report_submit(request, payload: ReportIn):
    """An integrity report, with or without an account; the tracking code and passphrase are returned once.

    JSON from this site or a script only (415, 403), rate-limited per client and for everyone (429),
    and answered with the human check of GET /reports/challenge."""
    refusal = _public_json_refusal(request)
    if refusal is not None:
        return refusal
    if not report_guard.attempt_allowed(request):
        return Status(429, error_body(_("举报提交过于频繁,请稍后再试"), "rate_limited"))
    problem = report_guard.challenge_problem(payload.challenge_token, payload.challenge_answer)
    if problem is not None:
        raise DomainError(problem, field="challenge_answer")
    region = Region.objects.filter(
        pk=payload.region_id, level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE]
    ).first()
    if region is None:
        raise DomainError(_("请选择发生地(镇或村)"), field="region_id")
    user = request.user if request.user.is_authenticated else None
    case, code, passphrase = services.integrity_report_submit(
        actor=user, region=region, **payload.dict(exclude={"region_id", "challenge_token", "challenge_answer"})
    )
    report_guard.report_accepted()
    return Status(201, {"number": case.number, "tracking_code": code, "passphrase": passphrase})


@router.post(
    "/reports/track", response={200: TrackOut, 403: ErrorOut, 404: ErrorOut, 415: ErrorOut, 429: ErrorOut}, auth=None
)
def report_track(request, payload: TrackIn):
    from .tracking import attempt_allowed

    refusal = _public_json_refusal(request)
    if refusal is not None:
        return refusal
    if not attempt_allowed(request):
        return Status(429, {"message": _("查询过于频繁,请15分钟后再试"), "code": "rate_limited"})
    case = services.integrity_report_track(code=payload.code, passphrase=payload.passphrase)
    if case is None:
        return Status(404, {"message": _("查询码或查询密码不正确"), "code": "not_found"})
    events = [
        {"at": e.at.isoformat(), "state": e.to_state}
        for e in case.events.filter(type=CaseEvent.Type.TRANSITION).order_by("at", "id")
    ]
    return {"number": case.number, "state": case.state, "due_on": case.due_on, "result": case.result, "events": events}
