"""Every livelihood page opens for the roles it concerns and is refused (403) to the others."""

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role

PAGES = [
    "livelihood:home",
    "livelihood:register",
    "livelihood:rules",
    "livelihood:alerts",
    "livelihood:income-figures",
    "livelihood:posting-list",
    "livelihood:placement-list",
    "livelihood:quotas",
    "livelihood:employed",
    "livelihood:training-list",
    "livelihood:business-list",
    "livelihood:insurance-list",
    "livelihood:not-enrolled",
    "livelihood:project-list",
    "livelihood:pairing-list",
    "livelihood:indicators",
]
FORMS = [
    "livelihood:posting-create",
    "livelihood:training-create",
    "livelihood:business-create",
    "livelihood:insurance-create",
    "livelihood:project-create",
    "livelihood:pairing-create",
]
# the liaison reads its own enterprise's pairings (村企结对), as on the enterprise page
LIAISON_PAGES = {
    "livelihood:posting-list",
    "livelihood:placement-list",
    "livelihood:quotas",
    "livelihood:employed",
    "livelihood:pairing-list",
}


@pytest.fixture
def users(make_user, town, village_a, enterprise_in_town, county):
    return {
        "leader": make_user("l_leader", Role.TOWNSHIP_LEADER, scope_region=town),
        "workgroup": make_user("l_wg", Role.WORKING_GROUP, scope_region=town),
        "cadre": make_user("l_cadre", Role.VILLAGE_CADRE, scope_region=village_a),
        "liaison": make_user("l_liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town),
        "police": make_user("l_police", Role.POLICE_LIAISON, scope_region=town),
        "admin": make_user("l_admin", Role.SYSTEM_ADMIN, scope_region=town),
    }


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["leader", "workgroup", "cadre", "liaison", "police", "admin"])
def test_pages_open_for_their_roles(login_as, users, default_rule, name, role):
    response = login_as(users[role]).get(reverse(name))
    if role in ("leader", "workgroup", "cadre"):
        allowed = True
    elif role == "liaison":
        allowed = name in LIAISON_PAGES
    else:
        allowed = False
    assert response.status_code == (200 if allowed else 403), response.status_code


@pytest.mark.parametrize("name", FORMS)
def test_entry_forms_for_the_working_group_and_not_the_leader(login_as, users, name):
    assert login_as(users["workgroup"]).get(reverse(name)).status_code == 200
    assert login_as(users["leader"]).get(reverse(name)).status_code == 403


def test_bad_form_input_names_the_field_and_writes_nothing(login_as, users, village_a):
    from ..models import VillageProject

    response = login_as(users["workgroup"]).post(
        reverse("livelihood:project-create"),
        {
            "village": village_a.pk,
            "name": "道路",
            "kind": "road",
            "status": "planned",
            "source_1": "enterprise",
            "amount_1": "100",
        },
    )
    assert response.status_code == 400
    assert "企业出资须注明企业" in response.content.decode()
    assert not VillageProject.objects.exists()


def test_home_page_shows_livelihood_figures_once_land_is_taken(
    login_as, users, default_rule, working_group_member, group_a1, project
):
    from . import factories

    before = login_as(users["leader"]).get(reverse("reports:home")).content.decode()
    assert 'data-testid="livelihood-overview"' not in before  # nobody landless yet: no row of zeros
    household = factories.household_with_land(group_a1, contracted="1")
    factories.take_land(project, household, working_group_member, mu="1")

    html = login_as(users["leader"]).get(reverse("reports:home")).content.decode()
    assert 'data-testid="livelihood-overview"' in html
    assert 'data-figure="landless_farmers"' in html
    nav = login_as(users["leader"]).get(reverse("livelihood:home")).content.decode()
    assert "民生发展" in nav


def test_pairing_shows_on_the_enterprise_page(login_as, users, enterprise_in_town, group_a1):
    from datetime import date
    from decimal import Decimal

    from .. import services

    services.pairing_create(
        actor=users["workgroup"],
        enterprise=enterprise_in_town,
        village=group_a1,
        commitment="出资拓宽进村道路",
        amount=Decimal("650000"),
        signed_on=date(2025, 4, 18),
        milestones=[("开工", date(2025, 6, 1))],
    )
    url = reverse("enterprises:enterprise-detail", args=[enterprise_in_town.pk])
    html = login_as(users["leader"]).get(url).content.decode()
    assert 'data-testid="enterprise-pairings"' in html
    assert "出资拓宽进村道路" in html
    assert "出资拓宽进村道路" in login_as(users["liaison"]).get(url).content.decode()


def test_indicators_read_as_the_product_writes_numbers(login_as, working_group_member, town_admin, village_a):
    from decimal import Decimal

    from django.utils import timezone

    from lianxin.livelihood import services

    year = timezone.localdate().year
    for indicator, target, actual in (
        ("total_income", "62000000", "63850000"),
        ("cattle", "120", "124"),
        ("corn", "3000", "3050.5"),
        ("net_income_per_capita", "3600", "3725.5"),
    ):
        services.indicator_set(
            actor=working_group_member,
            region=village_a,
            year=year,
            indicator=indicator,
            target=Decimal(target),
            actual=Decimal(actual),
        )

    html = login_as(town_admin).get(reverse("livelihood:indicators"), {"year": year}).content.decode()

    for shown in ("6200万元", "6385万元", ">124<", ">120<", "3,050.5", "3,725.5", "3,600"):
        assert shown in html
    for raw in ("62000000.00", "124.00", "3050.50"):
        assert raw not in html


def test_pairings_show_on_the_village_and_enterprise_pages_with_milestones_state_and_links(
    login_as, users, enterprise_in_town, village_a, village_b, group_a1
):
    from datetime import date
    from decimal import Decimal

    from .. import services

    pairing = services.pairing_create(
        actor=users["workgroup"],
        enterprise=enterprise_in_town,
        village=village_a,
        commitment="出资拓宽进白革龙道路",
        amount=Decimal("1250000"),
        signed_on=date(2025, 4, 18),
        milestones=[("开工", date(2025, 6, 1)), ("完工", date(2025, 12, 1))],
    )
    services.milestone_done(
        actor=users["workgroup"], milestone=pairing.milestones.get(name="开工"), done_on=date(2025, 6, 3)
    )

    # the village page (and the township's above it) lists the pairing, its state and milestones, linking the plant
    village_page = reverse("regions:region-detail", args=[village_a.pk])
    html = login_as(users["leader"]).get(village_page).content.decode()
    assert 'data-testid="village-pairings"' in html
    assert "出资拓宽进白革龙道路" in html
    assert "1,250,000.00" in html
    assert "实施中" in html
    assert "开工 ✓2025-06-03" in html
    assert "完工 (计划2025-12-01)" in html
    assert reverse("enterprises:enterprise-detail", args=[enterprise_in_town.pk]) in html
    assert (
        "出资拓宽进白革龙道路"
        in login_as(users["leader"]).get(reverse("regions:region-detail", args=[village_a.parent_id])).content.decode()
    )
    # another village's page does not
    other = login_as(users["leader"]).get(reverse("regions:region-detail", args=[village_b.pk])).content.decode()
    assert "出资拓宽进白革龙道路" not in other
    assert "暂无结对" in other

    # the enterprise page links back to the village
    enterprise_page = reverse("enterprises:enterprise-detail", args=[enterprise_in_town.pk])
    html = login_as(users["leader"]).get(enterprise_page).content.decode()
    assert village_page in html
    assert "实施中" in html
