"""Land acquisition API (征地): the same selectors, services and permissions as the pages."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import StrictBool

from lianxin.core.api import Id, InputSchema, PageOut, SafeDate, SearchTerm, model_decimal, page_out
from lianxin.core.errors import DomainError
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import get_scoped_or_404, require_perm
from lianxin.people.models import Household
from lianxin.regions.models import Region

from . import selectors, services
from .models import (
    Agreement,
    AgreementItem,
    Compensation,
    CompensationStandard,
    ContractHolding,
    HandoverOverride,
    LandClass,
    Parcel,
    Payment,
    ProcedureMilestone,
    SupplementaryAgreement,
    Unit,
)

router = Router(tags=["land"])


class LandClassOut(Schema):
    id: int
    code: str
    name: str
    group: str
    is_cultivated: bool


class ParcelOut(Schema):
    id: int
    project_id: int
    village_group_id: int
    code: str
    land_class_id: int
    area_mu: Decimal
    computed_area_mu: Decimal | None
    area_mismatch: bool
    status: Parcel.Status
    surveyed_on: date | None
    note: str


class ParcelIn(InputSchema):
    project_id: Id
    village_group_id: Id
    code: str
    land_class_code: str
    area_mu: model_decimal(Parcel, "area_mu", ge=0)
    surveyed_on: SafeDate | None = None
    note: str = ""


class HoldingOut(Schema):
    id: int
    parcel_id: int
    household_id: int
    share_percent: Decimal
    contract_right_ref: str
    agreement_id: int | None


class HoldingIn(InputSchema):
    household_id: Id
    share_percent: model_decimal(ContractHolding, "share_percent", gt=0, le=100) = Decimal("100")
    contract_right_ref: str = ""


class StandardOut(Schema):
    id: int
    region_id: int
    land_class_id: int | None
    item: Compensation
    unit: Unit
    unit_price: Decimal
    effective_from: date
    effective_to: date | None
    basis: str


class StandardIn(InputSchema):
    region_id: Id
    land_class_code: str | None = None
    item: Compensation
    unit: Unit = Unit.MU
    unit_price: model_decimal(CompensationStandard, "unit_price", ge=0)
    effective_from: SafeDate
    effective_to: SafeDate | None = None
    basis: str = ""


class StandardEndIn(InputSchema):
    effective_to: SafeDate


class ItemOut(Schema):
    item: Compensation
    label: str
    parcel_id: int | None
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class AgreementOut(Schema):
    id: int
    number: str
    project_id: int
    household_id: int
    village_group_id: int
    signed_on: date
    items_total: Decimal
    supplement_amount: Decimal
    supplement_reason: str
    supplementary_total: Decimal
    total_amount: Decimal
    paid_total: Decimal
    fully_paid_on: date | None


class AgreementDetailOut(AgreementOut):
    items: list[ItemOut]


class AttachmentIn(InputSchema):
    unit: Unit
    quantity: model_decimal(AgreementItem, "quantity", ge=0)
    label: str = ""


class AgreementIn(InputSchema):
    project_id: Id
    household_id: Id
    holding_ids: list[Id] = []
    signed_on: SafeDate
    number: str = ""
    attachments: list[AttachmentIn] = []
    supplement_amount: model_decimal(Agreement, "supplement_amount", ge=0) = Decimal("0")
    supplement_reason: str = ""


class QuoteOut(Schema):
    items: list[ItemOut]
    items_total: Decimal
    area_mu: Decimal


class SupplementIn(InputSchema):
    number: str
    signed_on: SafeDate
    amount: model_decimal(SupplementaryAgreement, "amount", gt=0)
    reason: str


class SupplementOut(Schema):
    id: int
    agreement_id: int
    number: str
    signed_on: date
    amount: Decimal
    reason: str


class PaymentOut(Schema):
    id: int
    agreement_id: int
    amount: Decimal
    paid_on: date
    voucher_no: str
    payee_name: str
    bank_account_masked: str
    reverses_id: int | None
    reason: str


class PaymentIn(InputSchema):
    amount: model_decimal(Payment, "amount", gt=0)
    paid_on: SafeDate
    voucher_no: str
    payee_name: str = ""
    bank_account: str = ""


class ReversalIn(InputSchema):
    reason: str
    reversed_on: SafeDate | None = None


class HandoverIn(InputSchema):
    handed_over_on: SafeDate
    override_reason: str = ""


class HandoverOut(Schema):
    id: int
    parcel_id: int
    handed_over_on: date
    override_reason: str
    override_id: int | None = None


class HandoverOverrideIn(InputSchema):
    handed_over_on: SafeDate
    reason_category: HandoverOverride.Reason
    reason: str


class HandoverOverrideOut(Schema):
    id: int
    parcel_id: int
    handed_over_on: date
    reason_category: HandoverOverride.Reason
    reason: str
    status: HandoverOverride.Status
    proposed_by_id: int
    decided_by_id: int | None
    decision_note: str


class OverrideDecisionIn(InputSchema):
    approve: bool
    note: str = ""


class StatusRowOut(Schema):
    status: str
    label: str
    parcels: int
    area_mu: Decimal
    percent: Decimal


class ProgressOut(Schema):
    statuses: list[StatusRowOut]
    parcels_total: int
    area_total_mu: Decimal
    households_total: int
    households_signed: int
    agreements: int
    agreements_fully_paid: int
    money_agreed: Decimal
    money_paid: Decimal
    money_unpaid: Decimal
    paid_percent: Decimal


class HouseholdFiguresOut(Schema):
    household_id: int
    mu_lost: Decimal
    contracted_area_mu: Decimal | None
    remaining_mu: Decimal | None
    members: int
    per_capita_remaining_mu: Decimal | None
    agreed_total: Decimal
    paid_total: Decimal


class MilestoneIn(InputSchema):
    step: ProcedureMilestone.Step
    started_on: SafeDate | None = None
    completed_on: SafeDate | None = None
    not_required: StrictBool = False
    note: str = ""


class ProcedureRowOut(Schema):
    step: str
    label: str
    done: bool
    started_on: date | None
    completed_on: date | None
    warnings: list[str]


class ProcedureOut(Schema):
    rows: list[ProcedureRowOut]
    next_step: str | None
    warnings: list[str]


def _land_class(code: str | None, field: str = "land_class_code") -> LandClass | None:
    if not code:
        return None
    land_class = LandClass.objects.filter(code=code.strip()).first()
    if land_class is None:
        raise DomainError(_("未知的地类编码%(code)s") % {"code": code}, field=field)
    return land_class


def _region(request, pk: int) -> Region:
    return get_scoped_or_404(Region.objects.all(), request.user, pk=pk)


def _household(request, pk: int) -> Household:
    return get_scoped_or_404(Household.objects.select_related("village_group"), request.user, pk=pk)


def _project(request, pk: int):
    from django.http import Http404

    project = selectors.parcel_project_choices(user=request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


# --- reference -----------------------------------------------------------------------------------


@router.get("/land-classes", response=list[LandClassOut])
def land_class_list(request):
    require_perm(request.user, "land.view_landclass")
    return list(selectors.land_class_list())


# --- parcels and holders -------------------------------------------------------------------------


@router.get("/parcels", response=PageOut[ParcelOut])
def parcel_list(
    request,
    project: Id | None = None,
    village_group: Id | None = None,
    land_class: str = "",
    status: str = "",
    q: SearchTerm = "",
    mismatch: bool = False,
    after: str | None = None,
):
    qs = selectors.parcel_list(
        user=request.user,
        project=_project(request, project) if project else None,
        village_group=_region(request, village_group) if village_group else None,
        land_class=_land_class(land_class),
        status=status if status in Parcel.Status.values else "",
        q=q,
        mismatch=mismatch,
    )
    return page_out(keyset_page(qs, after=after))


@router.get("/parcels/{parcel_id}", response=ParcelOut)
def parcel_detail(request, parcel_id: Id):
    return selectors.parcel_get(user=request.user, pk=parcel_id)


@router.post("/parcels", response={201: ParcelOut})
def parcel_create(request, payload: ParcelIn):
    require_perm(request.user, "land.add_parcel")
    parcel = services.parcel_register(
        project=_project(request, payload.project_id),
        village_group=_region(request, payload.village_group_id),
        code=payload.code,
        land_class=_land_class(payload.land_class_code) or _land_class("?"),
        area_mu=payload.area_mu,
        surveyed_on=payload.surveyed_on,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, parcel)


@router.get("/parcels/{parcel_id}/holdings", response=list[HoldingOut])
def holding_list(request, parcel_id: Id):
    parcel = selectors.parcel_get(user=request.user, pk=parcel_id)
    return list(selectors.holding_list(user=request.user, parcel=parcel))


@router.post("/parcels/{parcel_id}/holdings", response={201: HoldingOut})
def holding_add(request, parcel_id: Id, payload: HoldingIn):
    require_perm(request.user, "land.add_contractholding")
    parcel = selectors.parcel_get(user=request.user, pk=parcel_id)
    holding = services.holding_add(
        parcel=parcel,
        household=_household(request, payload.household_id),
        share_percent=payload.share_percent,
        contract_right_ref=payload.contract_right_ref,
        actor=request.user,
    )
    return Status(201, holding)


@router.post("/parcels/{parcel_id}/handover", response={201: HandoverOut})
def parcel_handover(request, parcel_id: Id, payload: HandoverIn):
    """Hand the parcel over; refused unless every holder is fully paid (before that: propose an override)."""
    parcel = selectors.parcel_get(user=request.user, pk=parcel_id)
    return Status(201, services.handover_record(parcel=parcel, actor=request.user, **payload.dict()))


@router.post("/parcels/{parcel_id}/handover-overrides", response={201: HandoverOverrideOut})
def handover_override_propose(request, parcel_id: Id, payload: HandoverOverrideIn):
    """Propose handing the parcel over before every holder is paid (先行交地), for a township leader to decide."""
    parcel = selectors.parcel_get(user=request.user, pk=parcel_id)
    return Status(201, services.handover_override_propose(parcel=parcel, actor=request.user, **payload.dict()))


@router.post("/handover-overrides/{override_id}/decision", response=HandoverOverrideOut)
def handover_override_decide(request, override_id: Id, payload: OverrideDecisionIn):
    """A township leader other than the proposer approves (the parcel is handed over) or rejects a proposal."""
    override = get_scoped_or_404(HandoverOverride.objects.all(), request.user, pk=override_id)
    return services.handover_override_decide(
        override=override, approve=payload.approve, note=payload.note, actor=request.user
    )


@router.get("/households/{household_id}/figures", response=HouseholdFiguresOut)
def household_figures(request, household_id: Id):
    """Mu lost, contracted land remaining and per-capita remaining land (for the livelihood module)."""
    require_perm(request.user, "land.view_contractholding")
    household = _household(request, household_id)
    figures = selectors.household_land_figures(household)
    return {"household_id": household.pk, **figures.__dict__}


# --- standards -----------------------------------------------------------------------------------


@router.get("/standards", response=list[StandardOut])
def standard_list(request, item: str = "", on: SafeDate | None = None):
    return list(selectors.standard_list(user=request.user, item=item if item in Compensation.values else "", on=on))


@router.post("/standards", response={201: StandardOut})
def standard_create(request, payload: StandardIn):
    require_perm(request.user, "land.add_compensationstandard")
    data = payload.dict(exclude={"region_id", "land_class_code"})
    standard = services.standard_create(
        region=_region(request, payload.region_id),
        land_class=_land_class(payload.land_class_code),
        actor=request.user,
        **data,
    )
    return Status(201, standard)


@router.post("/standards/{standard_id}/end", response=StandardOut)
def standard_end(request, standard_id: Id, payload: StandardEndIn):
    require_perm(request.user, "land.change_compensationstandard")
    standard = selectors.standard_get(user=request.user, pk=standard_id)
    return services.standard_end(standard=standard, effective_to=payload.effective_to, actor=request.user)


# --- agreements ----------------------------------------------------------------------------------


def _holdings(request, payload: AgreementIn, household: Household, project) -> list[ContractHolding]:
    qs = selectors.holding_list(user=request.user, household=household, project=project).filter(agreement__isnull=True)
    if payload.holding_ids:
        qs = selectors.holding_list(user=request.user, household=household).filter(pk__in=payload.holding_ids)
    return list(qs)


@router.get("/agreements", response=PageOut[AgreementOut])
def agreement_list(request, project: Id | None = None, household: Id | None = None, after: str | None = None):
    qs = selectors.agreement_list(
        user=request.user,
        project=_project(request, project) if project else None,
        household=_household(request, household) if household else None,
    )
    return page_out(keyset_page(qs, after=after))


@router.post("/agreements/quote", response=QuoteOut)
def agreement_quote(request, payload: AgreementIn):
    """The items an agreement would get on ``signed_on`` (nothing is saved)."""
    require_perm(request.user, "land.add_agreement")
    household = _household(request, payload.household_id)
    project = _project(request, payload.project_id)
    quote = services.agreement_quote(
        household=household,
        holdings=_holdings(request, payload, household, project),
        signed_on=payload.signed_on,
        attachments=[services.AttachmentCount(**a.dict()) for a in payload.attachments],
    )
    return quote


@router.post("/agreements", response={201: AgreementOut})
def agreement_create(request, payload: AgreementIn):
    household = _household(request, payload.household_id)
    project = _project(request, payload.project_id)
    agreement = services.agreement_create(
        project=project,
        household=household,
        holdings=_holdings(request, payload, household, project),
        signed_on=payload.signed_on,
        number=payload.number,
        attachments=[services.AttachmentCount(**a.dict()) for a in payload.attachments],
        supplement_amount=payload.supplement_amount,
        supplement_reason=payload.supplement_reason,
        actor=request.user,
    )
    return Status(201, agreement)


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut)
def agreement_detail(request, agreement_id: Id):
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    out = {name: getattr(agreement, name) for name in AgreementOut.model_fields}
    out["items"] = list(agreement.items.all())
    return out


@router.post("/agreements/{agreement_id}/supplements", response={201: SupplementOut})
def supplement_add(request, agreement_id: Id, payload: SupplementIn):
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return Status(201, services.supplementary_agreement_add(agreement=agreement, actor=request.user, **payload.dict()))


# --- payments ------------------------------------------------------------------------------------


@router.get("/payments", response=PageOut[PaymentOut])
def payment_list(request, project: Id | None = None, agreement: Id | None = None, after: str | None = None):
    qs = selectors.payment_list(
        user=request.user,
        project=_project(request, project) if project else None,
        agreement=selectors.agreement_get(user=request.user, pk=agreement) if agreement else None,
    )
    return page_out(keyset_page(qs, after=after))


@router.post("/agreements/{agreement_id}/payments", response={201: PaymentOut})
def payment_record(request, agreement_id: Id, payload: PaymentIn):
    """Append a payment; the paid total never exceeds the agreed total (working group only)."""
    if not request.user.has_perm("land.add_payment"):
        raise PermissionDenied
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return Status(201, services.payment_record(agreement=agreement, actor=request.user, **payload.dict()))


@router.post("/payments/{payment_id}/reversal", response={201: PaymentOut})
def payment_reverse(request, payment_id: Id, payload: ReversalIn):
    """Correct a payment by a reversal entry of the opposite amount."""
    if not request.user.has_perm("land.add_payment"):
        raise PermissionDenied
    payment = selectors.payment_get(user=request.user, pk=payment_id)
    return Status(201, services.payment_reverse(payment=payment, actor=request.user, **payload.dict()))


@router.put("/payments/{payment_id}", response={400: dict})
def payment_update(request, payment_id: Id):
    """Always refused: payments are append-only (record a reversal instead)."""
    payment = selectors.payment_get(user=request.user, pk=payment_id)
    services.payment_update(payment=payment, actor=request.user)


@router.delete("/payments/{payment_id}", response={400: dict})
def payment_delete(request, payment_id: Id):
    """Always refused: payments are append-only (record a reversal instead)."""
    payment = selectors.payment_get(user=request.user, pk=payment_id)
    services.payment_delete(payment=payment, actor=request.user)


# --- procedure and progress ----------------------------------------------------------------------


@router.get("/projects/{project_id}/progress", response=ProgressOut)
def progress(request, project_id: Id, village_group: Id | None = None):
    if not (request.user.has_perm("land.view_parcel") or request.user.has_perm("accounts.view_dashboard")):
        raise PermissionDenied
    project = _project(request, project_id)
    group = _region(request, village_group) if village_group else None
    return selectors.land_progress(user=request.user, project=project, village_group=group)


@router.get("/projects/{project_id}/procedure", response=ProcedureOut)
def procedure(request, project_id: Id):
    require_perm(request.user, "land.view_proceduremilestone")
    status = selectors.procedure_status(project=_project(request, project_id))
    return {
        "rows": [
            {
                "step": row.step,
                "label": str(row.label),
                "done": row.done,
                "started_on": row.milestone.started_on if row.milestone else None,
                "completed_on": row.milestone.completed_on if row.milestone else None,
                "warnings": row.warnings,
            }
            for row in status["rows"]
        ],
        "next_step": status["next_step"].value if status["next_step"] else None,
        "warnings": status["warnings"],
    }


@router.post("/projects/{project_id}/procedure", response=ProcedureOut)
def procedure_record(request, project_id: Id, payload: MilestoneIn):
    project = _project(request, project_id)
    services.milestone_record(project=project, actor=request.user, **payload.dict())
    return procedure(request, project_id)
