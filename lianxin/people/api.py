from datetime import date

from ninja import Query, Router, Schema, Status

from lianxin.core.api import Id, InputSchema, PageOut, SearchTerm, page_out
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import require_perm
from lianxin.regions.selectors import region_get

from . import selectors, services
from .ethnicity import Ethnicity
from .models import Person

router = Router(tags=["people"])


class HouseholdOut(Schema):
    id: int
    number: str
    address: str
    village_group_id: int
    village_group: str


class HouseholdIn(InputSchema):
    village_group_id: Id
    number: str = ""
    address: str = ""


class PersonOut(Schema):
    id: int
    household_id: int
    name: str
    relation: Person.Relation
    resident_id_masked: str
    gender: Person.Gender
    birth_date: date
    ethnicity: Ethnicity
    phone_masked: str


class PersonIn(InputSchema):
    household_id: Id
    name: str
    resident_id: str
    relation: Person.Relation = Person.Relation.OTHER
    ethnicity: Ethnicity = Ethnicity.HAN
    phone: str | None = None


class PersonUpdate(InputSchema):
    name: str
    relation: Person.Relation
    ethnicity: Ethnicity
    resident_id: str | None = None
    phone: str | None = None


class PersonFilter(InputSchema):
    village_group_id: Id | None = None
    ethnicity: str = ""
    after: str | None = None


class PersonSearch(PersonFilter):
    """Search terms travel in the body: names and resident IDs never appear in URLs or access logs."""

    q: SearchTerm = ""


class RevealOut(Schema):
    resident_id: str


def _household_out(household) -> dict:
    return {
        "id": household.pk,
        "number": household.number,
        "address": household.address,
        "village_group_id": household.village_group_id,
        "village_group": str(household.village_group),
    }


@router.get("/households", response=PageOut[HouseholdOut])
def household_list(request, village_group_id: Id | None = None, q: SearchTerm = "", after: str | None = None):
    qs = selectors.household_list(user=request.user, village_group_id=village_group_id, q=q)
    page = keyset_page(qs, after=after)
    return {"items": [_household_out(h) for h in page.items], "next_cursor": page.next_cursor}


@router.get("/households/{household_id}", response=HouseholdOut)
def household_detail(request, household_id: Id):
    return _household_out(selectors.household_get(user=request.user, pk=household_id))


@router.post("/households", response={201: HouseholdOut})
def household_create(request, payload: HouseholdIn):
    require_perm(request.user, "people.add_household")
    group = region_get(user=request.user, pk=payload.village_group_id)
    household = services.household_create(
        village_group=group, number=payload.number, address=payload.address, actor=request.user
    )
    return Status(201, _household_out(household))


@router.get("/persons", response=PageOut[PersonOut])
def person_list(request, filters: Query[PersonFilter]):
    qs = selectors.person_list(
        user=request.user, village_group_id=filters.village_group_id, ethnicity=filters.ethnicity
    )
    return page_out(keyset_page(qs, after=filters.after))


@router.post("/persons/search", response=PageOut[PersonOut])
def person_search(request, payload: PersonSearch):
    """Find persons by name fragment or full resident ID (matched through its blind index)."""
    qs = selectors.person_list(
        user=request.user, q=payload.q, village_group_id=payload.village_group_id, ethnicity=payload.ethnicity
    )
    return page_out(keyset_page(qs, after=payload.after))


@router.get("/persons/{person_id}", response=PersonOut)
def person_detail(request, person_id: Id):
    return selectors.person_get(user=request.user, pk=person_id)


@router.post("/persons", response={201: PersonOut})
def person_create(request, payload: PersonIn):
    require_perm(request.user, "people.add_person")
    household = selectors.household_get(user=request.user, pk=payload.household_id)
    data = payload.dict(exclude={"household_id"})
    return Status(201, services.person_create(household=household, actor=request.user, **data))


@router.put("/persons/{person_id}", response=PersonOut)
def person_update(request, person_id: Id, payload: PersonUpdate):
    require_perm(request.user, "people.change_person")
    person = selectors.person_get(user=request.user, pk=person_id)
    return services.person_update(person=person, actor=request.user, **payload.dict())


@router.post("/persons/{person_id}/reveal", response=RevealOut)
def person_reveal(request, person_id: Id):
    """The full resident ID; needs the reveal permission and is written to the audit trail."""
    person = selectors.person_get(user=request.user, pk=person_id)
    return {"resident_id": services.person_resident_id_reveal(person=person, actor=request.user)}
