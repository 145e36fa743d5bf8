"""API of parcel geometries (mounted at /api/land/gis/): GeoJSON / Shapefile export, map data, import.

Same filters, scope and permissions as the map page; errors come back as {"message", "code"}."""

from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from lianxin.core.api import Id, InputSchema, SearchTerm
from lianxin.core.errors import DomainError
from lianxin.core.permissions import require_perm

from . import gis

router = Router(tags=["land-gis"])


class ParcelFilterIn(InputSchema):
    project: Id | None = None
    village_group: Id | None = None
    land_class: str | None = None
    status: str | None = None
    q: SearchTerm | None = None
    mismatch: bool = False


class AreaMismatchOut(Schema):
    code: str
    area_mu: Decimal
    computed_area_mu: Decimal
    difference_percent: Decimal


class RepairedOut(Schema):
    code: str
    problem: str
    computed_area_mu: Decimal


class FeatureRowOut(Schema):
    number: int
    code: str
    new: bool
    area_mu: Decimal | None
    computed_area_mu: Decimal
    difference_mu: Decimal | None
    flagged: bool


class GeometryImportOut(Schema):
    dry_run: bool
    source_crs: str
    crs_guessed: bool
    features: int
    updated: list[str]
    created: list[str]
    computed_area_mu: Decimal
    mismatches: list[AreaMismatchOut]
    repaired: list[RepairedOut]
    rows: list[FeatureRowOut]
    mapping: dict[str, str]


def _filters(request, filters: ParcelFilterIn, *, default_project: bool = False) -> gis.ParcelFilters:
    require_perm(request.user, "land.view_parcel")
    params = {k: v for k, v in filters.dict().items() if v not in (None, "", False)}
    return gis.parcel_filters(user=request.user, params=params, default_project=default_project)


def _file_response(body: bytes, content_type: str, ext: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"parcels_{timezone.localdate():%Y%m%d}.{ext}")
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/parcels.geojson", summary="Parcels as GeoJSON (EPSG:4490)")
def parcels_geojson(request, filters: Query[ParcelFilterIn]):
    parsed = _filters(request, filters)
    body = gis.parcel_geojson_export(gis.parcel_map_queryset(user=request.user, filters=parsed))
    return _file_response(body, "application/geo+json", "geojson")


@router.get("/parcels.zip", summary="Parcels as a zipped Shapefile (EPSG:4490, UTF-8)")
def parcels_shapefile(request, filters: Query[ParcelFilterIn]):
    parsed = _filters(request, filters)
    body = gis.parcel_shapefile_export(gis.parcel_map_queryset(user=request.user, filters=parsed))
    return _file_response(body, "application/zip", "zip")


@router.get("/map", summary="Map layer: GeoJSON with status, colour and card URL per parcel")
def map_data(request, filters: Query[ParcelFilterIn]):
    parsed = _filters(request, filters, default_project=True)
    data = gis.parcel_map_data(gis.parcel_map_queryset(user=request.user, filters=parsed))
    body = data.geojson[:-1] + f',"count":{data.count},"truncated":{"true" if data.truncated else "false"}}}'
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@router.post("/import", response=GeometryImportOut, summary="Import parcel geometries into a project")
def geometry_import(
    request,
    project: Form[Id],
    file: File[UploadedFile],
    epsg: Form[Annotated[int, Field(ge=1, le=999_999)] | None] = None,
    code_field: Form[str | None] = None,
    dry_run: Form[bool] = False,
    repair: Form[bool] = False,
    area_unit: Form[Annotated[str, Field(pattern="^(亩|平方米|公顷)$")] | None] = None,
    group_field: Form[str | None] = None,
    class_field: Form[str | None] = None,
    area_field: Form[str | None] = None,
):
    """Parcels are matched by code. ``area_unit`` is the unit of an area attribute whose name states none
    (SCMJ is ㎡ and SCMJM 亩 by name). An invalid polygon (a self-intersecting ring…) refuses the file,
    naming the feature and the point; with ``repair`` it is repaired and listed under ``repaired``
    with its new area. ``code_field``, ``group_field``, ``class_field``, ``area_field`` (with ``area_unit``)
    map attributes whose names are not recognised, as the page's 字段对应 does; the mapping is remembered for
    the project and used for its next uploads. Unrecognised attributes without a mapping: 400
    ``fields_unrecognised``, naming the file's fields. ``rows``: each feature, the parcel matched or new, the
    surveyed and computed areas in 亩 and the difference, flagged beyond the tolerance."""
    require_perm(request.user, "land.change_parcel")
    if file.size is not None and file.size > gis.MAX_UPLOAD_BYTES:
        raise DomainError(
            _("文件不能超过 %(mb)s MB。") % {"mb": gis.MAX_UPLOAD_BYTES // 2**20}, field="file", code="too_large"
        )
    target = gis.upload_project_list(user=request.user).filter(pk=project).first()
    if target is None:
        raise DomainError(_("项目不存在或不在您的管辖范围内"), field="project", code="not_found")
    report = gis.parcel_geometry_import(
        project=target,
        data=file.read(),
        filename=file.name or "",
        epsg=epsg,
        code_field=code_field or None,
        dry_run=dry_run,
        repair=repair,
        area_unit=area_unit or None,
        mapping={
            "village_group": group_field or "",
            "land_class": class_field or "",
            "area": area_field or "",
            **({"unit": area_unit} if area_field and area_unit else {}),
        },
        actor=request.user,
    )
    return {
        "dry_run": report.dry_run,
        "source_crs": report.source_crs,
        "crs_guessed": report.crs_guessed,
        "features": report.features,
        "updated": report.updated,
        "created": report.created,
        "computed_area_mu": report.computed_area_mu,
        "mismatches": [
            {
                "code": m.code,
                "area_mu": m.area_mu,
                "computed_area_mu": m.computed_area_mu,
                "difference_percent": m.difference_percent,
            }
            for m in report.mismatches
        ],
        "repaired": [
            {"code": r.code, "problem": r.problem, "computed_area_mu": r.computed_area_mu} for r in report.repaired
        ],
        "rows": [
            {
                "number": r.number,
                "code": r.code,
                "new": r.new,
                "area_mu": r.area_mu,
                "computed_area_mu": r.computed_area_mu,
                "difference_mu": r.difference_mu,
                "flagged": r.flagged,
            }
            for r in report.rows
        ],
        "mapping": report.mapping,
    }
