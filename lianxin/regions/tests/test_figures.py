"""A region's figures are the sums of its subtree, and its parent link never leads to a 404 (issue 10, item 7).

The township showed 户籍人口 0 beside villages of 6,551 (the registered population is kept on the village
groups), and its parent link 示范县 was a 404 for every role: the county lies outside a township scope.
"""

import re

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.people.tests import factories as people_factories
from lianxin.regions.tests import factories


@pytest.fixture
def tree(county, town, village_a, village_b):
    a1 = factories.village_group(village_a, "甲马石一组", population=512)
    a2 = factories.village_group(village_a, "甲马石二组", population=438)
    b1 = factories.village_group(village_b, "白革龙一组", population=465)
    for group, households in ((a1, 3), (a2, 2), (b1, 1)):
        for _i in range(households):
            people_factories.household(group)
    return {"a1": a1, "a2": a2, "b1": b1}


@pytest.fixture
def county_viewer(make_user, county):
    return make_user("county_viewer", Role.COUNTY_VIEWER, scope_region=county)


def _figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_the_township_shows_the_sum_of_its_villages(login_as, town_admin, town, tree):
    html = login_as(town_admin).get(reverse("regions:region-detail", args=[town.pk])).content.decode()

    assert _figure(html, "population") == "1,415"
    assert _figure(html, "households") == "6"
    assert "(下级合计)" in html


def test_each_child_row_shows_its_own_subtree(login_as, town_admin, town, village_a, village_b, tree):
    html = login_as(town_admin).get(reverse("regions:region-detail", args=[town.pk])).content.decode()

    rows = dict(re.findall(r'>(甲马石村|白革龙村)</a></td><td>[^<]*</td><td class="text-end">([^<]*)<', html))
    assert rows == {"甲马石村": "950", "白革龙村": "465"}


def test_a_village_group_shows_its_own_figure(login_as, town_admin, tree):
    html = login_as(town_admin).get(reverse("regions:region-detail", args=[tree["a1"].pk])).content.decode()

    assert _figure(html, "population") == "512"
    assert _figure(html, "households") == "3"


def test_the_county_sums_everything_for_the_county_viewer(login_as, county_viewer, county, tree):
    html = login_as(county_viewer).get(reverse("regions:region-detail", args=[county.pk])).content.decode()

    assert _figure(html, "population") == "1,415"


def test_the_region_list_shows_subtree_sums(login_as, town_admin, tree):
    html = login_as(town_admin).get(reverse("regions:region-list")).content.decode()

    row = re.search(r">示例镇</a></td>.*?</tr>", html, re.S).group(0)
    assert ">1,415<" in row


def test_a_region_page_costs_the_same_queries_however_deep_the_tree(
    login_as, town_admin, town, tree, django_assert_max_num_queries
):
    browser = login_as(town_admin)
    browser.get(reverse("regions:region-detail", args=[town.pk]))

    # 12, and the village pairings (村企结对) section: its list and the milestones of the pairings listed
    with django_assert_max_num_queries(14):
        browser.get(reverse("regions:region-detail", args=[town.pk]))


@pytest.mark.parametrize(
    "role",
    ["town_admin", "working_group_member", "village_a_clerk", "system_admin", "county_viewer", "party", "police"],
)
def test_no_link_on_a_region_page_is_a_404_for_any_role(request, login_as, make_user, town, role, tree):
    if role in ("party", "police"):
        user = make_user(role, {"party": Role.PARTY_OFFICER, "police": Role.POLICE_LIAISON}[role], scope_region=town)
    else:
        user = request.getfixturevalue(role)
    browser = login_as(user)
    start = reverse("regions:region-detail", args=[user.scope_region.pk])
    seen, todo = set(), [start]

    while todo:  # every region page reachable by the links of the pages, from the user's own region
        url = todo.pop()
        seen.add(url)
        response = browser.get(url)
        assert response.status_code == 200, url
        links = set(re.findall(r'href="(/regions/\d+/)"', response.content.decode()))
        todo.extend(links - seen - set(todo))

    assert len(seen) >= 2


def test_the_top_region_of_a_scope_names_its_parent_without_a_link(login_as, town_admin, county, town):
    html = login_as(town_admin).get(reverse("regions:region-detail", args=[town.pk])).content.decode()

    parent = re.search(r'data-testid="region-parent">(.*?)</dd>', html).group(1)
    assert parent == county.name
    assert login_as(town_admin).get(reverse("regions:region-detail", args=[county.pk])).status_code == 404


def test_the_county_viewer_follows_the_link_up_to_the_county(login_as, county_viewer, county, town):
    html = login_as(county_viewer).get(reverse("regions:region-detail", args=[town.pk])).content.decode()

    assert f'href="{reverse("regions:region-detail", args=[county.pk])}"' in html
