"""Parcel geometries in the ledger (地块图形): import into a project, export, map data, site images.

The file formats and the maths live in ``geometry`` (pure); this module ties them to parcels, the
user's jurisdiction and the audit trail.

- ``parcel_geometry_import``: match each feature to a parcel of the project by its code attribute
  (the field the user names, else 地块编码/宗地代码/地块编号/编码/code …), set the geometry and the
  geodesic ``computed_area_mu``; a feature without a parcel creates one only when it carries the
  village group and the land class (and then its surveyed area, else the computed one), otherwise it
  is rejected. All or nothing: any rejected feature and nothing is written. The report lists the
  parcels whose surveyed and computed areas differ by more than ``LIANXIN_AREA_TOLERANCE``.
- ``parcel_geojson_export`` / ``parcel_shapefile_export``: the (filtered, scoped) parcels with
  their attributes in EPSG:4490.
- ``parcel_map_data``: the map layer as GeoJSON text, built from the stored JSON without decoding
  it (100 000 parcels ≈ 30 MB of geometry; decoding and re-encoding each row would triple the time).
- ``site_image_upload`` / ``site_image_list``: the georeferenced base image of a project's map.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.core.permissions import require_perm, scope_to_user
from lianxin.enterprises.models import Project
from lianxin.regions.models import Region

from . import geometry as geo
from . import services
from .models import GeometryFieldMapping, LandClass, Parcel, SiteImage

# Attribute names: the usual survey names and those of the national rural contract-land database
# (NY/T 2539: DKBM 地块编码, FBFMC 发包方名称 — the village group that contracts the land out, DLBM 地类编码,
# SCMJ 实测面积 in ㎡, SCMJM 实测面积 in 亩).
CODE_FIELDS = ("地块编码", "地块编号", "宗地代码", "宗地编码", "编码", "编号", "code", "dkbm", "zddm", "parcel_code")
GROUP_FIELDS = (
    "村民小组",
    "小组",
    "组名",
    "村组",
    "village_group",
    "group",
    "zm",
    "发包方名称",
    "fbfmc",
    "所属村民小组",
)
CLASS_FIELDS = ("地类编码", "地类代码", "地类", "地类名称", "land_class", "dlbm", "dlmc", "class")
# Each area field with the unit its name states ("" = 亩, the unit the project keeps), tried in this order.
AREA_FIELDS = (
    ("测量面积", ""),
    ("面积", ""),
    ("面积(亩)", "亩"),
    ("测量面积(亩)", "亩"),
    ("实测面积(亩)", "亩"),
    ("scmjm", "亩"),
    ("area_mu", "亩"),
    ("实测面积", "平方米"),
    ("scmj", "平方米"),
    ("面积(平方米)", "平方米"),
    ("面积(㎡)", "平方米"),
    ("面积(m2)", "平方米"),
    ("area_m2", "平方米"),
    ("面积(公顷)", "公顷"),
    ("area_ha", "公顷"),
    ("area", ""),
    ("mj", ""),
)
# Survey attributes kept on the parcel (Parcel.attributes), by the key stored: NY/T 2539 names and the usual
# Chinese ones. SFJBNT (是否基本农田) is "1" yes / "2" no in the standard; stored as a boolean.
ATTRIBUTE_FIELDS = {
    "name": ("dkmc", "地块名称"),
    "land_use": ("tdyt", "土地用途"),
    "grade": ("dldj", "地力等级"),
    "contractor_code": ("cbfbm", "承包方编码"),
    "contractor_name": ("cbfmc", "承包方名称"),
    "representative": ("zjrxm", "指界人姓名"),
    "boundary_east": ("dkdz", "东至"),
    "boundary_south": ("dknz", "南至"),
    "boundary_west": ("dkxz", "西至"),
    "boundary_north": ("dkbz", "北至"),
    "basic_farmland": ("sfjbnt", "是否基本农田"),
}
# The attributes a user can map by hand on the upload (字段对应), with their labels.
MAPPING_ROLES = {
    "code": _lazy("地块编码"),
    "village_group": _lazy("村民小组"),
    "land_class": _lazy("地类"),
    "area": _lazy("测量面积"),
}
# 1 亩 = 10000/15 ㎡; 1 公顷 = 15 亩
MU_PER = {"亩": Decimal(1), "": Decimal(1), "平方米": Decimal(15) / Decimal(10000), "公顷": Decimal(15)}
UNIT_WORDS = {"亩": "亩", "mu": "亩", "平方米": "平方米", "㎡": "平方米", "m2": "平方米", "公顷": "公顷", "ha": "公顷"}
MAX_MAP_FEATURES = 20_000
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a geometry file, page or API
MAX_SITE_IMAGE_BYTES = 20 * 1024 * 1024
STATUS_COLOURS = {
    Parcel.Status.SURVEYED: "#9e9e9e",
    Parcel.Status.AGREED: "#f0ad4e",
    Parcel.Status.PAID: "#2e7d32",
    Parcel.Status.HANDED_OVER: "#1565c0",
}


def _field_lookup(properties: dict[str, Any], wanted: str | None, synonyms: tuple[str, ...]) -> Any:
    """The value of the attribute the user named, else the first synonym present (case-insensitive)."""
    lowered = {str(k).strip().lower(): v for k, v in properties.items()}
    names = (wanted,) if wanted else synonyms
    for name in names:
        value = lowered.get(name.strip().lower())
        if value not in (None, ""):
            return value
    return None


def _text(value: Any) -> str:
    """Attribute as text: 12.0 from a numeric .dbf column is the code 12."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class AreaMismatch:
    code: str
    area_mu: Decimal
    computed_area_mu: Decimal

    @property
    def difference_percent(self) -> Decimal:
        return ((self.computed_area_mu - self.area_mu) / self.area_mu * 100).quantize(Decimal("0.1"))


@dataclass
class RepairedFeature:
    """A feature whose invalid polygon was repaired on request: what was wrong, the area it has now."""

    code: str
    problem: str
    computed_area_mu: Decimal


@dataclass
class FeatureRow:
    """One feature in the report: the parcel it matched (or the new one), surveyed vs computed area in 亩."""

    number: int
    code: str
    new: bool
    area_mu: Decimal | None  # surveyed: the ledger's for a matched parcel, the file's (or computed) for a new one
    computed_area_mu: Decimal
    flagged: bool  # the difference is beyond LIANXIN_AREA_TOLERANCE

    @property
    def difference_mu(self) -> Decimal | None:
        return None if self.area_mu is None else self.computed_area_mu - self.area_mu


@dataclass
class GeometryImportReport:
    """What an import did (or, for a dry run, would do)."""

    source_crs: str
    crs_guessed: bool
    features: int
    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    mismatches: list[AreaMismatch] = field(default_factory=list)
    repaired: list[RepairedFeature] = field(default_factory=list)
    dry_run: bool = False
    computed_area_mu: Decimal = Decimal("0")
    rows: list[FeatureRow] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # the attributes used: role → field name


class GeometryImportRejected(DomainError):
    """Features that could not be matched or created; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:20]
        more = len(problems) - len(shown)
        message = _("有 %(count)s 个要素无法导入，未写入任何数据：") % {"count": len(problems)}
        message += "；".join(shown)
        if more:
            message += _("……等 %(more)s 个") % {"more": more}
        super().__init__(message, code="features_rejected", field="file")
        self.problems = problems
        # When new features were rejected for want of village-group and land-class fields: the file's
        # fields and the roles to map (the page offers the mapping, as for GeometryFieldsUnrecognised).
        self.fields: list[str] = []
        self.missing: list[str] = []


class GeometryFieldsUnrecognised(DomainError):
    """The file's attributes do not say which holds the code (or, for new parcels, the village group and
    land class): the page then asks the user to map them (字段对应), the API names the file's fields."""

    def __init__(self, fields: list[str], missing: list[str]) -> None:
        message = _("文件的属性字段中找不到%(missing)s,请在字段对应中选择(文件中的字段:%(fields)s)") % {
            "missing": "、".join(str(MAPPING_ROLES[role]) for role in missing),
            "fields": "、".join(fields) or _("无"),
        }
        super().__init__(message, code="fields_unrecognised", field="file")
        self.fields, self.missing = fields, missing


def file_fields(features) -> list[str]:
    """The attribute names of a file's features, in their first order."""
    names: dict[str, None] = {}
    for feature in features:
        for name in feature.properties:
            names.setdefault(str(name), None)
    return list(names)


def geometry_mapping_get(project: Project) -> dict[str, str]:
    """The mapping remembered for a project (role → field name, and "unit"), {} if none."""
    stored = GeometryFieldMapping.objects.filter(project=project).first()
    if stored is None:
        return {}
    return {
        "code": stored.code_field,
        "village_group": stored.group_field,
        "land_class": stored.class_field,
        "area": stored.area_field,
        "unit": stored.area_unit,
    }


def geometry_mapping_remember(*, project: Project, mapping: dict[str, str], actor) -> GeometryFieldMapping:
    """Remember which attributes hold what in this project's files, for the next upload (字段对应)."""
    with transaction.atomic(), acting_as(actor):
        stored, _created = GeometryFieldMapping.objects.update_or_create(
            project=project,
            defaults={
                "code_field": (mapping.get("code") or "")[:40],
                "group_field": (mapping.get("village_group") or "")[:40],
                "class_field": (mapping.get("land_class") or "")[:40],
                "area_field": (mapping.get("area") or "")[:40],
                "area_unit": (mapping.get("unit") or "")[:10],
                "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
    return stored


def _chosen_mapping(project: Project, given: dict[str, str], fields: list[str], actor) -> tuple[dict[str, str], bool]:
    """The mapping to use: what the user gave (each field must be in the file), else what was remembered for
    the project (each entry only if the file has that field). Returns (mapping, given by the user)."""
    by_lower = {name.strip().lower(): name for name in fields}
    given = {k: (v or "").strip() for k, v in given.items() if k in (*MAPPING_ROLES, "unit") and (v or "").strip()}
    for role, name in given.items():
        if role != "unit" and name.lower() not in by_lower:
            raise DomainError(
                _("%(role)s字段“%(name)s”不在文件中(文件中的字段:%(fields)s)")
                % {"role": MAPPING_ROLES[role], "name": name, "fields": "、".join(fields)},
                field=f"{role}_field" if role != "code" else "code_field",
            )
    if given:
        return given, True
    remembered = geometry_mapping_get(project)
    chosen = {
        role: name for role, name in remembered.items() if name and (role == "unit" or name.strip().lower() in by_lower)
    }
    if "unit" in chosen and "area" not in chosen:
        del chosen["unit"]
    return chosen, False


def _attributes(properties: dict[str, Any]) -> dict[str, Any] | None:
    lowered = {str(k).strip().lower(): v for k, v in properties.items()}
    found: dict[str, Any] = {}
    for key, names in ATTRIBUTE_FIELDS.items():
        value = next((lowered[n] for n in names if lowered.get(n) not in (None, "")), None)
        if value is None:
            continue
        text = _text(value)
        if key == "basic_farmland":
            found[key] = {"1": True, "是": True, "2": False, "否": False}.get(text, text)
        else:
            found[key] = text
    return found or None


def _resolve_group(value: Any, groups: dict[str, Region]) -> Region | None:
    text = _text(value)
    found = groups.get(text) or groups.get(text.replace(" ", ""))
    if found is None:
        # 发包方名称 as NY/T 2539 surveys write it: "甲马石村甲马石一组村民小组", "甲马石村民委员会甲马石一组"
        bare = text.replace(" ", "")
        for suffix in ("村民小组", "经济合作社", "股份经济合作社"):
            if bare.endswith(suffix) and len(bare) > len(suffix):
                bare = bare[: -len(suffix)]
                break
        found = groups.get(bare) or groups.get(bare.replace("村民委员会", "村").replace("村委会", "村"))
    return found


def _area_mu(properties: dict[str, Any], unit: str | None, wanted: str | None = None) -> tuple[Decimal | None, Any]:
    """The surveyed area in 亩 from the first area field present, converted by the unit its name
    states (SCMJ ㎡, SCMJM 亩, 面积(公顷) …) or, when its name states none, by ``unit`` (declared on the
    upload). Returns (mu, raw value); raises InvalidOperation when the value is not a number."""
    lowered = {str(k).strip().lower().replace("（", "(").replace("）", ")"): v for k, v in properties.items()}
    if wanted:  # a field the user mapped: its unit as declared, else as its name states, else 亩
        key = wanted.strip().lower().replace("（", "(").replace("）", ")")
        value = lowered.get(key)
        if value in (None, ""):
            return None, None
        named = dict(AREA_FIELDS).get(key, "")
        factor = MU_PER[UNIT_WORDS.get((unit or "").strip().lower(), "") or named]
        return (Decimal(_text(value)) * factor).quantize(Decimal("0.0001")), value
    for name, named_unit in AREA_FIELDS:
        value = lowered.get(name)
        if value in (None, ""):
            continue
        factor = MU_PER[named_unit or UNIT_WORDS.get((unit or "").strip().lower(), "")]
        return (Decimal(_text(value)) * factor).quantize(Decimal("0.0001")), value
    return None, None


def _resolve_class(value: Any, classes: dict[str, LandClass]) -> LandClass | None:
    text = _text(value)
    if text.isdigit() and len(text) == 3:
        text = "0" + text  # 101 from a numeric column is 0101
    return classes.get(text)


def parcel_geometry_import(
    *,
    project: Project,
    data: bytes,
    filename: str,
    actor,
    epsg: int | str | None = None,
    code_field: str | None = None,
    dry_run: bool = False,
    repair: bool = False,
    area_unit: str | None = None,
    mapping: dict[str, str] | None = None,
) -> GeometryImportReport:
    """Set the geometries (地块图形) of a project's parcels from a GeoJSON or zipped Shapefile.

    Matching is by parcel code within the project and the actor's jurisdiction; unmatched features
    create parcels only with a village group and land class; all or nothing. An invalid polygon
    (a self-intersecting ring…) refuses the file, unless ``repair`` asks to repair it: the report
    then lists each repaired parcel with its new (geodesic) area.

    ``mapping`` (role → attribute name: code, village_group, land_class, area, and the area's unit) says
    which attributes hold what when their names are not recognised; it is remembered for the project and
    used for its next uploads (``code_field``/``area_unit`` are the older parameters for two of them).
    Without any, and with attributes not recognised, ``GeometryFieldsUnrecognised`` names the file's fields."""
    require_perm(actor, "land.change_parcel")
    parsed = geo.read_geometry_file(data, filename, epsg=epsg, repair=repair)
    scoped = scope_to_user(Parcel.objects.filter(project=project), actor)
    existing = {p.code: p for p in scoped.select_related("land_class")}
    fields = file_fields(parsed.features)
    given = dict(mapping or {})
    if code_field:
        given.setdefault("code", code_field)
    if area_unit and given.get("area"):
        given.setdefault("unit", area_unit)
    chosen, by_user = _chosen_mapping(project, given, fields, actor)
    code_field = chosen.get("code") or None
    group_field, class_field = chosen.get("village_group") or None, chosen.get("land_class") or None
    area_field = chosen.get("area") or None
    area_unit = chosen.get("unit") or area_unit
    lowered_fields = {name.strip().lower() for name in fields}

    def recognised(wanted: str | None, synonyms: tuple[str, ...]) -> bool:
        return bool(wanted) or any(name.lower() in lowered_fields for name in synonyms)

    if not recognised(code_field, CODE_FIELDS):
        raise GeometryFieldsUnrecognised(fields, ["code"])
    # New parcels need the village group and land class: without such fields, each new feature is rejected
    # as before, and the rejection says which fields to map (the page then shows the mapping).
    unmapped = [
        role
        for role, wanted, synonyms in (
            ("village_group", group_field, GROUP_FIELDS),
            ("land_class", class_field, CLASS_FIELDS),
        )
        if not recognised(wanted, synonyms)
    ]
    if by_user:
        geometry_mapping_remember(project=project, mapping=chosen, actor=actor)
    groups: dict[str, Region] = {}
    for region in scope_to_user(Region.objects.filter(level=Region.Level.VILLAGE_GROUP), actor).select_related(
        "parent"
    ):
        groups.setdefault(region.name, region)
        groups[f"{region.parent.name}{region.name}" if region.parent else region.name] = region
        groups[str(region.pk)] = region
    classes: dict[str, LandClass] = {}
    for land_class in LandClass.objects.all():
        classes[land_class.code] = land_class
        classes.setdefault(land_class.name, land_class)

    problems: list[str] = []
    updates: list[tuple[Parcel, geo.GeometryFeature]] = []
    creations: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    can_create = actor.has_perm("land.add_parcel")
    for feature in parsed.features:
        label = _("第%(number)s个要素") % {"number": feature.number}
        raw_code = _field_lookup(feature.properties, code_field, CODE_FIELDS)
        if raw_code is None:
            problems.append(
                _("%(feature)s没有地块编码(字段 %(field)s)")
                % {"feature": label, "field": code_field or "/".join(CODE_FIELDS[:4])}
            )
            continue
        code = _text(raw_code)
        label = _("第%(number)s个要素(%(code)s)") % {"number": feature.number, "code": code}
        if code in seen:
            problems.append(_("%(feature)s与第%(other)s个要素地块编码重复") % {"feature": label, "other": seen[code]})
            continue
        seen[code] = feature.number
        parcel = existing.get(code)
        if parcel is not None:
            updates.append((parcel, feature))
            continue
        group_value = _field_lookup(feature.properties, group_field, GROUP_FIELDS)
        class_value = _field_lookup(feature.properties, class_field, CLASS_FIELDS)
        if group_value is None or class_value is None:
            problems.append(
                _("%(feature)s在本项目(您的管辖范围内)找不到该地块，且未给出村民小组和地类，无法新建")
                % {"feature": label}
            )
            continue
        if not can_create:
            problems.append(_("%(feature)s在本项目中不存在，您的角色无权新建地块") % {"feature": label})
            continue
        group = _resolve_group(group_value, groups)
        if group is None:
            problems.append(
                _("%(feature)s的村民小组“%(value)s”不存在或不在您的管辖范围内")
                % {"feature": label, "value": _text(group_value)}
            )
            continue
        land_class = _resolve_class(class_value, classes)
        if land_class is None:
            problems.append(
                _("%(feature)s的地类“%(value)s”不在地类表中") % {"feature": label, "value": _text(class_value)}
            )
            continue
        area_value = None
        try:
            surveyed, area_value = _area_mu(feature.properties, area_unit, area_field)
            if surveyed is None:
                surveyed = feature.area_mu
        except InvalidOperation:
            problems.append(_("%(feature)s的面积“%(value)s”不是数字") % {"feature": label, "value": _text(area_value)})
            continue
        if surveyed <= 0:
            problems.append(_("%(feature)s的面积必须大于0亩") % {"feature": label})
            continue
        creations.append(
            {"code": code, "village_group": group, "land_class": land_class, "area_mu": surveyed, "feature": feature}
        )
    if problems:
        rejected = GeometryImportRejected(problems)
        if unmapped and any(
            _text(_field_lookup(f.properties, code_field, CODE_FIELDS) or "") not in existing for f in parsed.features
        ):
            rejected.fields, rejected.missing = fields, unmapped
        raise rejected

    report = GeometryImportReport(
        source_crs=parsed.source_crs_name,
        crs_guessed=parsed.crs_guessed,
        features=len(parsed.features),
        dry_run=dry_run,
        mapping={k: v for k, v in chosen.items() if v},
    )
    tolerance = settings.LIANXIN_AREA_TOLERANCE

    def note(code: str, surveyed: Decimal, computed: Decimal, feature: geo.GeometryFeature, new: bool) -> None:
        if feature.repaired:
            report.repaired.append(RepairedFeature(code=code, problem=feature.repaired, computed_area_mu=computed))
        report.computed_area_mu += computed
        flagged = bool(surveyed) and abs(computed - surveyed) / surveyed > tolerance
        if flagged:
            report.mismatches.append(AreaMismatch(code=code, area_mu=surveyed, computed_area_mu=computed))
        report.rows.append(FeatureRow(feature.number, code, new, surveyed or None, computed, flagged))

    with transaction.atomic(), acting_as(actor):
        for parcel, feature in updates:
            if not dry_run:
                # Only the drawing changes (never area, class or group, which an agreement freezes), and
                # both values come checked from ``geometry``: saved field-wise, audited like any save.
                # (Through parcel_update's full_clean this took 7 ms a parcel: 28 s for 4,000.)
                parcel.geometry = feature.geometry
                parcel.computed_area_mu = feature.area_mu
                parcel.attributes = _attributes(feature.properties) or parcel.attributes
                parcel.save(update_fields=["geometry", "computed_area_mu", "attributes", "updated_at"])
            report.updated.append(parcel.code)
            note(parcel.code, parcel.area_mu, feature.area_mu, feature, new=False)
        for item in creations:
            feature = item.pop("feature")
            if not dry_run:
                services.parcel_register(
                    project=project,
                    actor=actor,
                    geometry=feature.geometry,
                    computed_area_mu=feature.area_mu,
                    attributes=_attributes(feature.properties),
                    **item,
                )
            report.created.append(item["code"])
            note(item["code"], item["area_mu"], feature.area_mu, feature, new=True)
    return report


# -- export and map --------------------------------------------------------------------------------
EXPORT_FIELDS = [
    geo.ShapefileField("code", "C", 40),
    geo.ShapefileField("village", "C", 60),
    geo.ShapefileField("vgroup", "C", 60),
    geo.ShapefileField("class_code", "C", 8),
    geo.ShapefileField("class_name", "C", 40),
    geo.ShapefileField("area_mu", "N", 14, 4),
    geo.ShapefileField("calc_mu", "N", 14, 4),
    geo.ShapefileField("status", "C", 20),
    geo.ShapefileField("status_cn", "C", 20),
    geo.ShapefileField("surveyed", "D", 8),
]
EXPORT_LIMIT = 200_000


def _export_rows(parcels: QuerySet[Parcel]):
    qs = parcels.select_related("village_group__parent", "land_class").order_by("code")
    if qs.count() > EXPORT_LIMIT:
        raise DomainError(_("导出的地块超过 %(limit)s 块，请先筛选。") % {"limit": EXPORT_LIMIT}, code="too_many_rows")
    labels = dict(Parcel.Status.choices)
    for parcel in qs.iterator(chunk_size=2000):
        group = parcel.village_group
        yield (
            parcel.geometry,
            [
                parcel.code,
                group.parent.name if group.parent else "",
                group.name,
                parcel.land_class.code,
                parcel.land_class.name,
                parcel.area_mu,
                parcel.computed_area_mu,
                parcel.status,
                str(labels.get(parcel.status, parcel.status)),
                parcel.surveyed_on,
            ],
        )


def parcel_geojson_export(parcels: QuerySet[Parcel]) -> bytes:
    """GeoJSON (EPSG:4490) of already scoped and filtered parcels, with Chinese attribute names."""
    names = [
        "地块编码",
        "村委会",
        "村民小组",
        "地类编码",
        "地类",
        "测量面积亩",
        "计算面积亩",
        "状态代码",
        "状态",
        "测量日期",
    ]
    return geo.geojson_bytes(
        (geometry, dict(zip(names, values, strict=True))) for geometry, values in _export_rows(parcels)
    )


def parcel_shapefile_export(parcels: QuerySet[Parcel], *, layer: str = "parcels") -> bytes:
    """Zipped Shapefile (EPSG:4490, UTF-8 attributes) of already scoped and filtered parcels."""
    return geo.shapefile_zip(_export_rows(parcels), EXPORT_FIELDS, layer=layer)


@dataclass
class MapData:
    geojson: str
    count: int
    truncated: bool
    bounds: tuple[float, float, float, float] | None


def parcel_map_data(parcels: QuerySet[Parcel], *, limit: int = MAX_MAP_FEATURES) -> MapData:
    """The map layer of already scoped and filtered parcels: a GeoJSON FeatureCollection (text) whose
    features carry id, code, status (+ label and colour), class, areas, mismatch flag and the card URL.

    The stored geometry JSON is spliced in as text (cast in SQL), never decoded; at most ``limit``
    parcels, so a county-wide selection cannot send a browser 30 MB."""
    labels = {value: str(label) for value, label in Parcel.Status.choices}
    tolerance = settings.LIANXIN_AREA_TOLERANCE
    card = reverse("land:parcel-map-card", args=[987654321])
    rows = list(
        parcels.filter(geometry__isnull=False)
        .order_by("pk")
        .annotate(geometry_text=Cast("geometry", CharField()))
        .values_list(
            "pk",
            "code",
            "status",
            "land_class__name",
            "area_mu",
            "computed_area_mu",
            "village_group__name",
            "geometry_text",
        )[: limit + 1]
    )
    parts = []
    west = south = float("inf")
    east = north = float("-inf")
    truncated = len(rows) > limit
    for pk, code, status, class_name, area, computed, group, geometry_text in rows[:limit]:
        if not geometry_text or geometry_text == "null":
            continue
        mismatch = computed is not None and area and abs(computed - area) / area > tolerance
        properties = {
            "id": pk,
            "code": code,
            "status": status,
            "status_label": labels.get(status, status),
            "colour": STATUS_COLOURS.get(status, "#666"),
            "land_class": class_name,
            "village_group": group,
            "area_mu": str(area),
            "computed_area_mu": None if computed is None else str(computed),
            "mismatch": bool(mismatch),
            "card_url": card.replace("987654321", str(pk)),
        }
        parts.append(
            '{"type":"Feature","geometry":'
            + geometry_text
            + ',"properties":'
            + json.dumps(properties, ensure_ascii=False)
            + "}"
        )
        # Bounds from the first ring's first position of each parcel is enough to frame the map.
        lon, lat = _first_position(geometry_text)
        if lon is not None:
            west, east, south, north = min(west, lon), max(east, lon), min(south, lat), max(north, lat)
    text = '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
    return MapData(
        geojson=text,
        count=len(parts),
        truncated=truncated,
        bounds=None if west == float("inf") else (west, south, east, north),
    )


def _first_position(geometry_text: str) -> tuple[float | None, float | None]:
    start = geometry_text.find("[[")
    if start < 0:
        return None, None
    i = start
    while i < len(geometry_text) and geometry_text[i] == "[":
        i += 1
    end = geometry_text.find("]", i)
    try:
        lon, lat = (float(v) for v in geometry_text[i:end].split(",")[:2])
    except ValueError:
        return None, None
    return lon, lat


# -- site images -----------------------------------------------------------------------------------
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


def site_image_list(*, user, project: Project | None = None) -> QuerySet[SiteImage]:
    qs = scope_to_user(SiteImage.objects.select_related("project"), user)
    return qs.filter(project=project) if project else qs


def site_image_upload(
    *,
    project: Project,
    image: UploadedFile,
    south: Decimal,
    west: Decimal,
    north: Decimal,
    east: Decimal,
    actor,
    title: str = "",
) -> SiteImage:
    """Store a georeferenced site image (现场影像) for a project's map: PNG or JPEG (by content, not
    name), at most 20 MB, bounds in CGCS2000 lon/lat with north > south and east > west."""
    if not actor.has_perm("land.add_siteimage"):
        raise PermissionDenied(_("您的角色无权上传现场影像"))
    if image.size > MAX_SITE_IMAGE_BYTES:
        raise DomainError(
            _("影像文件不能超过 %(mb)s MB。") % {"mb": MAX_SITE_IMAGE_BYTES // (1024 * 1024)}, field="image"
        )
    head = image.read(8)
    image.seek(0)
    if not any(head.startswith(sig) for sig in IMAGE_SIGNATURES):
        raise DomainError(_("影像文件必须是 PNG 或 JPEG 图片。"), field="image", code="bad_image")
    for name, value, low, high in (
        ("south", south, -90, 90),
        ("north", north, -90, 90),
        ("west", west, -180, 180),
        ("east", east, -180, 180),
    ):
        if value is None or not (low <= value <= high):
            raise DomainError(_("边界坐标超出经纬度范围。"), field=name)
    if north <= south:
        raise DomainError(_("北边界纬度必须大于南边界纬度。"), field="north")
    if east <= west:
        raise DomainError(_("东边界经度必须大于西边界经度。"), field="east")
    record = SiteImage(
        project=project,
        title=title,
        image=image,
        south=south,
        west=west,
        north=north,
        east=east,
        uploaded_by=actor,
    )
    record.full_clean()
    with transaction.atomic(), acting_as(actor):
        record.save()
    return record


# -- filters shared by the map page, its data, the exports and the API -----------------------------
@dataclass
class ParcelFilters:
    """The parcel list's filters, resolved within the user's scope (an id outside it is ignored)."""

    project: Project | None = None
    village_group: Region | None = None
    land_class: LandClass | None = None
    status: str = ""
    q: str = ""
    mismatch: bool = False

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "village_group": self.village_group,
            "land_class": self.land_class,
            "status": self.status,
            "q": self.q,
            "mismatch": self.mismatch,
        }

    def as_params(self) -> dict[str, str]:
        """Query parameters (for links and the audit detail), empty ones left out."""
        params = {
            "project": self.project.pk if self.project else "",
            "village_group": self.village_group.pk if self.village_group else "",
            "land_class": self.land_class.pk if self.land_class else "",
            "status": self.status,
            "q": self.q,
            "mismatch": "1" if self.mismatch else "",
        }
        return {k: str(v) for k, v in params.items() if v}


def _int(value: Any) -> int | None:
    """A positive id, or None for anything else (``abc``, ``1.5``, ``-1``, a 30-digit number)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


MAX_ID = 2**31 - 1


def parcel_filters(*, user, params, default_project: bool = False) -> ParcelFilters:
    """Read ``project``, ``village_group`` (a group or a village), ``land_class``, ``status``, ``q`` and
    ``mismatch`` from request parameters; with ``default_project`` the first project with land in the
    user's scope stands in for a missing one (the map never draws a whole county by default)."""
    from . import selectors

    filters = ParcelFilters()
    projects = selectors.land_project_list(user=user)
    project_id = _int(params.get("project"))
    if project_id:
        filters.project = projects.filter(pk=project_id).first()
    if filters.project is None and default_project:
        filters.project = projects.first()
    group_id = _int(params.get("village_group"))
    if group_id:
        filters.village_group = scope_to_user(Region.objects.all(), user).filter(pk=group_id).first()
    class_id = params.get("land_class")
    if class_id:
        class_pk = _int(class_id)
        filters.land_class = LandClass.objects.filter(pk=class_pk).first() if class_pk else None
        if filters.land_class is None:  # the API also takes the class code, e.g. 0101
            filters.land_class = LandClass.objects.filter(code=str(class_id)[:8].replace("\x00", "")).first()
    status = params.get("status") or ""
    filters.status = status if status in Parcel.Status.values else ""
    filters.q = (params.get("q") or "").replace("\x00", "").strip()[:40]
    filters.mismatch = str(params.get("mismatch") or "").lower() in ("1", "true", "on", "yes")
    return filters


def parcel_map_queryset(*, user, filters: ParcelFilters) -> QuerySet[Parcel]:
    """The scoped, filtered parcels behind the map, its exports and its API (the list page's selector)."""
    from . import selectors

    return selectors.parcel_list(user=user, **filters.as_kwargs())


def upload_project_list(*, user) -> QuerySet[Project]:
    """Projects a user may load geometries or site images into: those with land in the user's scope
    and those the user's scope contains."""
    from lianxin.enterprises.selectors import project_list

    from . import selectors

    return Project.objects.filter(
        Q(pk__in=selectors.land_project_list(user=user).values("pk")) | Q(pk__in=project_list(user=user).values("pk"))
    ).order_by("name")
