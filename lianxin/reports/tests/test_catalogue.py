"""The figure catalogue: one definition per figure, evaluated for a period, a jurisdiction and a region,
with its link to the rows; other apps register figures of their own."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lianxin.cases.tests import factories as case_factories
from lianxin.land.tests import factories as land_factories
from lianxin.regions.models import Region
from lianxin.reports import catalogue
from lianxin.reports.catalogue import COUNT, OVERVIEW, Drilldown, Figure, FigureScope
from lianxin.reports.periods import Period

pytestmark = pytest.mark.django_db
YEAR = Period.year(2026)


def _at(y, m, d):
    return datetime(y, m, d, 10, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def land(park, town, group_a1, group_b1, working_group_member):
    """Parcels of one project in a group of each village: 10 + 20 mu in A, 5 mu in B."""
    land_factories.township_standards(town)
    project = land_factories.project(town)
    parcels = [
        land_factories.parcel(project, group_a1, area_mu="10"),
        land_factories.parcel(project, group_a1, area_mu="20"),
        land_factories.parcel(project, group_b1, area_mu="5"),
    ]
    return project, parcels


def test_figures_count_only_the_jurisdiction(land, town_admin, village_a_clerk, village_b_clerk):
    def figures(user):
        scope = FigureScope(user=user, period=YEAR)
        return {
            n: catalogue.figure_value(n, scope)
            for n in ("villages", "population", "land_surveyed_parcels", "land_surveyed_mu")
        }

    assert figures(town_admin) == {
        "villages": 2,
        "population": 4,
        "land_surveyed_parcels": 3,
        "land_surveyed_mu": Decimal("35.00"),
    }
    assert figures(village_a_clerk) == {
        "villages": 1,
        "population": 3,
        "land_surveyed_parcels": 2,
        "land_surveyed_mu": Decimal("30.00"),
    }
    assert figures(village_b_clerk)["land_surveyed_mu"] == Decimal("5.00")


def test_a_leader_narrows_figures_to_one_village_or_group(land, town_admin, village_b, group_a1):
    scope = FigureScope(user=town_admin, period=YEAR)

    assert catalogue.figure_value("land_surveyed_mu", scope.with_region(village_b)) == Decimal("5.00")
    assert catalogue.figure_value("land_surveyed_parcels", scope.with_region(group_a1)) == 2
    assert catalogue.figure_value("population", scope.with_region(village_b)) == 1


def test_breakdown_per_village_group_in_one_query(land, town_admin, group_a1, group_b1, django_assert_num_queries):
    scope = FigureScope(user=town_admin, period=YEAR)
    assert scope.aggregate  # the user's permissions are loaded (and cached) once

    with django_assert_num_queries(1):
        by_group = catalogue.breakdown("land_surveyed_mu", scope, group_by="village_group")

    assert by_group == {group_a1.pk: Decimal("30.00"), group_b1.pk: Decimal("5.00")}


def test_case_figures_count_the_cases_registered_in_the_period(town_admin, working_group_member, village_a):
    for year in (2025, 2026, 2026):
        case_factories.dispute(working_group_member, village_a, registered_at=_at(year, 3, 1))
    scope = FigureScope(user=town_admin, period=YEAR)

    comparison = catalogue.compare("disputes_registered", scope)

    assert (comparison.value, comparison.previous, comparison.last_year) == (2, 1, 1)
    assert comparison.yoy == Decimal("100.0")
    assert catalogue.figure_value("disputes_registered", scope.with_period(Period.parse("2026-02"))) == 0
    assert catalogue.figure_value("disputes_registered", scope.with_period(Period.parse("2026-03"))) == 2
    # nothing resolved yet: the on-time rate has no base
    assert catalogue.figure_value("cases_on_time_rate", scope) is None


def test_snapshot_figures_have_no_earlier_values(park, town_admin):
    comparison = catalogue.compare("population", FigureScope(user=town_admin, period=YEAR))

    assert (comparison.value, comparison.previous, comparison.last_year) == (4, None, None)


def test_yearly_figures_state_the_latest_year_up_to_the_period(park, town_admin):
    # the cast has indicators for 2023 and 2024 (output 7亿 of the alumina plant in 2023)
    scope = FigureScope(user=town_admin, period=YEAR)

    comparison = catalogue.compare("output_value", scope)

    assert comparison.value == Decimal("1000000000.00")  # 2024, the latest up to 2026
    assert comparison.last_year == Decimal("700000000.00")  # 2023
    assert catalogue.figure_value("output_value", scope.with_period(Period.year(2023))) == Decimal("700000000.00")
    assert catalogue.figure_value("output_value", scope.with_period(Period.year(2022))) == Decimal("0.00")


def test_drilldown_link_carries_the_figure_filter(land, town_admin, group_a1):
    scope = FigureScope(user=town_admin, period=Period.parse("2026-Q3"), region=group_a1)

    assert catalogue.drilldown_url("land_handed_over_mu", scope) == (
        f"/land/parcels/?status=handed_over&village_group={group_a1.pk}"
    )
    assert catalogue.drilldown_url("disputes_registered", scope) == (
        f"/cases/?kind=dispute&registered_from=2026-07-01&registered_to=2026-09-30&region={group_a1.pk}"
    )
    assert catalogue.drilldown_gaps("land_handed_over_mu", scope) == []
    assert catalogue.drilldown_gaps("disputes_registered", scope) == []


def test_a_drilldown_names_the_filters_its_page_lacks(town_admin, group_a1):
    # a page without a filter the link sends, and one whose region filter takes no village groups
    scope = FigureScope(user=town_admin, period=Period.parse("2026-Q3"), region=group_a1)
    figure = catalogue.figure_get("disputes_registered")
    drill = catalogue.Drilldown(
        "cases:case-list",
        params={"kind": "dispute"},
        period_params=("registered_from", "registered_to"),
        region_param="region",
        region_levels=("village",),
        missing=("registered_to", "column:满意度", "unused"),
    )

    assert drill.gaps(scope, figure) == ["registered_to", "column:满意度", "region(village_group)"]


def test_no_link_to_rows_the_role_may_not_read(make_user, county, land):
    from lianxin.accounts.roles import Role

    viewer = make_user("county_viewer", Role.COUNTY_VIEWER, scope_region=county)
    scope = FigureScope(user=viewer, period=YEAR)

    assert catalogue.figure_value("land_surveyed_parcels", scope) == 3  # counts, with the dashboard permission
    assert catalogue.drilldown_url("land_surveyed_parcels", scope) is None  # but no page of named rows


def test_integrity_reports_count_for_discipline_only(make_user, town, town_admin, village_a):
    from lianxin.accounts.roles import Role

    case_factories.integrity_report(region=village_a)
    inspector = make_user("inspector", Role.DISCIPLINE_INSPECTOR, scope_region=town)
    period = Period.last_12_months()

    assert catalogue.figure_value("integrity_reports_registered", FigureScope(user=inspector, period=period)) == 1
    assert catalogue.figure_value("integrity_reports_registered", FigureScope(user=town_admin, period=period)) is None


def test_enterprise_liaison_counts_own_requests_without_the_dashboard(make_user, enterprise_in_town, town):
    from lianxin.accounts.roles import Role
    from lianxin.enterprises.tests import factories as enterprise_factories

    liaison = make_user("liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)
    other = enterprise_factories.enterprise(town, name="另一企业")
    case_factories.enterprise_request(liaison, enterprise_in_town)
    other_liaison = make_user("other", Role.ENTERPRISE_LIAISON, scope_enterprise=other)
    case_factories.enterprise_request(other_liaison, other)

    scope = FigureScope(user=liaison, period=Period.last_12_months())

    assert catalogue.figure_value("enterprise_requests_registered", scope) == 1
    assert catalogue.figure_value("land_surveyed_parcels", scope) == 0


def test_another_app_registers_a_figure_and_the_registry_refuses_a_second_definition(park, town_admin):
    figure = Figure(
        name="test_regions",
        label="区划",
        unit="个",
        line=OVERVIEW,
        definition="测试",
        source=lambda scope: scope.scoped(Region.objects.all()),
        measure=COUNT,
        drilldown=Drilldown("regions:region-list"),
    )
    catalogue.register(figure)
    try:
        assert catalogue.figure_value("test_regions", FigureScope(user=town_admin, period=YEAR)) == 8
        with pytest.raises(ValueError, match="already registered"):
            catalogue.register(Figure(**{**figure.__dict__, "definition": "另一个口径"}))
    finally:
        catalogue.unregister("test_regions")
    assert not catalogue.is_registered("test_regions")


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("population", 6551, "6551人"),
        ("output_value", Decimal("1000000000.00"), "10亿元"),
        ("tax_paid", Decimal("120000000.00"), "1.2亿元"),
        ("land_surveyed_mu", Decimal("4126.50"), "4126.5亩"),
        ("cases_on_time_rate", Decimal("95.0"), "95%"),
        ("satisfaction_average", Decimal("4.60"), "4.6分"),
        ("thefts_solved", None, "—"),
    ],
)
def test_figures_are_written_as_a_clerk_writes_them(name, value, text):
    assert catalogue.format_value(catalogue.figure_get(name), value) == text


def test_changes_are_written_in_words():
    assert catalogue.format_change(Decimal("12.5")) == "增长12.5%"
    assert catalogue.format_change(Decimal("-3.0")) == "下降3%"
    assert catalogue.format_change(Decimal("0")) == "持平"
    assert catalogue.format_change(None) == "—"


def test_prefetch_computes_the_figures_over_one_source_in_one_query(
    land, town_admin, working_group_member, village_a, django_assert_num_queries
):
    # given cases of several kinds and parcels
    case_factories.dispute(working_group_member, village_a, registered_at=_at(2026, 3, 1))
    case_factories.dispute(working_group_member, village_a, registered_at=_at(2026, 4, 1), category="wages")
    case_factories.security_incident(working_group_member, village_a, registered_at=_at(2026, 5, 1))
    names = [
        f.name
        for f in catalogue.figure_list()
        if f.name.startswith(("cases_", "disputes_", "security_", "thefts", "land_surveyed", "land_agreed"))
        and f.name != "cases_overdue"
        and not f.name.endswith("_overdue")
    ]
    one_by_one = FigureScope(user=town_admin, period=YEAR)
    expected = {name: catalogue.figure_value(name, one_by_one) for name in names}

    # when they are prefetched together
    together = FigureScope(user=town_admin, period=YEAR)
    assert together.aggregate
    with django_assert_num_queries(2):  # the period's cases in one scan, the parcels in another
        catalogue.prefetch(names, together)

    # then every figure has the value it has alone
    assert {name: catalogue.figure_value(name, together) for name in names} == expected
    assert expected["disputes_registered"] == 2
    assert expected["disputes_wages"] == 1
    assert expected["land_surveyed_mu"] == Decimal("35.00")
