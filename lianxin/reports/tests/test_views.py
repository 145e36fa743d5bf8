"""The home page: the park overview for roles with the dashboard permission, a welcome for the others."""

import re

import pytest
from django.urls import reverse


def _figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_township_leader_sees_the_park_figures(login_as, town_admin, park):
    html = login_as(town_admin).get(reverse("reports:home")).content.decode()

    assert "示例工业园区" in html
    assert _figure(html, "population") == "4"
    assert _figure(html, "enterprises") == "2"
    assert _figure(html, "output_value") == "10亿元"
    assert _figure(html, "tax_paid") == "1.2亿元"


def test_village_cadre_sees_people_figures_of_their_village_only(login_as, village_a_clerk, park):
    html = login_as(village_a_clerk).get(reverse("reports:home")).content.decode()

    assert _figure(html, "population") == "3"
    assert "李秀英" not in html


@pytest.mark.parametrize("role", ["outsider", "system_admin"])
def test_roles_without_the_dashboard_get_a_welcome_with_their_own_work(request, login_as, role, park):
    user = request.getfixturevalue(role)

    response = login_as(user).get(reverse("reports:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "欢迎," in html
    assert 'data-testid="home-counts"' in html  # not a bare welcome (issue 10): their key counts
    assert 'data-figure="population"' not in html
