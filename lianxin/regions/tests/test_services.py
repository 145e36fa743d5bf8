"""Region placement rules (county → township → village committee → village group) and the park's villages."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from lianxin.core.errors import DomainError
from lianxin.regions.models import Region
from lianxin.regions.services import park_create, region_create, region_update
from lianxin.regions.tests import factories


@pytest.mark.parametrize(
    ("level", "parent_fixture", "message"),
    [
        (Region.Level.VILLAGE, "county", "村委会的上级必须是镇(乡)"),
        (Region.Level.VILLAGE_GROUP, "town", "村民小组的上级必须是村委会"),
        (Region.Level.TOWNSHIP, "village_a", "镇(乡)的上级必须是县"),
        (Region.Level.VILLAGE, None, "村委会的上级必须是镇(乡)"),
    ],
    ids=["village-under-county", "group-under-township", "township-under-village", "village-without-parent"],
)
def test_region_out_of_place_is_refused_in_chinese(request, village_a, level, parent_fixture, message):
    parent = request.getfixturevalue(parent_fixture) if parent_fixture else None

    with pytest.raises(DomainError) as refused:
        region_create(name="新区划", level=level, parent=parent)

    assert refused.value.message == message
    assert refused.value.field == "parent"
    assert not Region.objects.filter(name="新区划").exists()


def test_county_cannot_have_a_parent(county):
    with pytest.raises(DomainError, match="县级区划不能有上级"):
        region_create(name="另一县", level=Region.Level.COUNTY, parent=county)


def test_village_code_must_nest_in_its_townships_code(town):
    foreign = "999999999001"

    with pytest.raises(DomainError) as refused:
        region_create(name="新村", level=Region.Level.VILLAGE, parent=town, stat_code=foreign)

    assert refused.value.field == "stat_code"
    assert foreign in refused.value.message
    assert town.stat_code in refused.value.message


def test_malformed_code_is_refused(town):
    with pytest.raises(ValidationError) as refused:
        region_create(name="新村", level=Region.Level.VILLAGE, parent=town, stat_code=town.stat_code[:9] + "12")

    assert "统计用区划代码应为12位数字" in refused.value.message_dict["stat_code"]


def test_paths_make_subtrees(town, village_a, group_a1):
    assert village_a.path == f"{town.path}{village_a.pk}/"
    assert group_a1.path.startswith(village_a.path)


def test_renaming_a_region_is_audited(village_a, system_admin):
    region_update(
        region=village_a, name="甲马石社区", stat_code=village_a.stat_code, population=900, actor=system_admin
    )

    entry = LogEntry.objects.get_for_object(village_a).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.actor == system_admin
    assert entry.changes_dict["name"] == ["甲马石村", "甲马石社区"]


# --- the park -----------------------------------------------------------------------------


def test_park_touches_villages_of_its_township(town, village_a, village_b):
    park = park_create(name="示例工业园区", township=town, area_km2=Decimal("45.57"), villages=[village_a, village_b])

    assert set(park.villages.all()) == {village_a, village_b}


def test_park_villages_must_be_in_the_township(county, town, village_a):
    other_town = factories.township(county, "邻镇")
    stranger = factories.village(other_town, "外镇村")

    with pytest.raises(DomainError) as refused:
        park_create(name="示例工业园区", township=town, area_km2=Decimal("45.57"), villages=[village_a, stranger])

    assert refused.value.field == "villages"
    assert "外镇村" in refused.value.message
    assert "不是本镇的村委会" in refused.value.message


def test_park_villages_must_be_village_committees(town, group_a1):
    with pytest.raises(DomainError, match="甲马石一组"):
        park_create(name="示例工业园区", township=town, area_km2=Decimal("1"), villages=[group_a1])


def test_park_must_belong_to_a_township(county, village_a):
    with pytest.raises(DomainError, match="园区必须属于一个镇"):
        park_create(name="示例工业园区", township=county, area_km2=Decimal("1"), villages=[village_a])


@pytest.mark.parametrize(
    "boundary",
    [{"type": "Point", "coordinates": [104.2, 23.4]}, {"type": "Polygon", "coordinates": []}, "not geojson"],
    ids=["point", "empty-polygon", "string"],
)
def test_park_boundary_must_be_a_polygon(town, village_a, boundary):
    with pytest.raises(DomainError, match="Polygon"):
        park_create(name="园区", township=town, area_km2=Decimal("1"), villages=[village_a], boundary=boundary)
