"""Pages of the parcel map (地块图): the map, its data and parcel card, geometry import and export,
site images. Thin: parse, call ``gis`` / ``selectors``, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404
from lianxin.core.web import add_service_errors

from . import gis, selectors
from .forms_gis import GeometryImportForm, SiteImageForm
from .models import LandClass, Parcel, SiteImage

MAX_UPLOAD_BYTES = gis.MAX_UPLOAD_BYTES


def _map_config(request, filters: gis.ParcelFilters) -> dict:
    params = filters.as_params()
    query = "&".join(f"{k}={v}" for k, v in params.items())
    config = {
        "dataUrl": f"{reverse('land:parcel-map-data')}?{query}",
        "focus": request.GET.get("parcel") or None,
        "image": None,
        "labels": {
            "loading": _("正在加载地块……"),
            "none": _("没有带图形的地块"),
            "truncated": _("地块过多,只显示前 %(count)s 块,请缩小筛选范围") % {"count": gis.MAX_MAP_FEATURES},
            "count": _("共 %(count)s 块"),
            "error": _("地块加载失败,请刷新重试"),
            "mu": _("亩"),
        },
    }
    if filters.project is not None:
        image = gis.site_image_list(user=request.user, project=filters.project).first()
        if image is not None:
            config["image"] = {
                "url": reverse("land:site-image-file", args=[image.pk]),
                "bounds": [[float(image.south), float(image.west)], [float(image.north), float(image.east)]],
                "title": image.title,
            }
    return config


@login_required
@permission_required("land.view_parcel", raise_exception=True)
@require_GET
def parcel_map(request):
    """The map of parcels coloured by status, filtered like the parcel list."""
    filters = gis.parcel_filters(user=request.user, params=request.GET, default_project=True)
    params = filters.as_params()
    return render(
        request,
        "land/map.html",
        {
            "filters": filters,
            "params": params,
            "projects": selectors.land_project_list(user=request.user),
            "village_groups": selectors.land_village_group_list(user=request.user, project=filters.project),
            "land_classes": LandClass.objects.all(),
            "statuses": [(value, label, gis.STATUS_COLOURS[value]) for value, label in Parcel.Status.choices],
            "map_config": _map_config(request, filters),
            "export_query": "&".join(f"{k}={v}" for k, v in params.items()),
        },
    )


@login_required
@permission_required("land.view_parcel", raise_exception=True)
@require_GET
def parcel_map_data(request):
    """GeoJSON of the filtered parcels for the map (with ``count`` and ``truncated`` members)."""
    filters = gis.parcel_filters(user=request.user, params=request.GET, default_project=True)
    data = gis.parcel_map_data(gis.parcel_map_queryset(user=request.user, filters=filters))
    body = data.geojson[:-1] + f',"count":{data.count},"truncated":{"true" if data.truncated else "false"}}}'
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@permission_required("land.view_parcel", raise_exception=True)
@require_GET
def parcel_map_card(request, pk: int):
    """The parcel card shown beside the map (htmx partial): holders, agreements, payments."""
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    holdings = list(selectors.holding_list(user=request.user, parcel=parcel))
    agreement_ids = {h.agreement_id for h in holdings if h.agreement_id}
    agreements = list(selectors.agreement_list(user=request.user).filter(pk__in=agreement_ids).order_by("signed_on"))
    payments = list(
        selectors.payment_list(user=request.user).filter(agreement_id__in=agreement_ids).order_by("paid_on", "pk")
    )
    return render(
        request,
        "land/gis_parcel_card.html",
        {
            "parcel": parcel,
            "holdings": holdings,
            "agreements": agreements,
            "payments": payments,
            "colour": gis.STATUS_COLOURS.get(parcel.status),
        },
    )


PENDING_KEY = "land_geometry_pending"  # the session's file awaiting a field mapping: token, name, fields


def _pending_path(token: str) -> str:
    return f"land/geometry-pending/{token}"


def _pending_drop(request) -> None:
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        default_storage.delete(_pending_path(pending["token"]))


@login_required
@permission_required("land.change_parcel", raise_exception=True)
def geometry_import(request):
    """Upload parcel geometries (GeoJSON or zipped Shapefile) into a project; a dry run first by default.
    When the file's attributes are not recognised, the page keeps the file and asks which attribute holds
    the code, village group, land class and surveyed area (字段对应); the mapping is remembered per project."""
    projects = gis.upload_project_list(user=request.user)
    pending = request.session.get(PENDING_KEY)
    use_pending = bool(pending and request.method == "POST" and request.POST.get("upload") == pending["token"])
    form = GeometryImportForm(
        request.POST or None,
        request.FILES or None,
        projects=projects,
        file_fields=pending["fields"] if use_pending else None,
    )
    report = mapping_problem = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("文件不能超过 50 MB。"))
        elif upload is None and not use_pending:
            form.add_error("file", _("请选择文件"))
        else:
            if upload is not None:
                data, name = upload.read(), upload.name
            else:
                with default_storage.open(_pending_path(pending["token"]), "rb") as fh:
                    data, name = fh.read(), pending["name"]
            try:
                report = gis.parcel_geometry_import(
                    project=form.cleaned_data["project"],
                    data=data,
                    filename=name,
                    epsg=form.cleaned_data["epsg"],
                    code_field=form.cleaned_data["code_field"] or None,
                    dry_run=form.cleaned_data["dry_run"],
                    repair=form.cleaned_data["repair"],
                    area_unit=form.cleaned_data.get("area_unit") or None,
                    mapping=form.mapping(),
                    actor=request.user,
                )
            except (gis.GeometryFieldsUnrecognised, gis.GeometryImportRejected) as exc:
                if not exc.fields:
                    add_service_errors(form, exc)
                    return render(request, "land/gis_import.html", {"form": form, "report": None})
                _pending_drop(request)
                token = uuid.uuid4().hex
                default_storage.save(_pending_path(token), ContentFile(data))
                request.session[PENDING_KEY] = {"token": token, "name": name, "fields": exc.fields}
                initial = {k: v for k, v in form.cleaned_data.items() if k not in ("file", "upload")}
                form = GeometryImportForm(
                    initial={**initial, "upload": token}, projects=projects, file_fields=exc.fields
                )
                mapping_problem = exc.message
            except (DomainError, ValidationError) as exc:
                add_service_errors(form, exc)
            else:
                if use_pending:
                    _pending_drop(request)
    return render(request, "land/gis_import.html", {"form": form, "report": report, "mapping_problem": mapping_problem})


@login_required
@permission_required("land.view_parcel", raise_exception=True)
@require_GET
def geometry_export(request):
    """The filtered parcels as GeoJSON (``?format=geojson``) or zipped Shapefile (``?format=shp``)."""
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.services import security_event_record

    kind = request.GET.get("format", "geojson")
    if kind not in ("geojson", "shp"):
        raise Http404
    filters = gis.parcel_filters(user=request.user, params=request.GET)
    parcels = gis.parcel_map_queryset(user=request.user, filters=filters)
    try:
        if kind == "geojson":
            body = gis.parcel_geojson_export(parcels)
            content_type, ext = "application/geo+json", "geojson"
        else:
            body = gis.parcel_shapefile_export(parcels)
            content_type, ext = "application/zip", "zip"
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('land:parcel-map')}?{request.GET.urlencode()}")
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        user=request.user,
        detail={"list": f"land.parcel_geometry.{kind}", "filters": filters.as_params()},
    )
    name = _("地块图形") + f"_{timezone.localdate():%Y%m%d}.{ext}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@permission_required("land.add_siteimage", raise_exception=True)
def site_image_upload(request):
    """Upload a georeferenced site image (现场影像) as a project's map background."""
    projects = gis.upload_project_list(user=request.user)
    form = SiteImageForm(request.POST or None, request.FILES or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            image = gis.site_image_upload(
                project=data["project"],
                image=data["image"],
                title=data["title"],
                south=data["south"],
                west=data["west"],
                north=data["north"],
                east=data["east"],
                actor=request.user,
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("现场影像已上传。"))
            if request.user.has_perm("land.view_parcel"):
                return redirect(f"{reverse('land:parcel-map')}?project={image.project_id}")
            return redirect("land:site-image-upload")  # e.g. the system administrator, who sees no parcels
    images = gis.site_image_list(user=request.user).select_related("uploaded_by")[:20]
    return render(request, "land/gis_site_image.html", {"form": form, "images": images})


@login_required
@permission_required("land.view_siteimage", raise_exception=True)
@require_GET
def site_image_file(request, pk: int):
    """The image file itself, only within the user's scope (media files are not served publicly)."""
    image = get_scoped_or_404(SiteImage.objects.all(), request.user, pk=pk)
    try:
        handle = image.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = image.image.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    patch_cache_control(response, private=True, max_age=3600)
    return response
