"""The overview figures' drill-down filters (issue 14): the region, household, person and enterprise
lists take ``in_park=1``, a region id with subtree semantics and (enterprises) the indicator ``year``,
so a figure's link shows exactly its rows. The ``park`` fixture: villages A and B in the park, a third
village outside it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lianxin.regions.models import Region

pytestmark = pytest.mark.django_db


def _names(rows) -> set[str]:
    return {str(row.name) for row in rows}


def test_region_list_keeps_the_park_villages_and_their_groups(login_as, town_admin, park, village_a):
    client = login_as(town_admin)

    villages = client.get(reverse("regions:region-list"), {"level": "village", "in_park": "1"}).context["regions"]
    groups = client.get(
        reverse("regions:region-list"), {"level": "village_group", "in_park": "1", "region": village_a.pk}
    ).context["regions"]
    children = client.get(reverse("regions:region-list"), {"parent": village_a.pk}).context["regions"]

    assert _names(villages) == {"甲马石村", "白革龙村"}
    assert _names(groups) == {"甲马石一组", "甲马石二组"}
    assert _names(children) == {"甲马石一组", "甲马石二组"}


def test_household_list_takes_in_park_and_a_village(login_as, town_admin, park, village_a):
    client = login_as(town_admin)

    in_park = client.get(reverse("people:household-list"), {"in_park": "1"}).context["page"].items
    of_village = client.get(reverse("people:household-list"), {"village_group": village_a.pk}).context["page"].items

    assert len(in_park) == 3
    assert {h.village_group.parent_id for h in of_village} == {village_a.pk}
    assert len(of_village) == 2


def test_person_list_takes_its_select_filters_from_the_url(login_as, town_admin, park, village_a):
    client = login_as(town_admin)

    in_park = client.get(reverse("people:person-list"), {"in_park": "1"})
    of_village = client.get(reverse("people:person-list"), {"region": village_a.pk})

    assert _names(in_park.context["page"].items) == {"王大山", "王小山", "赵四", "李秀英"}
    assert _names(of_village.context["page"].items) == {"王大山", "王小山", "赵四"}
    assert "in_park=1" in in_park.context["filters"]  # paging and export keep the filter


def test_enterprise_list_shows_the_year_asked_for_in_plain_columns(login_as, town_admin, park, town):
    client = login_as(town_admin)

    response = client.get(reverse("enterprises:enterprise-list"), {"in_park": "1", "year": "2024"})
    html = response.content.decode()
    rows = response.context["page"].items

    assert _names(rows) == {"示例铝业", "示例硅业"}
    assert sum(e.latest_output for e in rows) == Decimal("1000000000")
    assert {e.latest_year for e in rows} == {2024}
    assert "900,000,000.00" in html  # 2 decimals, no 亿元 scaling
    for header in ("产值", "税收", "就业人数", "本地就业"):
        assert f">{header}</th>" in html


def test_enterprise_list_takes_a_region_subtree(login_as, town_admin, park, village_a):
    village_region = Region.objects.get(pk=village_a.pk)
    client = login_as(town_admin)

    rows = client.get(reverse("enterprises:enterprise-list"), {"region": village_region.pk}).context["page"].items

    assert list(rows) == []  # the park's enterprises are registered at the township
