from decimal import Decimal

from ninja import Router, Schema

from lianxin.core.api import Id, PageOut, SearchTerm, page_out
from lianxin.core.pagination import keyset_page

from . import selectors
from .models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    id: int
    name: str
    level: Region.Level
    parent_id: int | None
    stat_code: str | None
    population: int


class ParkOut(Schema):
    id: int
    name: str
    area_km2: Decimal
    township_id: int
    village_ids: list[int]


@router.get("/regions", response=PageOut[RegionOut])
def region_list(request, level: Region.Level | None = None, q: SearchTerm = "", after: str | None = None):
    return page_out(keyset_page(selectors.region_list(user=request.user, level=level, q=q), after=after))


@router.get("/regions/{region_id}", response=RegionOut)
def region_detail(request, region_id: Id):
    return selectors.region_get(user=request.user, pk=region_id)


@router.get("/parks", response=list[ParkOut])
def park_list(request):
    return [
        {
            "id": p.pk,
            "name": p.name,
            "area_km2": p.area_km2,
            "township_id": p.township_id,
            "village_ids": [v.pk for v in p.villages.all()],
        }
        for p in selectors.park_list(user=request.user)
    ]
