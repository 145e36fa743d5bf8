from datetime import date
from decimal import Decimal

from ninja import Router, Schema, Status

from lianxin.core.api import PageOut, page_out
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import require_perm
from lianxin.regions.selectors import region_get

from . import selectors, services
from .models import Enterprise, Project

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


class EnterpriseIn(Schema):
    name: str
    credit_code: str
    industry: Enterprise.Industry = Enterprise.Industry.MANUFACTURING
    region_id: int
    in_park: bool = True
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class IndicatorIn(Schema):
    year: int
    output_value: Decimal
    tax_paid: Decimal
    employees: int = 0
    local_employees: int = 0


class IndicatorOut(IndicatorIn):
    id: int
    enterprise_id: int


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


class ProjectIn(Schema):
    enterprise_id: int
    name: str
    region_id: int
    capacity: Decimal | None = None
    capacity_unit: str = ""
    land_demand_mu: Decimal
    investment: Decimal
    status: Project.Status = Project.Status.PLANNED
    started_on: date | None = None


def _enterprise_fields(request, payload: EnterpriseIn) -> dict:
    data = payload.dict(exclude={"region_id"})
    data["region"] = region_get(user=request.user, pk=payload.region_id)
    return data


@router.get("/enterprises", response=PageOut[EnterpriseOut])
def enterprise_list(request, q: str = "", industry: str = "", after: str | None = None):
    return page_out(keyset_page(selectors.enterprise_list(user=request.user, q=q, industry=industry), after=after))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_detail(request, enterprise_id: int):
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut})
def enterprise_create(request, payload: EnterpriseIn):
    require_perm(request.user, "enterprises.add_enterprise")
    return Status(201, services.enterprise_create(actor=request.user, **_enterprise_fields(request, payload)))


@router.put("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_update(request, enterprise_id: int, payload: EnterpriseIn):
    require_perm(request.user, "enterprises.change_enterprise")
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return services.enterprise_update(enterprise=enterprise, actor=request.user, **_enterprise_fields(request, payload))


@router.get("/enterprises/{enterprise_id}/indicators", response=list[IndicatorOut])
def indicator_list(request, enterprise_id: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return list(selectors.indicator_list(user=request.user, enterprise=enterprise))


@router.post("/enterprises/{enterprise_id}/indicators", response=IndicatorOut)
def indicator_record(request, enterprise_id: int, payload: IndicatorIn):
    """Record or correct one year's figures (the year is the key)."""
    require_perm(request.user, "enterprises.add_enterpriseindicator")
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return services.indicator_record(enterprise=enterprise, actor=request.user, **payload.dict())


@router.get("/projects", response=PageOut[ProjectOut])
def project_list(request, status: str = "", q: str = "", after: str | None = None):
    return page_out(keyset_page(selectors.project_list(user=request.user, status=status, q=q), after=after))


@router.get("/projects/{project_id}", response=ProjectOut)
def project_detail(request, project_id: int):
    return selectors.project_get(user=request.user, pk=project_id)


@router.post("/projects", response={201: ProjectOut})
def project_create(request, payload: ProjectIn):
    require_perm(request.user, "enterprises.add_project")
    data = payload.dict(exclude={"enterprise_id", "region_id"})
    data["enterprise"] = selectors.enterprise_get(user=request.user, pk=payload.enterprise_id)
    data["region"] = region_get(user=request.user, pk=payload.region_id)
    return Status(201, services.project_create(actor=request.user, **data))
