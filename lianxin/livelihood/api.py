"""Livelihood API (/api/livelihood/): the register, surveys and alerts, postings, matching and placements, trainings,
businesses, insurance, village projects, pairings, indicators and the rules — the same services, selectors and scope
as the pages. Inputs are the bounded types of ``core.api``; persons leave by name and masked ID only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool, StringConstraints

from lianxin.core.api import Count, Id, InputSchema, PageOut, SafeDate, SearchTerm, Year, model_decimal, page_out
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import get_scoped_or_404, require_perm, scope_to_user
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

from . import selectors, services
from .models import (
    Business,
    FundContribution,
    IncomeSurvey,
    InsuranceEnrolment,
    JobPosting,
    JobSeeker,
    LandlessRule,
    Placement,
    SkillsTraining,
    VillageIndicator,
    VillageProject,
)
from .selectors.register import row_of

router = Router(tags=["livelihood"])

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Age = Annotated[int, Field(ge=16, le=80)]
Money = model_decimal(IncomeSurvey, "wages", ge=0)
Amount = model_decimal(FundContribution, "amount", ge=0)


def _region(request, pk: int) -> Region:
    return get_scoped_or_404(Region.objects.all(), request.user, pk=pk)


def _enterprise(request, pk: int | None) -> Enterprise | None:
    return get_scoped_or_404(Enterprise.objects.all(), request.user, pk=pk) if pk is not None else None


def _person(request, pk: int) -> Person:
    return get_scoped_or_404(Person.objects.select_related("household"), request.user, pk=pk)


# --- register --------------------------------------------------------------------------------------------------


class RegisterRowOut(Schema):
    household_id: int
    number: str
    village_group_id: int
    village_group: str
    members: int
    contracted_area_mu: Decimal | None
    mu_lost: Decimal
    share_lost_percent: Decimal | None
    remaining_per_person_mu: Decimal | None
    acquired_on: date | None
    rule: str | None
    landless: bool


def _register_out(row) -> dict:
    return {
        "household_id": row.household.pk,
        "number": row.household.number,
        "village_group_id": row.household.village_group_id,
        "village_group": row.household.village_group.name,
        "members": row.members,
        "contracted_area_mu": row.contracted,
        "mu_lost": row.mu_lost,
        "share_lost_percent": row.share_lost_percent,
        "remaining_per_person_mu": row.per_person,
        "acquired_on": row.acquired_on,
        "rule": row.rule.name if row.rule else None,
        "landless": row.landless,
    }


@router.get("/register", response=PageOut[RegisterRowOut])
def register(
    request,
    village_group_id: Id | None = None,
    status: Annotated[str, StringConstraints(pattern="^(landless|affected|not_landless)$")] = "landless",
    q: SearchTerm = "",
    after: Id | None = None,
):
    """The landless-farmer register (derived from the land ledger under the rule in force on each acquisition)."""
    require_perm(request.user, "livelihood.view_register")
    group = _region(request, village_group_id) if village_group_id else None
    qs = selectors.register(user=request.user, village_group=group, status=status, q=q)
    page = keyset_page(qs, after=str(after) if after else None)
    by_id = {rule.pk: rule for rule in selectors.rules()}
    return page_out(page) | {"items": [_register_out(row_of(h, by_id)) for h in page.items]}


class RuleOut(Schema):
    id: int
    name: str
    valid_from: date
    valid_to: date | None
    max_mu_per_person: Decimal | None
    min_share_lost_percent: Decimal | None
    working_age_from: int
    working_age_to_male: int
    working_age_to_female: int


class RuleIn(InputSchema):
    name: Text100
    valid_from: SafeDate
    valid_to: SafeDate | None = None
    max_mu_per_person: model_decimal(LandlessRule, "max_mu_per_person", ge=0) | None = None  # type: ignore[valid-type]
    min_share_lost_percent: model_decimal(LandlessRule, "min_share_lost_percent", ge=0, le=100) | None = None  # type: ignore[valid-type]
    working_age_from: Annotated[int, Field(ge=14, le=30)] = 16
    working_age_to_male: Annotated[int, Field(ge=40, le=80)] = 60
    working_age_to_female: Annotated[int, Field(ge=40, le=80)] = 55
    basis: Text200 = ""


@router.get("/rules", response=list[RuleOut])
def rule_list(request):
    return list(scope_to_user(LandlessRule.objects.all(), request.user))


@router.post("/rules", response={201: RuleOut})
def rule_create(request, payload: RuleIn):
    return Status(201, services.rule_save(actor=request.user, **payload.dict()))


# --- income ------------------------------------------------------------------------------------------------------


class SurveyIn(InputSchema):
    year: Year
    kind: IncomeSurvey.Kind
    surveyed_on: SafeDate
    persons: Annotated[int, Field(ge=1, le=99)]
    agriculture: Money = Decimal("0")  # type: ignore[valid-type]
    wages: Money = Decimal("0")  # type: ignore[valid-type]
    business: Money = Decimal("0")  # type: ignore[valid-type]
    transfers: Money = Decimal("0")  # type: ignore[valid-type]
    property_income: Money = Decimal("0")  # type: ignore[valid-type]
    note: Text200 = ""


class SurveyOut(Schema):
    id: int
    household_id: int
    year: int
    kind: IncomeSurvey.Kind
    agriculture: Decimal
    wages: Decimal
    business: Decimal
    transfers: Decimal
    property_income: Decimal
    total: Decimal
    persons: int
    surveyed_on: date


@router.get("/households/{household_id}/surveys", response=list[SurveyOut])
def survey_list(request, household_id: Id):
    household = get_scoped_or_404(Household.objects.all(), request.user, pk=household_id)
    return list(scope_to_user(IncomeSurvey.objects.filter(household=household), request.user))


@router.post("/households/{household_id}/surveys", response={201: SurveyOut})
def survey_create(request, household_id: Id, payload: SurveyIn):
    household = get_scoped_or_404(Household.objects.all(), request.user, pk=household_id)
    return Status(201, services.survey_record(actor=request.user, household=household, **payload.dict()))


class AlertOut(Schema):
    household_id: int
    number: str
    village_group: str
    base_year: int
    before: Decimal
    after: Decimal
    follow_up_case_id: int | None


@router.get("/alerts", response=list[AlertOut])
def alerts(request, year: Year, real: StrictBool = False, village_group_id: Id | None = None):
    """Households whose income of ``year`` fell below their baseline (at most 1,000, the largest fall first)."""
    group = _region(request, village_group_id) if village_group_id else None
    rows = selectors.alert_list(user=request.user, year=year, real=real, village_group=group)[:1000]
    return [
        {
            "household_id": s.household_id,
            "number": s.household.number,
            "village_group": s.village_group.name,
            "base_year": s.base_year,
            "before": Decimal(s.before).quantize(Decimal("0.01")),
            "after": s.total,
            "follow_up_case_id": s.follow_up_case_id,
        }
        for s in rows
    ]


class FollowUpIn(InputSchema):
    year: Year
    note: Text200 = ""


class FollowUpOut(Schema):
    id: int
    household_id: int
    year: int
    case_id: int
    case_number: str


@router.post("/households/{household_id}/follow-up", response={201: FollowUpOut})
def follow_up(request, household_id: Id, payload: FollowUpIn):
    household = get_scoped_or_404(Household.objects.select_related("village_group"), request.user, pk=household_id)
    item = services.follow_up_register(actor=request.user, household=household, year=payload.year, note=payload.note)
    return Status(
        201,
        {
            "id": item.pk,
            "household_id": household.pk,
            "year": item.year,
            "case_id": item.case_id,
            "case_number": item.case.number,
        },
    )


# --- employment ----------------------------------------------------------------------------------------------------


class JobSeekerIn(InputSchema):
    person_id: Id
    reason: JobSeeker.Reason
    registered_on: SafeDate
    skills: Text200 = ""


class JobSeekerOut(Schema):
    id: int
    person_id: int
    status: JobSeeker.Status
    reason: JobSeeker.Reason
    skills: str


@router.post("/job-seekers", response={201: JobSeekerOut})
def job_seeker_create(request, payload: JobSeekerIn):
    data = payload.dict()
    person = _person(request, data.pop("person_id"))
    return Status(201, services.job_seeker_register(actor=request.user, person=person, **data))


class PostingIn(InputSchema):
    enterprise_id: Id | None = None
    region_id: Id
    title: Text100
    openings: Annotated[int, Field(ge=1, le=10000)]
    wage_min: Money  # type: ignore[valid-type]
    wage_max: Money  # type: ignore[valid-type]
    starts_on: SafeDate
    skills: Text200 = ""
    certificate: Text100 = ""
    min_age: Age = 16
    max_age: Age = 60
    public_welfare: StrictBool = False


class PostingOut(Schema):
    id: int
    enterprise_id: int | None
    region_id: int
    title: str
    openings: int
    wage_min: Decimal
    wage_max: Decimal
    starts_on: date
    skills: str
    certificate: str
    min_age: int
    max_age: int
    public_welfare: bool
    status: JobPosting.Status


@router.get("/postings", response=PageOut[PostingOut])
def posting_list(request, status: JobPosting.Status | None = None, q: SearchTerm = "", after: Id | None = None):
    qs = selectors.posting_list(user=request.user, status=status or "", q=q)
    return page_out(keyset_page(qs, after=str(after) if after else None))


@router.post("/postings", response={201: PostingOut})
def posting_create(request, payload: PostingIn):
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    region_id = data.pop("region_id")
    region = (
        Region.objects.filter(pk=region_id).first()
        if request.user.scope_enterprise_id and enterprise and enterprise.region_id == region_id
        else _region(request, region_id)
    )
    if region is None:
        raise Http404
    return Status(201, services.posting_create(actor=request.user, enterprise=enterprise, region=region, **data))


class CandidateOut(Schema):
    person_id: int
    name: str
    village_group: str
    age: int
    landless: bool
    skills_matched: int
    certificate: bool
    trained: bool
    distance: int


@router.get("/postings/{posting_id}/candidates", response=list[CandidateOut])
def candidates(request, posting_id: Id, limit: Annotated[int, Field(ge=1, le=200)] = 50):
    """Candidates ranked for the posting: landless farmers first, then skills and certificate, training,
    distance, the person's id."""
    require_perm(request.user, "livelihood.add_placement")
    posting = get_scoped_or_404(JobPosting.objects.select_related("region"), request.user, pk=posting_id)
    return selectors.match(user=request.user, posting=posting, limit=limit)


class PlacementOut(Schema):
    id: int
    posting_id: int
    person_id: int
    name: str
    enterprise_id: int | None
    status: Placement.Status
    proposed_on: date
    decline_reason: str
    starts_on: date | None
    ends_on: date | None
    wage: Decimal | None
    contract_no: str


def _placement_out(p: Placement) -> dict:
    return {
        "id": p.pk,
        "posting_id": p.posting_id,
        "person_id": p.person_id,
        "name": p.person.name,
        "enterprise_id": p.enterprise_id,
        "status": p.status,
        "proposed_on": p.proposed_on,
        "decline_reason": p.decline_reason,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "wage": p.wage,
        "contract_no": p.contract_no,
    }


@router.get("/placements", response=PageOut[PlacementOut])
def placement_list(
    request, posting_id: Id | None = None, status: Placement.Status | None = None, after: Id | None = None
):
    posting = get_scoped_or_404(JobPosting.objects.all(), request.user, pk=posting_id) if posting_id else None
    qs = selectors.placement_list(user=request.user, posting=posting, status=status or "")
    page = keyset_page(qs, after=str(after) if after else None)
    return page_out(page) | {"items": [_placement_out(p) for p in page.items]}


class ProposeIn(InputSchema):
    person_id: Id


@router.post("/postings/{posting_id}/proposals", response={201: PlacementOut})
def propose(request, posting_id: Id, payload: ProposeIn):
    posting = get_scoped_or_404(JobPosting.objects.all(), request.user, pk=posting_id)
    placement = services.placement_propose(
        actor=request.user, posting=posting, person=_person(request, payload.person_id), on=timezone.localdate()
    )
    return Status(201, _placement_out(placement))


class AcceptIn(InputSchema):
    starts_on: SafeDate
    wage: Money  # type: ignore[valid-type]
    contract_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""


class DeclineIn(InputSchema):
    reason: Text200


def _placement(request, pk: int) -> Placement:
    return get_scoped_or_404(Placement.objects.select_related("posting", "person"), request.user, pk=pk)


@router.post("/placements/{placement_id}/accept", response=PlacementOut)
def accept(request, placement_id: Id, payload: AcceptIn):
    placement = services.placement_accept(
        actor=request.user, placement=_placement(request, placement_id), **payload.dict()
    )
    return _placement_out(placement)


@router.post("/placements/{placement_id}/decline", response=PlacementOut)
def decline(request, placement_id: Id, payload: DeclineIn):
    placement = services.placement_decline(
        actor=request.user, placement=_placement(request, placement_id), reason=payload.reason, on=timezone.localdate()
    )
    return _placement_out(placement)


class QuotaIn(InputSchema):
    enterprise_id: Id
    year: Year
    committed: Count
    note: Text200 = ""


class QuotaOut(Schema):
    enterprise_id: int
    enterprise: str
    year: int
    committed: int
    actual: int


@router.get("/quotas", response=list[QuotaOut])
def quotas(request, year: Year):
    require_perm(request.user, "livelihood.view_hiringquota")
    return [
        {
            "enterprise_id": r.quota.enterprise_id,
            "enterprise": r.quota.enterprise.name,
            "year": r.quota.year,
            "committed": r.quota.committed,
            "actual": r.actual,
        }
        for r in selectors.quota_rows(user=request.user, year=year)
    ]


@router.post("/quotas", response={201: QuotaOut})
def quota_set(request, payload: QuotaIn):
    enterprise = _enterprise(request, payload.enterprise_id)
    quota = services.quota_set(
        actor=request.user, enterprise=enterprise, year=payload.year, committed=payload.committed, note=payload.note
    )
    return Status(
        201,
        {
            "enterprise_id": enterprise.pk,
            "enterprise": enterprise.name,
            "year": quota.year,
            "committed": quota.committed,
            "actual": 0,
        },
    )


class MonthCountOut(Schema):
    month: str
    count: int


class EmployedOut(Schema):
    total: int
    by_month: list[MonthCountOut]


@router.get("/employed", response=EmployedOut)
def employed(request):
    require_perm(request.user, "livelihood.view_placement")
    data = selectors.employed_figures(user=request.user)
    return {
        "total": data["total"],
        "by_month": [{"month": month, "count": count} for month, count in data["by_month"]],
    }


# --- trainings, businesses, insurance -----------------------------------------------------------------------------


class TrainingIn(InputSchema):
    region_id: Id
    course: Text100
    provider: Text100
    hours: model_decimal(SkillsTraining, "hours", gt=0)  # type: ignore[valid-type]
    starts_on: SafeDate
    ends_on: SafeDate
    skill: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    certificate: Text100 = ""


class TrainingOut(Schema):
    id: int
    region_id: int
    course: str
    provider: str
    skill: str
    hours: Decimal
    starts_on: date
    ends_on: date
    certificate: str


@router.get("/trainings", response=PageOut[TrainingOut])
def training_list(request, q: SearchTerm = "", after: Id | None = None):
    return page_out(keyset_page(selectors.training_list(user=request.user, q=q), after=str(after) if after else None))


@router.post("/trainings", response={201: TrainingOut})
def training_create(request, payload: TrainingIn):
    data = payload.dict()
    region = _region(request, data.pop("region_id"))
    return Status(201, services.training_create(actor=request.user, region=region, **data))


class TraineeIn(InputSchema):
    person_id: Id
    completed: StrictBool = False
    certificate_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""


class TraineeOut(Schema):
    id: int
    training_id: int
    person_id: int
    completed: bool
    certificate_no: str


@router.post("/trainings/{training_id}/attendances", response={201: TraineeOut})
def attendance_create(request, training_id: Id, payload: TraineeIn):
    training = get_scoped_or_404(SkillsTraining.objects.all(), request.user, pk=training_id)
    data = payload.dict()
    person = _person(request, data.pop("person_id"))
    return Status(201, services.attendance_record(actor=request.user, training=training, person=person, **data))


class BusinessIn(InputSchema):
    owner_id: Id
    kind: Business.Kind
    name: Text100
    opened_on: SafeDate
    income_band: Business.IncomeBand
    employees: Annotated[int, Field(ge=1, le=999)] = 1
    support: Text200 = ""


class BusinessOut(Schema):
    id: int
    owner_id: int
    village_group_id: int
    kind: Business.Kind
    name: str
    opened_on: date
    closed_on: date | None
    employees: int
    income_band: Business.IncomeBand
    support: str


@router.get("/businesses", response=PageOut[BusinessOut])
def business_list(request, kind: Business.Kind | None = None, after: Id | None = None):
    return page_out(
        keyset_page(selectors.business_list(user=request.user, kind=kind or ""), after=str(after) if after else None)
    )


@router.post("/businesses", response={201: BusinessOut})
def business_create(request, payload: BusinessIn):
    data = payload.dict()
    owner = _person(request, data.pop("owner_id"))
    return Status(201, services.business_register(actor=request.user, owner=owner, **data))


class InsuranceIn(InputSchema):
    person_id: Id
    enrolled_on: SafeDate
    government_share: Money  # type: ignore[valid-type]
    collective_share: Money  # type: ignore[valid-type]
    individual_share: Money  # type: ignore[valid-type]
    status: InsuranceEnrolment.Status = InsuranceEnrolment.Status.CONTRIBUTING
    minimum_income_support: StrictBool = False


class InsuranceOut(Schema):
    id: int
    person_id: int
    enrolled_on: date
    government_share: Decimal
    collective_share: Decimal
    individual_share: Decimal
    status: InsuranceEnrolment.Status
    minimum_income_support: bool


@router.get("/insurance", response=PageOut[InsuranceOut])
def insurance_list(request, after: Id | None = None):
    return page_out(keyset_page(selectors.insurance_list(user=request.user), after=str(after) if after else None))


@router.post("/insurance", response={201: InsuranceOut})
def insurance_create(request, payload: InsuranceIn):
    data = payload.dict()
    person = _person(request, data.pop("person_id"))
    return Status(201, services.insurance_enrol(actor=request.user, person=person, **data))


class UninsuredPersonOut(Schema):
    id: int
    name: str
    resident_id_masked: str
    household_id: int


@router.get("/insurance/not-enrolled", response=PageOut[UninsuredPersonOut])
def not_enrolled(request, after: Id | None = None):
    """Landless farmers aged 16 or more without an enrolment (未参保)."""
    require_perm(request.user, "livelihood.view_insuranceenrolment")
    return page_out(keyset_page(selectors.not_enrolled(user=request.user), after=str(after) if after else None))


# --- village development ---------------------------------------------------------------------------------------------


class FundIn(InputSchema):
    source: FundContribution.Source
    amount: Amount  # type: ignore[valid-type]
    enterprise_id: Id | None = None


class VillageProjectIn(InputSchema):
    village_id: Id
    name: Text100
    kind: VillageProject.Kind
    status: VillageProject.Status = VillageProject.Status.PLANNED
    started_on: SafeDate | None = None
    accepted_on: SafeDate | None = None
    pairing_id: Id | None = None
    funds: Annotated[list[FundIn], Field(max_length=20)]


class FundOut(Schema):
    source: FundContribution.Source
    amount: Decimal
    enterprise_id: int | None


class VillageProjectOut(Schema):
    id: int
    village_id: int
    name: str
    kind: VillageProject.Kind
    status: VillageProject.Status
    amount: Decimal
    started_on: date | None
    accepted_on: date | None
    pairing_id: int | None
    funds: list[FundOut]

    @staticmethod
    def resolve_funds(obj) -> list:
        return list(obj.funds.all())


@router.get("/village-projects", response=PageOut[VillageProjectOut])
def project_list(request, village_id: Id | None = None, after: Id | None = None):
    village = _region(request, village_id) if village_id else None
    qs = selectors.project_list(user=request.user, village=village).prefetch_related("funds")
    return page_out(keyset_page(qs, after=str(after) if after else None))


@router.post("/village-projects", response={201: VillageProjectOut})
def project_create(request, payload: VillageProjectIn):
    from .models import Pairing

    pairing = (
        get_scoped_or_404(Pairing.objects.all(), request.user, pk=payload.pairing_id) if payload.pairing_id else None
    )
    funds = [(f.source, f.amount, _enterprise(request, f.enterprise_id)) for f in payload.funds]
    project = services.village_project_create(
        actor=request.user,
        village=_region(request, payload.village_id),
        name=payload.name,
        kind=payload.kind,
        status=payload.status,
        started_on=payload.started_on,
        accepted_on=payload.accepted_on,
        pairing=pairing,
        funds=funds,
    )
    return Status(201, project)


class PairingMilestoneIn(InputSchema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    planned_on: SafeDate


class PairingIn(InputSchema):
    enterprise_id: Id
    village_id: Id
    commitment: Text200
    amount: Money  # type: ignore[valid-type]
    signed_on: SafeDate
    milestones: Annotated[list[PairingMilestoneIn], Field(max_length=20)] = []


class PairingMilestoneOut(Schema):
    id: int
    name: str
    planned_on: date
    done_on: date | None


class PairingOut(Schema):
    id: int
    enterprise_id: int
    village_id: int
    commitment: str
    amount: Decimal
    signed_on: date
    status: str
    milestones: list[PairingMilestoneOut]

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())


@router.get("/pairings", response=list[PairingOut])
def pairing_list(request, enterprise_id: Id | None = None):
    enterprise = _enterprise(request, enterprise_id)
    return list(selectors.pairing_list(user=request.user, enterprise=enterprise)[:500])


@router.post("/pairings", response={201: PairingOut})
def pairing_create(request, payload: PairingIn):
    pairing = services.pairing_create(
        actor=request.user,
        enterprise=_enterprise(request, payload.enterprise_id),
        village=_region(request, payload.village_id),
        commitment=payload.commitment,
        amount=payload.amount,
        signed_on=payload.signed_on,
        milestones=[(m.name, m.planned_on) for m in payload.milestones],
    )
    return Status(201, pairing)


class VillageIndicatorIn(InputSchema):
    region_id: Id
    year: Year
    indicator: VillageIndicator.Indicator
    target: model_decimal(VillageIndicator, "target", ge=0) | None = None  # type: ignore[valid-type]
    actual: model_decimal(VillageIndicator, "actual", ge=0) | None = None  # type: ignore[valid-type]


class VillageIndicatorOut(Schema):
    id: int
    region_id: int
    year: int
    indicator: VillageIndicator.Indicator
    target: Decimal | None
    actual: Decimal | None


class VillageIndicatorTotalOut(Schema):
    indicator: VillageIndicator.Indicator
    target: Decimal | None
    actual: Decimal | None
    percent: Decimal | None


@router.get("/indicators", response=list[VillageIndicatorTotalOut])
def indicators(request, year: Year):
    """Targets vs actuals of the user's scope for ``year`` (summed over villages; per-person net income computed)."""
    require_perm(request.user, "livelihood.view_villageindicator")
    return selectors.targets_vs_actuals(user=request.user, year=year)["table"]


@router.post("/indicators", response={201: VillageIndicatorOut})
def indicator_set(request, payload: VillageIndicatorIn):
    data = payload.dict()
    region = _region(request, data.pop("region_id"))
    return Status(201, services.indicator_set(actor=request.user, region=region, **data))
