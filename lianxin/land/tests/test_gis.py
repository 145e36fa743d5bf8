"""Parcel geometries in the ledger: import into a project, exports, map data, site images; scope and roles."""

import io
import json
import zipfile
from decimal import Decimal

import pyproj
import pytest
import shapefile
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyproj.enums import WktVersion

from lianxin.accounts.models import SecurityEvent
from lianxin.core import formats
from lianxin.land import gis
from lianxin.land.geometry import GeometryError
from lianxin.land.models import Parcel, SiteImage

from . import factories

X0, Y0 = 38_500_000.0, 3_000_000.0  # CGCS2000 3-degree zone 38, easting with the zone prefix
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _rect(i: int, width: float = 100, height: float = 66.667) -> list[list[float]]:
    x, y = X0 + i * 300, Y0
    return [[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]


def _lonlat(ring):
    transformer = pyproj.Transformer.from_crs(4526, 4490, always_xy=True)
    return [list(transformer.transform(x, y)) for x, y in ring]


def _geojson(*features) -> bytes:
    """features: (properties, ring in zone 38 metres) → GeoJSON in lon/lat."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": props,
                    "geometry": {"type": "Polygon", "coordinates": [_lonlat(ring)]},
                }
                for props, ring in features
            ],
        },
        ensure_ascii=False,
    ).encode()


def _gk_shapefile(records, rings) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="gbk")
    writer.field("地块编码", "C", size=20)
    writer.field("备注", "C", size=40)
    for record, ring in zip(records, rings, strict=True):
        writer.poly([ring])
        writer.record(*record)
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("地块.shp", shp.getvalue())
        archive.writestr("地块.shx", shx.getvalue())
        archive.writestr("地块.dbf", dbf.getvalue())
        archive.writestr("地块.prj", pyproj.CRS.from_epsg(4526).to_wkt(WktVersion.WKT1_ESRI))
    return out.getvalue()


@pytest.fixture
def parcels(land_project, group_a1, group_a2, group_b1):
    return {
        "A-001": factories.parcel(land_project, group_a1, code="A-001", area_mu="10"),
        "A-002": factories.parcel(land_project, group_a2, code="A-002", area_mu="12"),  # drawn as 10 mu
        "B-001": factories.parcel(land_project, group_b1, code="B-001", area_mu="10"),
    }


# -- import --------------------------------------------------------------------------------------
def test_import_sets_geometry_and_computed_area_and_reports_mismatches(parcels, land_project, working_group_member):
    data = _geojson(({"地块编码": "A-001"}, _rect(0)), ({"地块编码": "A-002"}, _rect(1)))

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="a.geojson", actor=working_group_member
    )

    a1 = Parcel.objects.get(code="A-001")
    assert a1.geometry["type"] == "Polygon"
    assert abs(a1.computed_area_mu - Decimal("10")) < Decimal("0.01")
    assert not a1.area_mismatch
    assert sorted(report.updated) == ["A-001", "A-002"]
    assert [m.code for m in report.mismatches] == ["A-002"]
    assert report.mismatches[0].difference_percent == Decimal("-16.7")
    assert Parcel.objects.get(code="A-002").area_mismatch


def test_import_is_audited_with_the_actor(parcels, land_project, working_group_member):
    from auditlog.models import LogEntry

    gis.parcel_geometry_import(
        project=land_project,
        data=_geojson(({"code": "A-001"}, _rect(0))),
        filename="a.geojson",
        actor=working_group_member,
    )

    entry = LogEntry.objects.get_for_object(parcels["A-001"]).latest("timestamp")
    assert entry.actor == working_group_member
    assert "computed_area_mu" in entry.changes_dict


def test_gauss_kruger_shapefile_with_gbk_attributes_imports(parcels, land_project, working_group_member):
    data = _gk_shapefile([["A-001", "水田边"], ["B-001", "坡地"]], [_rect(0), _rect(2)])

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="地块.zip", actor=working_group_member
    )

    assert report.source_crs.startswith("EPSG:4526")
    assert sorted(report.updated) == ["A-001", "B-001"]
    assert abs(Parcel.objects.get(code="B-001").computed_area_mu - Decimal("10")) < Decimal("0.01")
    lon, lat = Parcel.objects.get(code="A-001").geometry["coordinates"][0][0]
    assert 113.9 < lon < 114.1
    assert 27 < lat < 27.2


def test_dry_run_reports_but_writes_nothing(parcels, land_project, working_group_member):
    data = _geojson(({"code": "A-001"}, _rect(0)))

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="a.geojson", actor=working_group_member, dry_run=True
    )

    assert report.updated == ["A-001"]
    assert Parcel.objects.get(code="A-001").geometry is None


def test_unknown_parcel_without_group_and_class_rejects_the_whole_file(parcels, land_project, working_group_member):
    data = _geojson(({"地块编码": "A-001"}, _rect(0)), ({"地块编码": "X-404"}, _rect(1)))

    with pytest.raises(gis.GeometryImportRejected, match=r"第2个要素\(X-404\).*村民小组和地类"):
        gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=working_group_member)

    assert Parcel.objects.get(code="A-001").geometry is None  # all or nothing


def test_unknown_parcel_with_group_and_class_is_created(parcels, land_project, group_a2, working_group_member):
    data = _geojson(
        ({"地块编码": "A-100", "村民小组": "甲马石二组", "地类编码": "0101", "面积": "10.5"}, _rect(3)),
        ({"地块编码": "A-101", "村民小组": "甲马石二组", "地类": "旱地"}, _rect(4)),
    )

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="a.geojson", actor=working_group_member
    )

    assert report.created == ["A-100", "A-101"]
    created = Parcel.objects.get(project=land_project, code="A-100")
    assert created.village_group == group_a2
    assert created.land_class.name == "水田"
    assert created.area_mu == Decimal("10.5000")
    # without an area attribute the computed area is the surveyed one
    other = Parcel.objects.get(project=land_project, code="A-101")
    assert other.area_mu == other.computed_area_mu


def test_unknown_group_or_class_is_rejected_by_name(parcels, land_project, working_group_member):
    data = _geojson(({"地块编码": "A-100", "村民小组": "不存在组", "地类编码": "0101"}, _rect(3)))

    with pytest.raises(gis.GeometryImportRejected, match="不存在组"):
        gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=working_group_member)


def test_named_code_field_is_used(parcels, land_project, working_group_member):
    data = _geojson(({"DKBH": "A-001", "code": "nonsense"}, _rect(0)))

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="a.geojson", actor=working_group_member, code_field="dkbh"
    )

    assert report.updated == ["A-001"]


def test_duplicate_codes_in_a_file_are_rejected(parcels, land_project, working_group_member):
    data = _geojson(({"地块编码": "A-001"}, _rect(0)), ({"地块编码": "A-001"}, _rect(1)))

    with pytest.raises(gis.GeometryImportRejected, match="重复"):
        gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=working_group_member)


def test_village_cadre_cannot_draw_another_villages_parcel(parcels, land_project, village_a_clerk):
    data = _geojson(({"地块编码": "A-001"}, _rect(0)), ({"地块编码": "B-001"}, _rect(2)))

    with pytest.raises(gis.GeometryImportRejected, match="B-001"):
        gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=village_a_clerk)

    report = gis.parcel_geometry_import(
        project=land_project,
        data=_geojson(({"地块编码": "A-001"}, _rect(0))),
        filename="a.geojson",
        actor=village_a_clerk,
    )
    assert report.updated == ["A-001"]


def test_read_only_roles_cannot_import(parcels, land_project, town_admin):
    with pytest.raises(PermissionDenied):
        gis.parcel_geometry_import(
            project=land_project, data=_geojson(({"code": "A-001"}, _rect(0))), filename="a.geojson", actor=town_admin
        )


def test_bad_file_raises_a_geometry_error(parcels, land_project, working_group_member):
    with pytest.raises(GeometryError):
        gis.parcel_geometry_import(
            project=land_project, data=b"PK\x03\x04junk", filename="a.zip", actor=working_group_member
        )


# -- exports and map data ------------------------------------------------------------------------
@pytest.fixture
def drawn(parcels, land_project, working_group_member):
    data = _geojson(*[({"code": code}, _rect(i)) for i, code in enumerate(["A-001", "A-002", "B-001"])])
    gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=working_group_member)
    return parcels


def _filters(user, **params):
    return gis.parcel_filters(user=user, params=params)


def test_geojson_export_is_scoped_and_carries_attributes(drawn, village_b_clerk, working_group_member):
    everything = json.loads(
        gis.parcel_geojson_export(
            gis.parcel_map_queryset(user=working_group_member, filters=_filters(working_group_member))
        )
    )
    own = json.loads(
        gis.parcel_geojson_export(gis.parcel_map_queryset(user=village_b_clerk, filters=_filters(village_b_clerk)))
    )

    assert sorted(f["properties"]["地块编码"] for f in everything["features"]) == ["A-001", "A-002", "B-001"]
    assert [f["properties"]["地块编码"] for f in own["features"]] == ["B-001"]
    props = own["features"][0]["properties"]
    assert props["村民小组"] == "白革龙一组"
    assert props["测量面积亩"] == 10.0
    assert props["状态"] == "已测量"
    assert own["crs"]["properties"]["name"].endswith("4490")


def test_shapefile_export_reads_back_with_utf8_attributes(drawn, working_group_member, group_a2):
    filters = _filters(working_group_member, village_group=group_a2.pk)
    data = gis.parcel_shapefile_export(gis.parcel_map_queryset(user=working_group_member, filters=filters))

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("parcels.cpg") == b"UTF-8"
    reader = shapefile.Reader(
        shp=io.BytesIO(archive.read("parcels.shp")), dbf=io.BytesIO(archive.read("parcels.dbf")), encoding="utf-8"
    )
    records = [r.as_dict() for r in reader.records()]
    assert [(r["code"], r["vgroup"], r["area_mu"]) for r in records] == [("A-002", "甲马石二组", 12.0)]
    assert records[0]["calc_mu"] == pytest.approx(10.0, abs=0.01)


def test_map_data_has_status_colour_card_and_respects_filters(drawn, working_group_member, land_project):
    data = gis.parcel_map_data(
        gis.parcel_map_queryset(
            user=working_group_member, filters=_filters(working_group_member, project=land_project.pk)
        )
    )
    document = json.loads(data.geojson)

    assert data.count == 3
    assert not data.truncated
    first = next(f for f in document["features"] if f["properties"]["code"] == "A-002")
    assert first["properties"]["status"] == Parcel.Status.SURVEYED
    assert first["properties"]["colour"] == gis.STATUS_COLOURS[Parcel.Status.SURVEYED]
    assert first["properties"]["mismatch"] is True
    assert first["properties"]["card_url"] == reverse("land:parcel-map-card", args=[drawn["A-002"].pk])
    assert first["geometry"]["type"] == "Polygon"
    west, south, east, north = data.bounds
    assert 113.9 < west < east < 114.1

    only_agreed = gis.parcel_map_data(
        gis.parcel_map_queryset(user=working_group_member, filters=_filters(working_group_member, status="agreed"))
    )
    assert only_agreed.count == 0


def test_map_data_is_capped(drawn, working_group_member):
    data = gis.parcel_map_data(
        gis.parcel_map_queryset(user=working_group_member, filters=_filters(working_group_member)), limit=2
    )

    assert data.count == 2
    assert data.truncated


# -- pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"), [("working_group_member", 200), ("village_a_clerk", 200), ("town_admin", 200), ("outsider", 403)]
)
def test_map_page_by_role(drawn, login_as, request, who, status):
    response = login_as(request.getfixturevalue(who)).get(reverse("land:parcel-map"))

    assert response.status_code == status
    if status == 200:
        assert b'id="map-config"' in response.content
        assert b"leaflet.js" in response.content
        assert b"<script>" not in response.content  # CSP: data only in json_script


def test_map_data_view_is_scoped(drawn, login_as, village_a_clerk, land_project):
    response = login_as(village_a_clerk).get(reverse("land:parcel-map-data"), {"project": land_project.pk})

    document = json.loads(response.content)
    assert response["Content-Type"].startswith("application/geo+json")
    assert sorted(f["properties"]["code"] for f in document["features"]) == ["A-001", "A-002"]
    assert document["count"] == 2


def test_map_data_query_count_does_not_grow_with_parcels(drawn, login_as, working_group_member, land_project, group_a1):
    client = login_as(working_group_member)
    url = reverse("land:parcel-map-data")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"project": land_project.pk})
    data = _geojson(
        *[({"code": f"N-{i}", "村民小组": "甲马石一组", "地类编码": "0103"}, _rect(10 + i)) for i in range(5)]
    )
    gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=working_group_member)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"project": land_project.pk})

    assert json.loads(response.content)["count"] == 8
    assert len(many) == len(few)


def test_parcel_card_shows_holders_agreement_and_payments(signed, login_as, working_group_member, village_b_clerk):
    agreement, parcel = signed
    url = reverse("land:parcel-map-card", args=[parcel.pk])

    response = login_as(working_group_member).get(url, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert parcel.code in content
    assert agreement.number in content
    assert "暂无兑付" in content
    assert login_as(village_b_clerk).get(url).status_code == 404


def test_import_page_dry_run_then_commit(parcels, login_as, working_group_member, land_project):
    client = login_as(working_group_member)
    url = reverse("land:geometry-import")
    assert client.get(url).status_code == 200

    def post(dry_run):
        upload = SimpleUploadedFile("地块.geojson", _geojson(({"地块编码": "A-002"}, _rect(1))))
        data = {"project": land_project.pk, "file": upload}
        if dry_run:
            data["dry_run"] = "on"
        return client.post(url, data)

    response = post(True)
    assert "检查结果(未写入)" in response.content.decode()
    assert "A-002" in response.content.decode()  # listed as an area mismatch
    assert Parcel.objects.get(code="A-002").geometry is None
    response = post(False)
    assert "导入完成" in response.content.decode()
    assert Parcel.objects.get(code="A-002").geometry is not None


def test_import_page_shows_the_rejection(parcels, login_as, working_group_member, land_project):
    upload = SimpleUploadedFile("a.zip", b"not a zip")
    response = login_as(working_group_member).post(
        reverse("land:geometry-import"), {"project": land_project.pk, "file": upload}
    )

    assert response.status_code == 200
    assert "不是有效的 .zip" in response.content.decode()


def test_import_page_refused_to_read_only_roles(login_as, town_admin):
    assert login_as(town_admin).get(reverse("land:geometry-import")).status_code == 403


def test_export_view_downloads_and_records_the_export(drawn, login_as, village_a_clerk):
    client = login_as(village_a_clerk)

    response = client.get(reverse("land:geometry-export"), {"format": "shp"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "parcels.prj" in names
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()
    geojson = client.get(reverse("land:geometry-export"), {"format": "geojson"})
    assert sorted(f["properties"]["地块编码"] for f in json.loads(geojson.content)["features"]) == ["A-001", "A-002"]


# -- site images ---------------------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _image_post(project, content=PNG, name="site.png", **bounds):
    data = {"project": project.pk, "title": "航拍", "south": "27.0", "west": "113.9", "north": "27.2", "east": "114.1"}
    data.update(bounds)
    data["image"] = SimpleUploadedFile(name, content, content_type="image/png")
    return data


def test_site_image_upload_becomes_the_map_background(media, drawn, login_as, working_group_member, land_project):
    client = login_as(working_group_member)

    response = client.post(reverse("land:site-image-upload"), _image_post(land_project))

    assert response.status_code == 302
    image = SiteImage.objects.get()
    assert image.uploaded_by == working_group_member
    page = client.get(reverse("land:parcel-map"), {"project": land_project.pk}).content.decode()
    assert reverse("land:site-image-file", args=[image.pk]) in page
    file_response = client.get(reverse("land:site-image-file", args=[image.pk]))
    assert file_response["Content-Type"] == "image/png"
    assert b"".join(file_response.streaming_content) == PNG


@pytest.mark.parametrize(
    ("content", "bounds", "message"),
    [
        (b"GIF89a not allowed", {}, "PNG 或 JPEG"),
        (PNG, {"north": "26.9"}, "北边界"),
        (PNG, {"east": "113.0"}, "东边界"),
    ],
)
def test_site_image_upload_refuses_bad_files_and_bounds(
    media, land_project, login_as, working_group_member, content, bounds, message
):
    response = login_as(working_group_member).post(
        reverse("land:site-image-upload"), _image_post(land_project, content, **bounds)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SiteImage.objects.exists()


def test_system_administrator_uploads_a_site_image(media, land_project, login_as, system_admin):
    client = login_as(system_admin)

    response = client.post(reverse("land:site-image-upload"), _image_post(land_project), follow=True)

    assert response.status_code == 200
    assert SiteImage.objects.get().uploaded_by == system_admin
    assert "现场影像已上传" in response.content.decode()


def test_site_image_upload_is_for_the_working_group(media, land_project, login_as, village_a_clerk):
    assert (
        login_as(village_a_clerk).post(reverse("land:site-image-upload"), _image_post(land_project)).status_code == 403
    )


def test_site_image_size_is_checked(media, land_project, working_group_member, monkeypatch):
    monkeypatch.setattr(gis, "MAX_SITE_IMAGE_BYTES", 10)
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    with pytest.raises(gis.DomainError, match="MB"):
        gis.site_image_upload(
            project=land_project,
            image=upload,
            south=Decimal("27"),
            west=Decimal("113"),
            north=Decimal("28"),
            east=Decimal("114"),
            actor=working_group_member,
        )


# -- API -----------------------------------------------------------------------------------------
def test_api_exports_geojson_within_scope(drawn, client, bearer, village_b_clerk):
    response = client.get("/api/land/gis/parcels.geojson", headers=bearer(village_b_clerk))

    assert response.status_code == 200
    assert [f["properties"]["地块编码"] for f in json.loads(response.content)["features"]] == ["B-001"]


def test_api_map_filters_by_class_code(drawn, client, bearer, working_group_member):
    response = client.get("/api/land/gis/map", {"land_class": "0101"}, headers=bearer(working_group_member))

    assert json.loads(response.content)["count"] == 0


def test_api_import_reports_and_refuses(parcels, client, bearer, working_group_member, town_admin, land_project):
    upload = SimpleUploadedFile("a.geojson", _geojson(({"地块编码": "A-002"}, _rect(1))))
    response = client.post(
        "/api/land/gis/import", {"project": land_project.pk, "file": upload}, headers=bearer(working_group_member)
    )

    assert response.status_code == 200
    body = response.json()
    assert body["updated"] == ["A-002"]
    assert body["mismatches"][0]["code"] == "A-002"

    bad = SimpleUploadedFile("a.geojson", _geojson(({"地块编码": "Z"}, _rect(1))))
    refused = client.post(
        "/api/land/gis/import", {"project": land_project.pk, "file": bad}, headers=bearer(working_group_member)
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "features_rejected"

    upload = SimpleUploadedFile("a.geojson", _geojson(({"地块编码": "A-002"}, _rect(1))))
    forbidden = client.post(
        "/api/land/gis/import", {"project": land_project.pk, "file": upload}, headers=bearer(town_admin)
    )
    assert forbidden.status_code == 403


# -- invalid polygons (issue 11: a bow-tie became parcel SI-1 with 16.9934 mu) ----------------------
def _bow_tie(i: int = 1) -> list[list[float]]:
    x, y = X0 + i * 300, Y0
    return [[x, y], [x + 100, y + 100], [x + 100, y], [x, y + 100], [x, y]]  # 7.5 mu once repaired


def test_self_intersecting_parcel_is_refused_and_nothing_is_written(parcels, land_project, working_group_member):
    data = _geojson(({"地块编码": "A-001"}, _rect(0)), ({"地块编码": "A-002"}, _bow_tie()))

    with pytest.raises(GeometryError, match=r"第2个要素\(A-002\)：边界自相交，位置约在 \(") as info:
        gis.parcel_geometry_import(project=land_project, data=data, filename="a.geojson", actor=working_group_member)

    assert info.value.code == "invalid_polygon"
    assert not Parcel.objects.filter(geometry__isnull=False).exists()


def test_self_intersecting_parcel_is_repaired_on_request_and_its_area_reported(
    parcels, land_project, working_group_member
):
    data = _geojson(({"地块编码": "A-002"}, _bow_tie()))

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="a.geojson", actor=working_group_member, repair=True
    )

    parcel = Parcel.objects.get(code="A-002")
    assert parcel.geometry["type"] == "MultiPolygon"
    assert abs(parcel.computed_area_mu - Decimal("7.5")) < Decimal("0.01")  # geodesic, from the repaired shape
    [repaired] = report.repaired
    assert (repaired.code, repaired.computed_area_mu) == ("A-002", parcel.computed_area_mu)
    assert repaired.problem.startswith("边界自相交")


def test_import_page_refuses_a_bow_tie_then_repairs_it_when_asked(
    parcels, login_as, working_group_member, land_project
):
    client = login_as(working_group_member)

    def post(**extra):
        upload = SimpleUploadedFile("a.geojson", _geojson(({"地块编码": "A-002"}, _bow_tie())))
        return client.post(reverse("land:geometry-import"), {"project": land_project.pk, "file": upload, **extra})

    refused = post().content.decode()
    assert "边界自相交" in refused
    assert "修复无效图形" in refused
    assert Parcel.objects.get(code="A-002").geometry is None

    repaired = post(repair="on").content.decode()
    assert 'data-testid="repaired-table"' in repaired
    area = Parcel.objects.get(code="A-002").computed_area_mu
    assert f'<td class="text-end">{formats.area_exact(area)}</td>' in repaired  # as stored, 4 places at most


def test_api_import_refuses_a_bow_tie_and_repairs_it_on_request(
    parcels, client, bearer, working_group_member, land_project
):
    def post(**extra):
        upload = SimpleUploadedFile("a.geojson", _geojson(({"地块编码": "A-002"}, _bow_tie())))
        data = {"project": land_project.pk, "file": upload, **extra}
        return client.post("/api/land/gis/import", data, headers=bearer(working_group_member))

    refused = post()
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_polygon"
    assert "边界自相交" in refused.json()["errors"]["file"][0]

    accepted = post(repair="true")
    assert accepted.status_code == 200
    [row] = accepted.json()["repaired"]
    assert row["code"] == "A-002"
    assert abs(Decimal(row["computed_area_mu"]) - Decimal("7.5")) < Decimal("0.01")


def test_api_import_refuses_a_geojson_nested_100000_levels(parcels, client, bearer, working_group_member, land_project):
    deep = SimpleUploadedFile("deep.geojson", b"[" * 100_000 + b"]" * 100_000)

    response = client.post(
        "/api/land/gis/import", {"project": land_project.pk, "file": deep}, headers=bearer(working_group_member)
    )

    assert response.status_code == 400
    assert "嵌套" in response.json()["message"]


def _nyt_shapefile(records, rings, *, epsg: int) -> bytes:
    """A zipped Shapefile whose attribute table uses NY/T 2539 field names (GBK, as surveyors deliver)."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="gbk")
    for name, size in (("DKBM", 19), ("DKMC", 50), ("FBFMC", 100), ("DLBM", 10), ("SCMJ", 16), ("SCMJM", 16)):
        writer.field(name, "C", size=size)
    for record, ring in zip(records, rings, strict=True):
        writer.poly([ring])
        writer.record(*record)
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("DK.shp", shp.getvalue())
        archive.writestr("DK.shx", shx.getvalue())
        archive.writestr("DK.dbf", dbf.getvalue())
        archive.writestr("DK.prj", pyproj.CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
    return out.getvalue()


@pytest.mark.parametrize("epsg", [4526, 4527])  # two Gauss–Krüger zones (CGCS2000, 3°, zones 38 and 39)
def test_nyt_2539_fields_create_parcels_with_the_area_in_the_unit_the_field_names(
    parcels, land_project, group_a2, working_group_member, epsg
):
    data = _nyt_shapefile(
        [
            ["5326221012010300100", "大田", "甲马石村甲马石二组村民小组", "0101", "6670", ""],  # ㎡ → 10.005 亩
            ["5326221012010300101", "坡地", "甲马石二组", "0101", "", "10.5"],  # SCMJM in 亩
        ],
        [_rect(3), _rect(4)],
        epsg=epsg,
    )

    report = gis.parcel_geometry_import(
        project=land_project, data=data, filename="DK.zip", actor=working_group_member, dry_run=True
    )
    assert sorted(report.created) == ["5326221012010300100", "5326221012010300101"]
    assert not Parcel.objects.filter(code__startswith="532622").exists()

    gis.parcel_geometry_import(project=land_project, data=data, filename="DK.zip", actor=working_group_member)
    first = Parcel.objects.get(project=land_project, code="5326221012010300100")
    assert first.village_group == group_a2
    assert first.area_mu == Decimal("10.0050")  # 6670 ㎡ × 15/10000
    assert Parcel.objects.get(code="5326221012010300101").area_mu == Decimal("10.5000")


def test_a_declared_unit_converts_an_area_field_whose_name_states_none(parcels, land_project, working_group_member):
    data = _geojson(({"地块编码": "A-102", "村民小组": "甲马石二组", "地类编码": "0101", "面积": "1"}, _rect(5)))
    gis.parcel_geometry_import(
        project=land_project, data=data, filename="a.geojson", actor=working_group_member, area_unit="公顷"
    )
    assert Parcel.objects.get(project=land_project, code="A-102").area_mu == Decimal("15.0000")


def test_api_and_page_take_the_declared_area_unit(parcels, client, bearer, working_group_member, land_project):
    upload = SimpleUploadedFile(
        "a.geojson",
        _geojson(({"地块编码": "A-103", "村民小组": "甲马石二组", "地类编码": "0101", "面积": "6670"}, _rect(6))),
    )
    response = client.post(
        "/api/land/gis/import",
        {"project": land_project.pk, "file": upload, "area_unit": "平方米"},
        headers=bearer(working_group_member),
    )
    assert response.status_code == 200, response.content
    assert Parcel.objects.get(project=land_project, code="A-103").area_mu == Decimal("10.0050")
    bad = SimpleUploadedFile("a.geojson", _geojson(({"地块编码": "A-002"}, _rect(1))))
    refused = client.post(
        "/api/land/gis/import",
        {"project": land_project.pk, "file": bad, "area_unit": "斤"},
        headers=bearer(working_group_member),
    )
    assert refused.status_code == 422
