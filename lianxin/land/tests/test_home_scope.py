"""/land/ labels every figure with its scope: the project's land demand as the project's, a village cadre's
progress as their village's — never the project total beside one village's percentages (issue 10, item 9)."""

from django.urls import reverse

from . import factories


def _card(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</div>")[0]


def test_a_cadre_sees_the_project_demand_labelled_and_their_village_progress_labelled(
    login_as, village_a_clerk, signed, land_project, group_b1, household_b
):
    factories.holding(factories.parcel(land_project, group_b1, area_mu="40"), household_b)  # another village's land
    html = login_as(village_a_clerk).get(reverse("land:home")).content.decode()
    assert "全项目" in _card(html, "project-demand")
    assert "4,126.5" in _card(html, "project-demand")
    scope = html.split('data-testid="scope-progress"')[1]
    assert "甲马石村" in scope.split("</div>")[0]
    assert "全项目" not in scope.split('class="d-flex')[0]
    assert "甲马石村已测量的 10 亩" in scope


def test_a_leader_sees_the_whole_project(login_as, town_admin, signed, land_project):
    html = login_as(town_admin).get(reverse("land:home")).content.decode()
    assert "全项目的地块" in html.split('data-testid="scope-progress"')[1]
    progress = login_as(town_admin).get(reverse("land:progress", args=[land_project.pk])).content.decode()
    assert "全项目" in _card(progress, "progress-scope")


def test_the_cadres_progress_page_names_their_scope(login_as, village_a_clerk, signed, land_project, group_b1):
    factories.parcel(land_project, group_b1, area_mu="40")
    html = login_as(village_a_clerk).get(reverse("land:progress", args=[land_project.pk])).content.decode()
    assert "甲马石村范围内" in html.split('data-testid="progress-scope"')[1].split("</p>")[0]
