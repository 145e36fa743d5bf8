from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError

from .models import Park, Region


def _check_placement(*, level: str, parent: Region | None, stat_code: str | None) -> None:
    expected_parent = Region.PARENT_LEVEL.get(level)
    if expected_parent is None:
        if parent is not None:
            raise DomainError(_("县级区划不能有上级"), field="parent")
        return
    if parent is None or parent.level != expected_parent:
        raise DomainError(
            _("%(level)s的上级必须是%(parent)s")
            % {"level": Region.Level(level).label, "parent": Region.Level(expected_parent).label},
            field="parent",
        )
    if stat_code and parent.stat_code:
        # 12-digit codes nest: county 6 + township 3 + village 3.
        prefix_len = {Region.Level.VILLAGE: 9, Region.Level.TOWNSHIP: 6}.get(level)
        if prefix_len and stat_code[:prefix_len] != parent.stat_code[:prefix_len]:
            raise DomainError(
                _("统计用区划代码%(code)s与上级代码%(parent)s不一致") % {"code": stat_code, "parent": parent.stat_code},
                field="stat_code",
            )


def region_create(
    *,
    name: str,
    level: str,
    parent: Region | None,
    stat_code: str | None = None,
    population: int = 0,
    actor=None,
) -> Region:
    """Add a region under its parent; the level must follow the tree county → township → village → group."""
    stat_code = stat_code or None
    _check_placement(level=level, parent=parent, stat_code=stat_code)
    region = Region(name=name.strip(), level=level, parent=parent, stat_code=stat_code, population=population)
    region.full_clean(exclude=["path"])
    with transaction.atomic(), acting_as(actor):
        region.save()
        region.path = f"{parent.path if parent else ''}{region.pk}/"
        region.save(update_fields=["path"])
    return region


def region_update(*, region: Region, name: str, stat_code: str | None, population: int, actor=None) -> Region:
    """Rename or correct a region's code and population; its place in the tree does not move."""
    stat_code = stat_code or None
    _check_placement(level=region.level, parent=region.parent, stat_code=stat_code)
    region.name, region.stat_code, region.population = name.strip(), stat_code, population
    region.full_clean()
    with transaction.atomic(), acting_as(actor):
        region.save()
    return region


def _check_boundary(boundary: dict | None) -> None:
    if boundary is None:
        return
    kinds = {"Polygon", "MultiPolygon"}
    geometry = boundary.get("geometry", boundary) if isinstance(boundary, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") not in kinds or not geometry.get("coordinates"):
        raise DomainError(_("园区边界须为GeoJSON的Polygon或MultiPolygon"), field="boundary")


def park_create(
    *,
    name: str,
    township: Region,
    area_km2: Decimal,
    villages: list[Region],
    boundary: dict | None = None,
    actor=None,
) -> Park:
    """Register the park (工业园区) and the village committees its land touches."""
    if township.level != Region.Level.TOWNSHIP:
        raise DomainError(_("园区必须属于一个镇"), field="township")
    outside = [v.name for v in villages if v.level != Region.Level.VILLAGE or not v.path.startswith(township.path)]
    if outside:
        raise DomainError(_("以下区划不是本镇的村委会:%(names)s") % {"names": "、".join(outside)}, field="villages")
    _check_boundary(boundary)
    park = Park(name=name.strip(), township=township, area_km2=area_km2, boundary=boundary)
    park.full_clean()
    with transaction.atomic(), acting_as(actor):
        park.save()
        park.villages.set(villages)
    return park
