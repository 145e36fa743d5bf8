"""The home page never shows a zero that only means "outside your scope" (issue 10, item 8).

A village cadre's 园区概况 showed 0 enterprises, 0.00元 output and tax, 0 projects: the park's enterprises
and projects lie outside a village's scope. Decided per figure:

* villages, village groups, enterprises, output, tax, jobs, projects, land demand — the park-wide public
  figures (全园区公开数据), labelled 全园区, for a user whose scope does not cover the park;
* population and households — only the user's own area, labelled with its name; hidden when the user's
  area holds no village of the park;
* the output-per-enterprise chart — hidden (one enterprise's output is not a public figure);
* users whose scope covers the park (township, county) see every figure of their scope, unlabelled.
"""

import re

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.regions.models import Region

PARK_WIDE = {
    "villages": "2",
    "village_groups": "3",
    "enterprises": "2",
    "output_value": "10亿元",
    "tax_paid": "1.2亿元",
    "projects": "2",
    "land_demand_mu": "4,300.50",
    "employees": "1,000",
}


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


def _scopes(html: str) -> dict[str, str]:
    """figure → its scope label (data-scope="public" / "own"), for the cards that carry one."""
    cards = re.findall(r'data-figure="(\w+)">.*?</div></div></div>', html, re.S)
    labels = {}
    for name in cards:
        card = re.search(rf'data-figure="{name}">.*?</div></div></div>', html, re.S).group(0)
        scope = re.search(r'data-scope="(\w+)">([^<]*)<', card)
        labels[name] = scope.groups() if scope else None
    return labels


@pytest.fixture
def users(make_user, county, town, village_a, group_a1, park):
    outside = Region.objects.get(name="园外村")
    return {
        "township_leader": make_user("leader", Role.TOWNSHIP_LEADER, scope_region=town),
        "working_group": make_user("wg", Role.WORKING_GROUP, scope_region=town),
        "party_officer": make_user("party", Role.PARTY_OFFICER, scope_region=town),
        "police_liaison": make_user("police", Role.POLICE_LIAISON, scope_region=town),
        "discipline_inspector": make_user("discipline", Role.DISCIPLINE_INSPECTOR, scope_region=town),
        "county_viewer": make_user("county", Role.COUNTY_VIEWER, scope_region=county),
        "village_cadre": make_user("cadre", Role.VILLAGE_CADRE, scope_region=village_a),
        "village_group_cadre": make_user("groupcadre", Role.VILLAGE_CADRE, scope_region=group_a1),
        "outside_cadre": make_user("outsidecadre", Role.VILLAGE_CADRE, scope_region=outside),
    }


COVERING = [
    "township_leader",
    "working_group",
    "party_officer",
    "police_liaison",
    "discipline_inspector",
    "county_viewer",
]


@pytest.mark.parametrize("role", COVERING)
def test_roles_whose_scope_covers_the_park_see_its_figures_unlabelled(login_as, users, role):
    html = login_as(users[role]).get(reverse("reports:home")).content.decode()

    figures = _figures(html)
    assert {name: figures[name] for name in PARK_WIDE} == PARK_WIDE
    assert (figures["population"], figures["households"]) == ("4", "3")
    assert "全园区公开数据" not in html
    assert not any(_scopes(html).values())
    assert 'data-source="chart-output"' in html


@pytest.mark.parametrize(
    ("role", "population", "households", "scope"),
    [
        ("village_cadre", "3", "2", "甲马石村"),
        ("village_group_cadre", "2", "1", "甲马石一组"),
    ],
)
def test_a_cadre_sees_the_park_wide_public_figures_labelled_and_their_own_people(
    login_as, users, role, population, households, scope
):
    html = login_as(users[role]).get(reverse("reports:home")).content.decode()

    figures = _figures(html)
    assert {name: figures[name] for name in PARK_WIDE} == PARK_WIDE  # never 0
    assert (figures["population"], figures["households"]) == (population, households)
    scopes = _scopes(html)
    assert {name: scopes[name] for name in PARK_WIDE} == dict.fromkeys(PARK_WIDE, ("public", "全园区"))
    assert scopes["population"] == scopes["households"] == ("own", scope)
    assert "全园区公开数据" in html
    assert 'data-source="chart-output"' not in html  # one enterprise's output is not public
    assert 'data-source="chart-population"' in html


def test_a_cadre_of_a_village_outside_the_park_sees_no_people_figures_rather_than_zero(login_as, users):
    html = login_as(users["outside_cadre"]).get(reverse("reports:home")).content.decode()

    figures = _figures(html)
    assert "population" not in figures
    assert "households" not in figures
    assert {name: figures[name] for name in PARK_WIDE} == PARK_WIDE


@pytest.mark.parametrize("role", ["outsider", "system_admin"])
def test_roles_without_the_dashboard_see_no_figures_at_all(request, login_as, park, role):
    html = login_as(request.getfixturevalue(role)).get(reverse("reports:home")).content.decode()

    assert _figures(html) == {}


def test_no_role_ever_sees_a_zero_figure_of_the_park(login_as, users):
    for role, user in users.items():
        figures = _figures(login_as(user).get(reverse("reports:home")).content.decode())
        zeros = {name for name, value in figures.items() if value in ("0", "0元", "0.00元")}
        assert not zeros, f"{role} sees 0 for {zeros}"
