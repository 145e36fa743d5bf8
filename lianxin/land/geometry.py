"""Parcel geometry files (地块图形): read GeoJSON and zipped Shapefiles, reproject to CGCS2000 lon/lat,
compute geodesic areas in mu, and write GeoJSON and Shapefiles that QGIS opens. Pure: no models.

- Reading: ``read_geometry_file(data, filename, epsg=None)`` takes GeoJSON (FeatureCollection,
  Feature or a bare geometry; an old-style ``crs`` member is honoured) or a .zip holding one
  Shapefile layer (.shp + .dbf, .shx optional, .prj for the CRS, .cpg for the attribute encoding,
  GBK when there is none, as Chinese land bureaus deliver them). The CRS comes from the user's
  EPSG if given, else the file (.prj WKT via ``pyproj.CRS.from_wkt``, GeoJSON ``crs``), else
  CGCS2000 lon/lat (EPSG:4490) — or, when the coordinates are plainly projected eastings with a
  3-degree zone prefix (e.g. 39 512 345.6), the matching CGCS2000 Gauss–Krüger zone EPSG:4513–4533.
- Every geometry is reprojected to EPSG:4490 lon/lat with pyproj (``always_xy=True``); no
  projection maths by hand.
- Validity: every polygon must be valid (OGC simple features, checked by GEOS through shapely):
  a self-intersecting (bow-tie) ring, a ring with too few points, a hole outside its shell… is
  refused with the feature and the point where the ring crosses itself, in the file's own
  coordinates. Only on the user's explicit request (``repair=True``) is it repaired with
  ``shapely.make_valid`` (its polygonal part) and the repaired area reported.
- Size: a GeoJSON over ``MAX_GEOJSON_BYTES`` or nested deeper than ``MAX_JSON_DEPTH`` is refused
  before it is parsed.
- Area: ``geodesic_area_m2`` sums ``pyproj.Geod(ellps="GRS80").polygon_area_perimeter`` over
  exterior rings minus holes, ``area_mu`` converts (1 mu = 10000/15 m²) to a Decimal with 4 places.
- Writing: ``geojson_bytes`` (RFC 7946 plus the ``crs`` member naming EPSG:4490, which QGIS reads)
  and ``shapefile_zip`` (.shp/.shx/.dbf, .prj with the EPSG:4490 WKT, .cpg UTF-8).

Bad files raise ``GeometryError`` (a DomainError) with a Chinese message naming the feature.
"""

from __future__ import annotations

import io
import json
import logging
import math
import posixpath
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pyproj
import shapefile
import shapely
from django.utils.translation import gettext as _
from pyproj.enums import WktVersion
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity, make_valid

from lianxin.core.errors import DomainError
from lianxin.core.text import json_depth_exceeds

__all__ = [
    "CGCS2000_EPSG",
    "GeometryError",
    "GeometryFeature",
    "GeometryFile",
    "SQUARE_METRES_PER_MU",
    "ShapefileField",
    "area_mu",
    "bounds",
    "geodesic_area_m2",
    "geojson_bytes",
    "read_geojson",
    "read_geometry_file",
    "read_shapefile_zip",
    "reproject",
    "resolve_crs",
    "shapefile_zip",
]

logger = logging.getLogger(__name__)

CGCS2000_EPSG = 4490
SQUARE_METRES_PER_MU = Decimal(10000) / Decimal(15)  # 666.67 m²
# CGCS2000 3-degree Gauss–Krüger: zones 25–45 with the zone number prefixed to the easting
# (EPSG:4513–4533) and the same central meridians 75°E–135°E without the prefix (EPSG:4534–4554).
GK_ZONE_PREFIXED = range(4513, 4534)
GK_CENTRAL_MERIDIAN = range(4534, 4555)
MAX_FEATURES = 200_000
MAX_BYTES = 200 * 1024 * 1024
MAX_GEOJSON_BYTES = 50 * 1024 * 1024
MAX_JSON_DEPTH = 32  # a MultiPolygon FeatureCollection nests 7 deep

_GEOD = pyproj.Geod(ellps="GRS80")
_FOUR_PLACES = Decimal("0.0001")


class GeometryError(DomainError):
    """A geometry file that cannot be used; the message says which feature and why."""

    def __init__(self, message: str, code: str = "invalid_geometry", field: str | None = "file") -> None:
        super().__init__(message, code=code, field=field)


@dataclass
class GeometryFeature:
    """One feature read from a file: 1-based position, attributes, geometry in EPSG:4490 lon/lat."""

    number: int
    properties: dict[str, Any]
    geometry: dict[str, Any]
    area_m2: float = 0.0
    repaired: str = ""  # what was wrong with it, when it was repaired on request

    @property
    def area_mu(self) -> Decimal:
        return _mu(self.area_m2)


@dataclass
class GeometryFile:
    """What a file held: the features (reprojected) and the CRS they were read in."""

    features: list[GeometryFeature] = field(default_factory=list)
    source_epsg: int | None = None
    source_crs_name: str = ""
    crs_guessed: bool = False
    encoding: str | None = None


# -- CRS -------------------------------------------------------------------------------------------
def _crs_label(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg} {crs.name}" if epsg else crs.name


def resolve_crs(*, epsg: int | str | None = None, wkt: str | None = None) -> pyproj.CRS:
    """The CRS of a file: the EPSG code the user gave wins over the .prj WKT."""
    if epsg not in (None, ""):
        try:
            code = int(str(epsg).upper().removeprefix("EPSG:").strip())
            return pyproj.CRS.from_epsg(code)
        except (ValueError, CRSError) as exc:
            raise GeometryError(
                _("坐标系 EPSG:%(epsg)s 无法识别，请填写正确的 EPSG 编号(例如 4490 或 4526)。") % {"epsg": epsg},
                code="unknown_crs",
                field="epsg",
            ) from exc
    if wkt:
        try:
            return pyproj.CRS.from_wkt(wkt)
        except CRSError as exc:
            raise GeometryError(
                _("无法识别 .prj 文件中的坐标系，请在上传时填写 EPSG 编号。"), code="unknown_crs"
            ) from exc
    return pyproj.CRS.from_epsg(CGCS2000_EPSG)


def _guess_gauss_kruger(features: Sequence[tuple[int, dict, dict]]) -> int | None:
    """EPSG of the CGCS2000 3-degree zone when every easting carries the same zone prefix (25–45)."""
    zones: set[int] = set()
    for _number, _props, geometry in features:
        for x, y in _positions(geometry):
            if not (1_000_000 <= y <= 10_000_000 and 10_000_000 <= x < 100_000_000):
                return None
            zones.add(int(x // 1_000_000))
            if len(zones) > 1:
                return None
    if len(zones) == 1:
        zone = zones.pop()
        if 25 <= zone <= 45:
            return 4488 + zone  # zone 25 → EPSG:4513
    return None


# -- validity --------------------------------------------------------------------------------------
_VALIDITY = re.compile(r"^(?P<reason>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")


def _reason_label(reason: str) -> str:
    """GEOS's reason (shapely.validation.explain_validity) in Chinese."""
    labels = {
        "Self-intersection": _("边界自相交"),
        "Ring Self-intersection": _("环自相交"),
        "Too few points": _("环的点数不足"),
        "Hole lies outside shell": _("内环(洞)在外环之外"),
        "Nested holes": _("内环相互嵌套"),
        "Interior is disconnected": _("内部不连通"),
        "Nested shells": _("多个外环相互嵌套"),
        "Duplicate Rings": _("有重复的环"),
        "Invalid Coordinate": _("坐标无效"),
        "Ring is not closed": _("环未闭合"),
    }
    return labels.get(reason, _("图形无效"))


@dataclass(frozen=True)
class Invalidity:
    """Why a polygon is not valid, and where (in the coordinates it was checked in)."""

    reason: str
    x: float | None = None
    y: float | None = None

    def describe(self) -> str:
        if self.x is None:
            return self.reason
        return _("%(reason)s，位置约在 (%(x)s, %(y)s)") % {
            "reason": self.reason,
            "x": f"{self.x:.10g}",
            "y": f"{self.y:.10g}",
        }


def invalidity(geometry: dict) -> Invalidity | None:
    """None for a valid Polygon/MultiPolygon; else the reason (Chinese) and the point GEOS names,
    e.g. where a bow-tie ring crosses itself."""
    explanation = explain_validity(shape(geometry))
    if explanation == "Valid Geometry":
        return None
    match = _VALIDITY.match(explanation)
    if match is None:
        return Invalidity(_reason_label(explanation))
    try:
        x, y = float(match["x"]), float(match["y"])
    except ValueError:
        x = y = None
    return Invalidity(_reason_label(match["reason"]), x, y)


def repaired(geometry: dict) -> dict | None:
    """The polygonal part of ``shapely.make_valid(geometry)`` as a GeoJSON Polygon/MultiPolygon, or
    None when nothing of it has an area (a collapsed ring: a line or a point)."""
    fixed = make_valid(shape(geometry))
    parts = [part for part in shapely.get_parts(fixed) if part.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    if merged.is_empty or merged.area <= 0:
        return None
    if merged.geom_type not in ("Polygon", "MultiPolygon"):
        merged = shapely.MultiPolygon([p for p in shapely.get_parts(merged) if p.geom_type == "Polygon"])
    return json.loads(json.dumps(mapping(merged)))  # tuples → lists, as the rest of the module writes


def _validate(cleaned: list[tuple[int, dict, dict]], repair: bool) -> list[tuple[int, dict, dict, str]]:
    """Each feature's geometry checked for validity: kept, repaired (``repair``) or refused, all
    invalid features named in one message."""
    out = []
    problems = []
    for number, properties, geometry in cleaned:
        problem = invalidity(geometry)
        if problem is None:
            out.append((number, properties, geometry, ""))
            continue
        label = _describe(number, properties)
        if repair:
            fixed = repaired(geometry)
            if fixed is not None:
                out.append((number, properties, fixed, problem.describe()))
                continue
            problems.append(
                _("%(feature)s：%(problem)s，修复后没有面积") % {"feature": label, "problem": problem.describe()}
            )
        else:
            problems.append(_("%(feature)s：%(problem)s") % {"feature": label, "problem": problem.describe()})
    if problems:
        shown = problems[:20]
        message = _("有 %(count)s 个要素的图形无效(如自相交)，未写入任何数据：") % {"count": len(problems)}
        message += "；".join(shown)
        if len(problems) > len(shown):
            message += _("……等 %(more)s 个") % {"more": len(problems) - len(shown)}
        if not repair:
            message += _("。请在GIS软件中修正后重新上传,或选择“修复无效图形”。")
        raise GeometryError(message, code="invalid_polygon")
    return out


# -- geometry helpers ------------------------------------------------------------------------------
def _positions(geometry: dict) -> Iterable[tuple[float, float]]:
    coords = geometry.get("coordinates") or []
    polygons = [coords] if geometry.get("type") == "Polygon" else coords
    for polygon in polygons:
        for ring in polygon:
            for position in ring:
                yield position[0], position[1]


def _describe(number: int, properties: dict) -> str:
    """第3个要素 or 第3个要素(A-001): the first code-like attribute helps the user find it."""
    for key in ("地块编码", "宗地代码", "地块编号", "编码", "code", "CODE", "DKBM", "ZDDM"):
        value = properties.get(key)
        if value not in (None, ""):
            return _("第%(number)s个要素(%(code)s)") % {"number": number, "code": value}
    return _("第%(number)s个要素") % {"number": number}


def _clean_polygon(rings: Any, label: str) -> list[list[list[float]]]:
    if not isinstance(rings, list) or not rings:
        raise GeometryError(_("%(feature)s：多边形没有坐标。") % {"feature": label})
    cleaned = []
    for ring in rings:
        if not isinstance(ring, list):
            raise GeometryError(_("%(feature)s：坐标格式无效。") % {"feature": label})
        points = []
        for position in ring:
            try:
                x, y = float(position[0]), float(position[1])
            except (TypeError, ValueError, IndexError) as exc:
                raise GeometryError(
                    _("%(feature)s：坐标 %(value)s 无效。") % {"feature": label, "value": str(position)[:40]}
                ) from exc
            if not (math.isfinite(x) and math.isfinite(y)):
                raise GeometryError(_("%(feature)s：坐标含有非数值。") % {"feature": label})
            points.append([x, y])
        if points and points[0] != points[-1]:
            points.append(points[0])  # close the ring
        if len({tuple(p) for p in points}) < 3:
            raise GeometryError(_("%(feature)s：多边形的环少于 3 个不同的点。") % {"feature": label})
        cleaned.append(points)
    return cleaned


def _clean_geometry(geometry: Any, label: str) -> dict:
    """Polygon or MultiPolygon with numeric, finite, closed rings; anything else is refused."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("%(feature)s：没有图形。") % {"feature": label})
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": _clean_polygon(geometry.get("coordinates"), label)}
    if kind == "MultiPolygon":
        polygons = geometry.get("coordinates")
        if not isinstance(polygons, list) or not polygons:
            raise GeometryError(_("%(feature)s：多边形没有坐标。") % {"feature": label})
        return {"type": "MultiPolygon", "coordinates": [_clean_polygon(p, label) for p in polygons]}
    raise GeometryError(
        _("%(feature)s：图形类型为 %(kind)s，地块只能是面(Polygon 或 MultiPolygon)。")
        % {"feature": label, "kind": kind or _("空")},
        code="not_polygon",
    )


def reproject(geometry: dict, transformer: pyproj.Transformer | None) -> dict:
    """The same geometry with every position transformed (lon/lat order, 7 decimals ≈ 1 cm)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            if transformer is not None:
                xs, ys = transformer.transform(xs, ys, errcheck=False)
            rings.append([[round(x, 7), round(y, 7)] for x, y in zip(xs, ys, strict=True)])
        out.append(rings)
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def _check_lonlat(geometry: dict, label: str, crs_label: str) -> None:
    for lon, lat in _positions(geometry):
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeometryError(
                _(
                    "%(feature)s：坐标 (%(x)s, %(y)s) 在坐标系 %(crs)s 下不是有效的经纬度；"
                    "如果是投影坐标(如高斯-克吕格)，请在上传时填写 EPSG 编号。"
                )
                % {"feature": label, "x": lon, "y": lat, "crs": crs_label},
                code="invalid_coordinates",
            )


def geodesic_area_m2(geometry: dict) -> float:
    """Area on the GRS80 ellipsoid (CGCS2000) of a lon/lat Polygon/MultiPolygon: exterior rings
    minus holes, polygons summed, whatever the ring orientation."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    total = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            area, _perimeter = _GEOD.polygon_area_perimeter(lons, lats)
            total += abs(area) if index == 0 else -abs(area)
    return total


def _mu(square_metres: float) -> Decimal:
    return (Decimal(repr(square_metres)) / SQUARE_METRES_PER_MU).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def area_mu(geometry: dict) -> Decimal:
    """Geodesic area of a lon/lat geometry in mu, 4 decimal places."""
    return _mu(geodesic_area_m2(geometry))


def bounds(geometries: Iterable[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of lon/lat geometries, or None for none."""
    west = south = math.inf
    east = north = -math.inf
    for geometry in geometries:
        for lon, lat in _positions(geometry):
            west, east = min(west, lon), max(east, lon)
            south, north = min(south, lat), max(north, lat)
    if west == math.inf:
        return None
    return west, south, east, north


# -- reading ---------------------------------------------------------------------------------------
def _finish(
    raw: list[tuple[int, dict, Any]],
    *,
    epsg: int | str | None,
    wkt: str | None,
    file_crs: pyproj.CRS | None = None,
    encoding: str | None = None,
    repair: bool = False,
) -> GeometryFile:
    if not raw:
        raise GeometryError(_("文件中没有任何要素。"), code="empty")
    if len(raw) > MAX_FEATURES:
        raise GeometryError(
            _("文件有 %(count)s 个要素，超过上限 %(limit)s。") % {"count": len(raw), "limit": MAX_FEATURES}
        )
    cleaned = [(n, props, _clean_geometry(geom, _describe(n, props))) for n, props, geom in raw]
    checked = _validate(cleaned, repair)  # in the file's own coordinates: the point is where the user finds it
    guessed = False
    if epsg in (None, "") and not wkt and file_crs is None:
        zone_epsg = _guess_gauss_kruger(cleaned)
        if zone_epsg:
            epsg, guessed = zone_epsg, True
    crs = file_crs if (file_crs is not None and epsg in (None, "")) else resolve_crs(epsg=epsg, wkt=wkt)
    if crs.is_geographic and crs.to_epsg(min_confidence=70) == CGCS2000_EPSG:
        transformer = None
    else:
        if not (crs.is_projected or crs.is_geographic):
            raise GeometryError(
                _("坐标系 %(crs)s 不是平面或经纬度坐标系，无法使用。") % {"crs": crs.name}, code="unknown_crs"
            )
        transformer = pyproj.Transformer.from_crs(crs, pyproj.CRS.from_epsg(CGCS2000_EPSG), always_xy=True)
    crs_label = _crs_label(crs)
    result = GeometryFile(
        source_epsg=crs.to_epsg(min_confidence=70), source_crs_name=crs_label, crs_guessed=guessed, encoding=encoding
    )
    for number, properties, geometry, problem in checked:
        label = _describe(number, properties)
        lonlat = reproject(geometry, transformer)
        _check_lonlat(lonlat, label, crs_label)
        area = geodesic_area_m2(lonlat)
        if area <= 0:
            raise GeometryError(_("%(feature)s：多边形面积为零。") % {"feature": label}, code="invalid_coordinates")
        result.features.append(
            GeometryFeature(number=number, properties=properties, geometry=lonlat, area_m2=area, repaired=problem)
        )
    return result


def _geojson_crs(document: dict) -> pyproj.CRS | None:
    member = document.get("crs")
    if not isinstance(member, dict):
        return None
    name = (member.get("properties") or {}).get("name")
    if not name:
        return None
    try:
        return pyproj.CRS.from_user_input(name)
    except CRSError as exc:
        raise GeometryError(
            _("无法识别 GeoJSON 中的坐标系 %(name)s，请在上传时填写 EPSG 编号。") % {"name": name}, code="unknown_crs"
        ) from exc


def read_geojson(data: bytes | str | dict, *, epsg: int | str | None = None, repair: bool = False) -> GeometryFile:
    """Features of a GeoJSON FeatureCollection, Feature or bare Polygon/MultiPolygon; size and
    nesting are bounded before the text is parsed."""
    if isinstance(data, dict):
        document = data
    else:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        if len(raw) > MAX_GEOJSON_BYTES:
            raise GeometryError(
                _("GeoJSON 文件过大(超过 %(mb)s MB)。") % {"mb": MAX_GEOJSON_BYTES // 2**20}, code="too_large"
            )
        if json_depth_exceeds(raw, MAX_JSON_DEPTH):
            raise GeometryError(
                _("文件不是有效的 GeoJSON：嵌套超过 %(depth)s 层。") % {"depth": MAX_JSON_DEPTH}, code="not_geojson"
            )
        try:
            text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
            document = json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise GeometryError(_("文件不是有效的 GeoJSON(UTF-8 编码的 JSON)。"), code="not_geojson") from exc
    if not isinstance(document, dict) or "type" not in document:
        raise GeometryError(_("文件不是有效的 GeoJSON：缺少 type。"), code="not_geojson")
    kind = document["type"]
    if kind == "FeatureCollection":
        items = document.get("features")
        if not isinstance(items, list):
            raise GeometryError(_("文件不是有效的 GeoJSON：features 不是列表。"), code="not_geojson")
    elif kind == "Feature":
        items = [document]
    else:
        items = [{"type": "Feature", "properties": {}, "geometry": document}]
    raw = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise GeometryError(_("第%(number)s个要素不是 GeoJSON Feature。") % {"number": number}, code="not_geojson")
        properties = item.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        raw.append((number, properties, item.get("geometry")))
    return _finish(raw, epsg=epsg, wkt=None, file_crs=_geojson_crs(document), repair=repair)


_CODEPAGES = {
    "936": "gbk",
    "ansi 936": "gbk",
    "cp936": "gbk",
    "gb2312": "gbk",
    "gbk": "gbk",
    "gb18030": "gb18030",
    "54936": "gb18030",
    "65001": "utf-8",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "950": "big5",
    "big5": "big5",
    "1252": "cp1252",
    "ansi 1252": "cp1252",
}


def _encoding_from_cpg(text: str | None) -> str:
    if not text:
        return "gbk"
    key = text.strip().lower()
    if key in _CODEPAGES:
        return _CODEPAGES[key]
    try:
        return io.TextIOWrapper(io.BytesIO(b""), encoding=key).encoding
    except LookupError:
        return "gbk"


def read_shapefile_zip(data: bytes, *, epsg: int | str | None = None, repair: bool = False) -> GeometryFile:
    """Features of the one Shapefile layer in a .zip (.shp and .dbf required; .shx, .prj, .cpg read
    when present). Attributes are GBK unless the .cpg names another encoding."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise GeometryError(_("文件不是有效的 .zip 压缩包。"), code="not_zip") from exc
    members: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in archive.infolist():
        if info.is_dir() or posixpath.basename(info.filename).startswith("."):
            continue
        if info.filename.startswith("__MACOSX/"):
            continue
        stem, ext = posixpath.splitext(info.filename)
        members.setdefault(stem, {})[ext.lower()] = info
    layers = {stem: files for stem, files in members.items() if ".shp" in files}
    if not layers:
        raise GeometryError(_("压缩包中没有 .shp 文件。"), code="missing_shp")
    if len(layers) > 1:
        raise GeometryError(
            _("压缩包中有 %(count)s 个图层(.shp)，每次只能导入一个。") % {"count": len(layers)}, code="many_layers"
        )
    stem, files = next(iter(layers.items()))
    if ".dbf" not in files:
        raise GeometryError(_("压缩包中缺少与 .shp 同名的 .dbf 属性表文件。"), code="missing_dbf")
    if sum(info.file_size for info in files.values()) > MAX_BYTES:
        raise GeometryError(_("压缩包解压后过大。"), code="too_large")

    def read(ext: str) -> bytes | None:
        info = files.get(ext)
        return archive.read(info) if info else None

    prj = read(".prj")
    cpg = read(".cpg")
    wkt = prj.decode("utf-8", "replace").strip() if prj else None
    encoding = _encoding_from_cpg(cpg.decode("ascii", "replace") if cpg else None)
    shp, dbf, shx = read(".shp"), read(".dbf"), read(".shx")
    try:
        raw = _shapefile_records(shp, dbf, shx, encoding)
    except UnicodeDecodeError:
        if cpg:
            raise GeometryError(
                _("属性表无法按 .cpg 指定的编码 %(encoding)s 读取。") % {"encoding": encoding}, code="bad_encoding"
            ) from None
        encoding = "utf-8"  # no .cpg and not GBK: newer tools write UTF-8 without saying so
        try:
            raw = _shapefile_records(shp, dbf, shx, encoding)
        except UnicodeDecodeError:
            raise GeometryError(
                _("属性表既不是 GBK 也不是 UTF-8 编码，请附上 .cpg 文件说明编码。"), code="bad_encoding"
            ) from None
    return _finish(raw, epsg=epsg, wkt=wkt, encoding=encoding, repair=repair)


_POLYGON_TYPES = {shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM}


def _shapefile_records(shp: bytes, dbf: bytes, shx: bytes | None, encoding: str) -> list[tuple[int, dict, Any]]:
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(shp),
            dbf=io.BytesIO(dbf),
            shx=io.BytesIO(shx) if shx else None,
            encoding=encoding,
        )
    except UnicodeDecodeError:
        raise
    except Exception as exc:  # pyshp raises plain Exceptions / struct errors for broken files
        # The library's own words (English, its internals) go to the log, not to the user.
        logger.warning("Shapefile refused: pyshp could not open it: %r", exc)
        raise GeometryError(
            _("Shapefile 文件已损坏，无法读取(.shp、.shx、.dbf 不完整或不匹配)。"), code="bad_shapefile"
        ) from exc
    with reader:
        if reader.shapeType not in _POLYGON_TYPES and reader.shapeType != shapefile.NULL:
            raise GeometryError(
                _("图层的图形类型为 %(kind)s，地块只能是面(Polygon)。") % {"kind": reader.shapeTypeName},
                code="not_polygon",
            )
        names = [f[0] for f in reader.fields[1:]]
        raw = []
        try:
            for number, item in enumerate(reader.iterShapeRecords(), start=1):
                properties = {name: _plain(value) for name, value in zip(names, item.record, strict=False)}
                shape = item.shape
                geometry = None if shape.shapeType == shapefile.NULL else shape.__geo_interface__
                raw.append((number, properties, geometry))
        except UnicodeDecodeError:
            raise
        except GeometryError:
            raise
        except Exception as exc:
            logger.warning("Shapefile refused: pyshp could not read feature %s: %r", len(raw) + 1, exc)
            raise GeometryError(
                _("Shapefile 第%(number)s个要素无法读取，文件可能已损坏。") % {"number": len(raw) + 1},
                code="bad_shapefile",
            ) from exc
    return raw


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def read_geometry_file(
    data: bytes, filename: str = "", *, epsg: int | str | None = None, repair: bool = False
) -> GeometryFile:
    """Read a GeoJSON (.geojson/.json) or a zipped Shapefile (.zip), told apart by content; invalid
    polygons are refused, or repaired when ``repair`` (see ``invalidity``, ``repaired``)."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".zip"):
        return read_shapefile_zip(data, epsg=epsg, repair=repair)
    if filename.lower().endswith((".shp", ".dbf", ".shx")):
        raise GeometryError(_("Shapefile 请把 .shp、.shx、.dbf、.prj(及 .cpg)一起压缩成 .zip 后上传。"), code="not_zip")
    return read_geojson(data, epsg=epsg, repair=repair)


# -- writing ---------------------------------------------------------------------------------------
def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # JSON numbers; areas have 4 places, well within a double's precision
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def geojson_bytes(features: Iterable[tuple[dict | None, dict[str, Any]]]) -> bytes:
    """A FeatureCollection of (geometry, properties) in EPSG:4490 lon/lat, UTF-8, with the ``crs``
    member so QGIS does not assume WGS 84 (the two differ by centimetres, but the layer is labelled right)."""
    document = {
        "type": "FeatureCollection",
        "name": "parcels",
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{CGCS2000_EPSG}"}},
        "features": [
            {"type": "Feature", "properties": properties, "geometry": geometry} for geometry, properties in features
        ],
    }
    return json.dumps(document, ensure_ascii=False, default=_json_default).encode("utf-8")


@dataclass(frozen=True)
class ShapefileField:
    """One .dbf column: name (≤ 10 bytes), type C (text) / N (number) / D (date), size, decimals."""

    name: str
    kind: str = "C"
    size: int = 50
    decimals: int = 0


def shapefile_zip(
    features: Iterable[tuple[dict | None, Sequence[Any]]],
    fields: Sequence[ShapefileField],
    *,
    layer: str = "parcels",
) -> bytes:
    """A .zip with layer.shp/.shx/.dbf/.prj/.cpg of (geometry, values) polygons in EPSG:4490;
    attributes UTF-8 (said in the .cpg, which QGIS and ArcGIS honour)."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8")
    for f in fields:
        writer.field(f.name, f.kind, size=f.size, decimal=f.decimals)
    for geometry, values in features:
        if geometry:
            writer.shape(geometry)
        else:
            writer.null()
        writer.record(*[_dbf_value(v) for v in values])
    writer.close()
    prj = pyproj.CRS.from_epsg(CGCS2000_EPSG).to_wkt(WktVersion.WKT1_ESRI)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{layer}.shp", shp.getvalue())
        archive.writestr(f"{layer}.shx", shx.getvalue())
        archive.writestr(f"{layer}.dbf", dbf.getvalue())
        archive.writestr(f"{layer}.prj", prj)
        archive.writestr(f"{layer}.cpg", "UTF-8")
    return out.getvalue()


def _dbf_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)  # the .dbf stores numbers as text; the float prints the same digits
    return value
