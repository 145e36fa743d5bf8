"""Region pages: a cadre sees their own part of the tree; a region outside it is a 404."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("role", "village_a_status", "village_b_status"),
    [("village_a_clerk", 200, 404), ("town_admin", 200, 200), ("outsider", 404, 404)],
)
def test_region_detail_is_reachable_only_within_scope(
    request, login_as, role, village_a_status, village_b_status, village_a, village_b
):
    browser = login_as(request.getfixturevalue(role))

    assert browser.get(reverse("regions:region-detail", args=[village_a.pk])).status_code == village_a_status
    assert browser.get(reverse("regions:region-detail", args=[village_b.pk])).status_code == village_b_status


def test_region_list_shows_the_cadres_village_and_groups(login_as, village_a_clerk, group_a1, group_b1):
    html = login_as(village_a_clerk).get(reverse("regions:region-list")).content.decode()

    assert "甲马石村" in html
    assert "甲马石一组" in html
    assert "白革龙村" not in html
    assert "白革龙一组" not in html
