from datetime import date
from decimal import Decimal

from ninja import Router, Schema, Status
from pydantic import StrictBool

from lianxin.core.api import Count, Id, InputSchema, PageOut, SafeDate, SearchTerm, Year, model_decimal, page_out
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import require_perm
from lianxin.regions.selectors import region_get

from . import selectors, services
from .models import Enterprise, EnterpriseIndicator, Project

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    industry: Enterprise.Industry
    region_id: int
    in_park: bool
    address: str
    contact_name: str
    contact_phone: str


class EnterpriseIn(InputSchema):
    name: str
    credit_code: str
    industry: Enterprise.Industry = Enterprise.Industry.MANUFACTURING
    region_id: Id
    in_park: StrictBool = True
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class IndicatorIn(InputSchema):
    year: Year
    output_value: model_decimal(EnterpriseIndicator, "output_value", ge=0)
    tax_paid: model_decimal(EnterpriseIndicator, "tax_paid", ge=0)
    employees: Count = 0
    local_employees: Count = 0


class IndicatorOut(Schema):
    id: int
    enterprise_id: int
    year: int
    output_value: Decimal
    tax_paid: Decimal
    employees: int
    local_employees: int


class ProjectOut(Schema):
    id: int
    enterprise_id: int
    name: str
    region_id: int
    capacity: Decimal | None
    capacity_unit: str
    land_demand_mu: Decimal
    investment: Decimal
    status: Project.Status
    started_on: date | None


class ProjectIn(InputSchema):
    enterprise_id: Id
    name: str
    region_id: Id
    capacity: model_decimal(Project, "capacity", ge=0) | None = None
    capacity_unit: str = ""
    land_demand_mu: model_decimal(Project, "land_demand_mu", ge=0)
    investment: model_decimal(Project, "investment", ge=0)
    status: Project.Status = Project.Status.PLANNED
    started_on: SafeDate | None = None


def _enterprise_fields(request, payload: EnterpriseIn) -> dict:
    data = payload.dict(exclude={"region_id"})
    data["region"] = region_get(user=request.user, pk=payload.region_id)
    return data


@router.get("/enterprises", response=PageOut[EnterpriseOut])
def enterprise_list(request, q: SearchTerm = "", industry: str = "", after: str | None = None):
    return page_out(keyset_page(selectors.enterprise_list(user=request.user, q=q, industry=industry), after=after))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_detail(request, enterprise_id: Id):
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut})
def enterprise_create(request, payload: EnterpriseIn):
    require_perm(request.user, "enterprises.add_enterprise")
    return Status(201, services.enterprise_create(actor=request.user, **_enterprise_fields(request, payload)))


@router.put("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_update(request, enterprise_id: Id, payload: EnterpriseIn):
    require_perm(request.user, "enterprises.change_enterprise")
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return services.enterprise_update(enterprise=enterprise, actor=request.user, **_enterprise_fields(request, payload))


@router.get("/enterprises/{enterprise_id}/indicators", response=list[IndicatorOut])
def indicator_list(request, enterprise_id: Id):
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return list(selectors.indicator_list(user=request.user, enterprise=enterprise))


@router.post("/enterprises/{enterprise_id}/indicators", response=IndicatorOut)
def indicator_record(request, enterprise_id: Id, payload: IndicatorIn):
    """Record or correct one year's figures (the year is the key)."""
    require_perm(request.user, "enterprises.add_enterpriseindicator")
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return services.indicator_record(enterprise=enterprise, actor=request.user, **payload.dict())


@router.get("/projects", response=PageOut[ProjectOut])
def project_list(request, status: str = "", q: SearchTerm = "", after: str | None = None):
    return page_out(keyset_page(selectors.project_list(user=request.user, status=status, q=q), after=after))


@router.get("/projects/{project_id}", response=ProjectOut)
def project_detail(request, project_id: Id):
    return selectors.project_get(user=request.user, pk=project_id)


@router.post("/projects", response={201: ProjectOut})
def project_create(request, payload: ProjectIn):
    require_perm(request.user, "enterprises.add_project")
    data = payload.dict(exclude={"enterprise_id", "region_id"})
    data["enterprise"] = selectors.enterprise_get(user=request.user, pk=payload.enterprise_id)
    data["region"] = region_get(user=request.user, pk=payload.region_id)
    return Status(201, services.project_create(actor=request.user, **data))
