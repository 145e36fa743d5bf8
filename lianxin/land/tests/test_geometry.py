"""Parcel geometry files: areas on the ellipsoid, Gauss–Krüger shapefiles, GBK attributes, bad files."""

import io
import json
import zipfile
from decimal import Decimal

import pyproj
import pytest
import shapefile
from pyproj.enums import WktVersion

from lianxin.land.geometry import (
    GeometryError,
    ShapefileField,
    area_mu,
    geojson_bytes,
    read_geojson,
    read_geometry_file,
    shapefile_zip,
)

# A corner in CGCS2000 3-degree Gauss–Krüger zone 38 (central meridian 114°E), zone-prefixed easting.
X0, Y0 = 38_500_000.0, 3_000_000.0


def _rect(x: float, y: float, width: float, height: float) -> list[list[float]]:
    return [[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]


def _to_lonlat(ring, epsg=4526):
    transformer = pyproj.Transformer.from_crs(epsg, 4490, always_xy=True)
    return [list(transformer.transform(x, y)) for x, y in ring]


def _shapefile_zip(polygons, records, *, encoding="gbk", epsg=4526, cpg=None, prj=True, fields=None) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding)
    for name, kind, size in fields or [("地块编码", "C", 20), ("组名", "C", 40)]:
        writer.field(name, kind, size=size)
    for rings, record in zip(polygons, records, strict=True):
        writer.poly(rings)
        writer.record(*record)
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("dk/parcels.shp", shp.getvalue())
        archive.writestr("dk/parcels.shx", shx.getvalue())
        archive.writestr("dk/parcels.dbf", dbf.getvalue())
        if prj:
            archive.writestr("dk/parcels.prj", pyproj.CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
        if cpg:
            archive.writestr("dk/parcels.cpg", cpg)
    return out.getvalue()


@pytest.mark.parametrize("epsg", [4526, 4547])  # zone 38 with prefix, and CM 114°E without
def test_rectangle_of_100_by_66667_metres_in_a_gauss_kruger_zone_is_10_mu(epsg):
    x0 = X0 if epsg == 4526 else X0 - 38_000_000
    feature = {
        "type": "Feature",
        "properties": {"code": "A-1"},
        "geometry": {"type": "Polygon", "coordinates": [_rect(x0, Y0, 100, 66.667)]},
    }

    result = read_geojson(feature, epsg=epsg)

    assert result.source_epsg == epsg
    assert abs(result.features[0].area_mu - Decimal("10")) < Decimal("0.01")
    lon, lat = result.features[0].geometry["coordinates"][0][0]
    assert lon == pytest.approx(114.0, abs=1e-6)  # easting 500 000 is on the central meridian
    assert 27 < lat < 27.2


def test_holes_are_subtracted_and_multipolygon_parts_summed():
    outer = _to_lonlat(_rect(X0, Y0, 100, 100))  # 15 mu
    hole = _to_lonlat(_rect(X0 + 25, Y0 + 25, 50, 50))[::-1]  # 3.75 mu
    second = _to_lonlat(_rect(X0 + 200, Y0, 100, 66.667))  # 10 mu

    polygon = {"type": "Polygon", "coordinates": [outer, hole]}
    multi = {"type": "MultiPolygon", "coordinates": [[outer, hole], [second]]}

    assert area_mu(polygon) == pytest.approx(Decimal("11.25"), abs=Decimal("0.01"))
    assert area_mu(multi) == pytest.approx(Decimal("21.25"), abs=Decimal("0.02"))


def test_ring_orientation_does_not_change_the_area():
    ring = _to_lonlat(_rect(X0, Y0, 100, 66.667))
    clockwise = {"type": "Polygon", "coordinates": [ring[::-1]]}
    anticlockwise = {"type": "Polygon", "coordinates": [ring]}

    assert area_mu(clockwise) == area_mu(anticlockwise)


def test_gauss_kruger_shapefile_gives_the_same_areas_as_its_lonlat_twin_and_reads_gbk():
    rects = [_rect(X0, Y0, 100, 66.667), _rect(X0 + 300, Y0 + 120, 37.5, 210.2), _rect(X0 - 900, Y0 - 40, 12, 12)]
    records = [["A-001", "甲马石一组"], ["A-002", "甲马石二组"], ["A-003", "白革龙一组"]]
    projected = _shapefile_zip([[r] for r in rects], records)
    twin = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"地块编码": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for (code, _group), ring in zip(records, [_to_lonlat(r) for r in rects], strict=True)
        ],
    }

    from_shp = read_geometry_file(projected, "地块.zip")
    from_geojson = read_geometry_file(json.dumps(twin).encode(), "地块.geojson")

    assert from_shp.source_epsg == 4526
    assert from_shp.encoding == "gbk"
    assert [f.properties["组名"] for f in from_shp.features] == ["甲马石一组", "甲马石二组", "白革龙一组"]
    assert [f.properties["地块编码"] for f in from_shp.features] == ["A-001", "A-002", "A-003"]
    for a, b in zip(from_shp.features, from_geojson.features, strict=True):
        assert abs(a.area_mu - b.area_mu) <= Decimal("0.001")
    assert abs(from_shp.features[0].area_mu - Decimal("10")) < Decimal("0.01")


def test_cpg_overrides_the_gbk_default():
    data = _shapefile_zip(
        [[_rect(X0, Y0, 10, 10)]],
        [["B-1", "白革龙一组"]],
        encoding="utf-8",
        cpg="UTF-8",
        fields=[("code", "C", 20), ("组名", "C", 40)],
    )

    result = read_geometry_file(data, "x.zip")

    assert result.encoding == "utf-8"
    assert [f.properties["组名"] for f in result.features] == ["白革龙一组"]


def test_zone_prefixed_eastings_without_prj_are_read_in_that_zone():
    data = _shapefile_zip([[_rect(X0, Y0, 100, 66.667)]], [["A-001", "一组"]], prj=False)

    result = read_geometry_file(data, "x.zip")

    assert result.source_epsg == 4526
    assert result.crs_guessed
    assert abs(result.features[0].area_mu - Decimal("10")) < Decimal("0.01")


def test_user_epsg_wins_over_the_prj():
    x0 = X0 - 38_000_000  # CM 114°E without the zone prefix, but the .prj wrongly says zone 38
    data = _shapefile_zip([[_rect(x0, Y0, 100, 66.667)]], [["A-001", "一组"]], epsg=4526)

    result = read_geometry_file(data, "x.zip", epsg="4547")

    assert result.source_epsg == 4547
    assert abs(result.features[0].area_mu - Decimal("10")) < Decimal("0.01")


def test_geojson_crs_member_is_honoured():
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4526"}},
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [_rect(X0, Y0, 100, 66.667)]},
            }
        ],
    }

    result = read_geojson(json.dumps(document))

    assert result.source_epsg == 4526


# -- bad files -----------------------------------------------------------------------------------
def test_not_a_zip_is_refused():
    with pytest.raises(GeometryError, match="不是有效的 .zip"):
        read_geometry_file(b"hello", "parcels.zip")


def test_zip_without_dbf_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.shp", b"x")
        archive.writestr("a.shx", b"x")
    with pytest.raises(GeometryError, match=".dbf"):
        read_geometry_file(out.getvalue(), "a.zip")


def test_zip_without_shp_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "地块")
    with pytest.raises(GeometryError, match=".shp"):
        read_geometry_file(out.getvalue(), "a.zip")


def test_unknown_epsg_is_refused():
    with pytest.raises(GeometryError, match="EPSG:999999") as info:
        read_geojson({"type": "Polygon", "coordinates": [_rect(0, 0, 1, 1)]}, epsg=999999)
    assert info.value.field == "epsg"


def test_unreadable_prj_is_refused():
    data = _shapefile_zip([[_rect(X0, Y0, 10, 10)]], [["A", "一组"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = b"NOT A CRS" if info.filename.endswith(".prj") else source.read(info)
            target.writestr(info.filename, body)
    with pytest.raises(GeometryError, match=".prj"):
        read_geometry_file(out.getvalue(), "a.zip")


def test_points_are_refused_naming_the_feature():
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"地块编码": "A-1"},
                "geometry": {"type": "Polygon", "coordinates": [_to_lonlat(_rect(X0, Y0, 10, 10))]},
            },
            {
                "type": "Feature",
                "properties": {"地块编码": "A-2"},
                "geometry": {"type": "Point", "coordinates": [114, 27]},
            },
        ],
    }
    with pytest.raises(GeometryError, match=r"第2个要素\(A-2\).*Point") as info:
        read_geojson(document)
    assert info.value.code == "not_polygon"


def test_point_shapefile_is_refused():
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT)
    writer.field("code", "C")
    writer.point(114, 27)
    writer.record("A")
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for ext, buf in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
            archive.writestr("p" + ext, buf.getvalue())
    with pytest.raises(GeometryError, match="Polygon"):
        read_geometry_file(out.getvalue(), "p.zip")


@pytest.mark.parametrize(
    "coordinates",
    [
        [[[114, 27], [114.001, 27], ["x", 27.001], [114, 27]]],
        [[[114, 27], [114.001, 27]]],
        [[[500000, 3000000], [500100, 3000000], [500100, 3000100], [500000, 3000000]]],
    ],
    ids=["text", "too-few-points", "projected-without-crs"],
)
def test_invalid_coordinates_are_refused_naming_the_feature(coordinates):
    feature = {
        "type": "Feature",
        "properties": {"code": "Z-9"},
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }
    with pytest.raises(GeometryError, match=r"第1个要素\(Z-9\)"):
        read_geojson(feature)


def test_not_json_is_refused():
    with pytest.raises(GeometryError, match="GeoJSON"):
        read_geometry_file(b"\xff\xfe not json", "a.geojson")


# -- writing -------------------------------------------------------------------------------------
def _lonlat_features():
    return [
        (
            {"type": "Polygon", "coordinates": [_to_lonlat(_rect(X0, Y0, 100, 66.667))]},
            {"地块编码": "A-001", "村民小组": "甲马石一组"},
        ),
        (
            {"type": "Polygon", "coordinates": [_to_lonlat(_rect(X0 + 200, Y0, 50, 50))]},
            {"地块编码": "A-002", "村民小组": "甲马石二组"},
        ),
    ]


def test_geojson_export_round_trips_in_cgcs2000():
    data = geojson_bytes(_lonlat_features())
    document = json.loads(data)

    assert document["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4490"
    again = read_geojson(data)
    assert again.source_epsg == 4490
    assert [f.properties["村民小组"] for f in again.features] == ["甲马石一组", "甲马石二组"]
    assert abs(again.features[0].area_mu - Decimal("10")) < Decimal("0.01")


def test_shapefile_export_has_prj_cpg_and_utf8_attributes_that_read_back():
    fields = [ShapefileField("code", "C", 40), ShapefileField("group", "C", 60), ShapefileField("area_mu", "N", 14, 4)]
    data = shapefile_zip(
        [
            (geometry, [props["地块编码"], props["村民小组"], Decimal("10.0005")])
            for geometry, props in _lonlat_features()
        ],
        fields,
    )

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == [f"parcels.{ext}" for ext in ("cpg", "dbf", "prj", "shp", "shx")]
    assert archive.read("parcels.cpg") == b"UTF-8"
    assert pyproj.CRS.from_wkt(archive.read("parcels.prj").decode()).to_epsg() == 4490
    again = read_geometry_file(data, "parcels.zip")
    assert [f.properties["group"] for f in again.features] == ["甲马石一组", "甲马石二组"]
    assert again.features[0].properties["area_mu"] == pytest.approx(10.0005)
    assert abs(again.features[0].area_mu - Decimal("10")) < Decimal("0.01")
    reader = shapefile.Reader(shp=io.BytesIO(archive.read("parcels.shp")), dbf=io.BytesIO(archive.read("parcels.dbf")))
    # ESRI order: exterior rings clockwise, as QGIS/ArcGIS expect
    assert shapefile.signed_area(reader.shape(0).points) < 0


# -- validity (issue 11: a bow-tie parcel was saved with an area) ---------------------------------
def _bow_tie(code="SI-1"):
    # Crosses itself at (X0 + 50, Y0 + 50): two triangles of 2,500 m² each, 7.5 mu once repaired.
    ring = [[X0, Y0], [X0 + 100, Y0 + 100], [X0 + 100, Y0], [X0, Y0 + 100], [X0, Y0]]
    return {"type": "Feature", "properties": {"地块编码": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_self_intersecting_ring_is_refused_with_the_crossing_point():
    with pytest.raises(GeometryError) as info:
        read_geojson(_bow_tie(), epsg=4526)

    assert info.value.code == "invalid_polygon"
    assert "第1个要素(SI-1)：边界自相交，位置约在 (38500050, 3000050)" in info.value.message


def test_self_intersecting_ring_is_repaired_on_request_with_its_area():
    result = read_geojson(_bow_tie(), epsg=4526, repair=True)

    feature = result.features[0]
    assert feature.repaired.startswith("边界自相交")
    assert feature.geometry["type"] == "MultiPolygon"
    assert abs(feature.area_mu - Decimal("7.5")) < Decimal("0.01")


def test_every_invalid_feature_is_named_in_one_message():
    document = {"type": "FeatureCollection", "features": [_bow_tie("SI-1"), _bow_tie("SI-2")]}

    with pytest.raises(GeometryError, match=r"有 2 个要素的图形无效.*\(SI-1\).*\(SI-2\)"):
        read_geojson(document, epsg=4526)


def test_zero_area_ring_is_refused_and_cannot_be_repaired():
    ring = [[X0, Y0], [X0 + 50, Y0], [X0 + 100, Y0], [X0, Y0]]  # three points on one line
    feature = {"type": "Feature", "properties": {"code": "Z-1"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}

    with pytest.raises(GeometryError, match=r"第1个要素\(Z-1\)") as refused:
        read_geojson(feature, epsg=4526)
    with pytest.raises(GeometryError, match="修复后没有面积"):
        read_geojson(feature, epsg=4526, repair=True)
    assert refused.value.code == "invalid_polygon"


def test_hole_outside_its_shell_is_refused():
    hole = _rect(X0 + 500, Y0, 10, 10)
    feature = {
        "type": "Feature",
        "properties": {"code": "H-1"},
        "geometry": {"type": "Polygon", "coordinates": [_rect(X0, Y0, 100, 100), hole]},
    }
    with pytest.raises(GeometryError, match=r"\(H-1\)：内环\(洞\)在外环之外"):
        read_geojson(feature, epsg=4526)


def test_self_intersecting_shapefile_polygon_is_refused_too():
    ring = [[X0, Y0], [X0 + 100, Y0 + 100], [X0 + 100, Y0], [X0, Y0 + 100], [X0, Y0]]
    data = _shapefile_zip([[ring]], [("SI-1", "甲马石一组")])

    with pytest.raises(GeometryError, match="边界自相交"):
        read_geometry_file(data, "a.zip")


# -- bounded GeoJSON and library errors (issue 11) -------------------------------------------------
def test_geojson_nested_100000_levels_is_refused_before_parsing():
    data = b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    with pytest.raises(GeometryError, match="嵌套超过") as info:
        read_geometry_file(data, "deep.geojson")
    assert info.value.code == "not_geojson"


def test_oversized_geojson_is_refused_before_parsing(monkeypatch):
    from lianxin.land import geometry

    monkeypatch.setattr(geometry, "MAX_GEOJSON_BYTES", 1000)
    data = json.dumps(_bow_tie() | {"properties": {"note": "x" * 2000}}).encode()

    with pytest.raises(GeometryError, match="过大") as info:
        read_geometry_file(data, "big.geojson")
    assert info.value.code == "too_large"


def test_broken_shapefile_message_hides_the_library_error(caplog):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("p.shp", b"\x00\x00\x27\x0a not a shapefile header")
        archive.writestr("p.dbf", b"not a dbf")
    with pytest.raises(GeometryError) as info:
        read_geometry_file(out.getvalue(), "p.zip")

    assert info.value.message == "Shapefile 文件已损坏，无法读取(.shp、.shx、.dbf 不完整或不匹配)。"
    assert any("pyshp" in record.getMessage() for record in caplog.records)  # the detail is in the log
