"""Builders for region trees. Regions go through the service so their materialised paths are right."""

import itertools

from lianxin.regions.models import Region
from lianxin.regions.services import region_create

_codes = itertools.count(1)
_county_codes = (n for n in itertools.cycle(range(100, 10_000)) if n != 2622)  # 532622 is the demo's county


def _segment() -> str:
    """The next 3-digit township/village segment, never 000 (that is the parent's own code)."""
    return f"{next(_codes) % 999 + 1:03d}"


def county(name: str = "示例县") -> Region:
    return region_create(
        name=name, level=Region.Level.COUNTY, parent=None, stat_code=f"53{next(_county_codes):04d}000000"
    )


def township(parent: Region, name: str = "示例镇") -> Region:
    code = f"{parent.stat_code[:6]}{_segment()}000"
    return region_create(name=name, level=Region.Level.TOWNSHIP, parent=parent, stat_code=code)


def village(parent: Region, name: str) -> Region:
    code = f"{parent.stat_code[:9]}{_segment()}"
    return region_create(name=name, level=Region.Level.VILLAGE, parent=parent, stat_code=code, population=0)


def village_group(parent: Region, name: str, population: int = 0) -> Region:
    return region_create(name=name, level=Region.Level.VILLAGE_GROUP, parent=parent, population=population)
