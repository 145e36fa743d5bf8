"""The park overview (园区概况): every figure computed from the ledgers, within the viewer's jurisdiction."""

from decimal import Decimal

from lianxin.reports.selectors import park_overview, population_by_village_group


def test_township_leader_sees_the_whole_park(park, town_admin):
    overview = park_overview(user=town_admin)

    assert overview.park == park
    assert (overview.villages, overview.village_groups, overview.households, overview.population) == (2, 3, 3, 4)
    assert overview.enterprises == 2
    assert overview.indicator_year == 2024
    assert overview.output_value == Decimal("1000000000")
    assert overview.tax_paid == Decimal("120000000")
    assert overview.employees == 1000
    assert (overview.projects, overview.projects_under_construction) == (2, 1)
    assert overview.land_demand_mu == Decimal("4300.50")


def test_village_cadre_sees_the_park_wide_public_figures_and_the_people_of_their_village(park, village_a_clerk):
    overview = park_overview(user=village_a_clerk)

    assert overview.public is True
    assert overview.park == park
    assert (overview.villages, overview.village_groups) == (2, 3)  # the park's, public
    assert (overview.households, overview.population) == (2, 3)  # their own village's
    assert overview.people_scope == "甲马石村"
    assert overview.enterprises == 2  # not 0: enterprises sit at township level
    assert overview.output_value == Decimal("1000000000")
    assert overview.tax_paid == Decimal("120000000")
    assert (overview.projects, overview.land_demand_mu) == (2, Decimal("4300.50"))


def test_other_village_cadre_counts_only_their_people(park, village_b_clerk):
    overview = park_overview(user=village_b_clerk)

    assert (overview.villages, overview.village_groups, overview.households, overview.population) == (2, 3, 1, 1)


def test_overview_without_any_data_is_zero(town_admin):
    overview = park_overview(user=town_admin)

    assert overview.park is None
    assert (overview.population, overview.enterprises, overview.output_value, overview.employees) == (0, 0, 0, 0)
    assert overview.indicator_year is None


def test_population_chart_counts_people_per_group_within_scope(park, village_a_clerk):
    chart = population_by_village_group(user=village_a_clerk)

    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {
        "甲马石村/甲马石一组": 2,
        "甲马石村/甲马石二组": 1,
    }
