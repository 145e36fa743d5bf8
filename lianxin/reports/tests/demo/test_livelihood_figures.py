"""The livelihood figures (registered by the livelihood app) on the demo township: the seed's 4,000+ landless
farmers at work, 5 m+ yuan of village projects, 124 cattle, 3,000+ mu of corn and the 62 m / 18 m / 3,600 yuan
targets; the period's boundaries; whose rows a village cadre's figures hold; one query per set of rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from lianxin.reports import catalogue
from lianxin.reports.catalogue import FigureScope
from lianxin.reports.periods import Period

from .conftest import DEMO_TODAY

pytestmark = pytest.mark.django_db

YEAR = Period.year(DEMO_TODAY.year)


def _scope(user, period: Period = YEAR) -> FigureScope:
    return FigureScope(user=user, period=period, today=DEMO_TODAY)


def _value(name: str, user, period: Period = YEAR):
    return catalogue.figure_value(name, _scope(user, period))


def test_the_livelihood_app_registers_its_figures_on_the_development_line():
    livelihood = [f for f in catalogue.figure_list() if f.app == "livelihood"]
    assert {f.line for f in livelihood} == {catalogue.DEVELOPMENT}
    for name in (
        "livelihood_landless_persons",
        "livelihood_employed",
        "livelihood_households_worse_off",
        "livelihood_not_worse_off_share",
        "livelihood_village_projects_yuan",
        "livelihood_cattle",
        "livelihood_corn",
        "livelihood_total_income_target",
        "livelihood_net_income_target",
        "livelihood_net_income_per_capita_target",
        "livelihood_pairings",
    ):
        assert catalogue.is_registered(name)
    # every one of them has a list page that shows exactly its rows
    stub = FigureScope(user=None, period=YEAR)
    assert all(catalogue.drilldown_gaps(f, stub) == [] for f in livelihood)


def test_seed_figures_on_the_demo(demo):
    from lianxin.livelihood.models import VillageProject

    leader = demo.leader
    # 在园区就业的失地农民达4000余人
    assert 4000 <= _value("livelihood_employed", leader) < 5000
    assert _value("livelihood_landless_persons", leader) > 6000
    assert _value("livelihood_landless_households", leader) > 1000
    # 5 m+ yuan of village projects, the sum of their rows
    yuan = _value("livelihood_village_projects_yuan", leader)
    assert yuan > 5_000_000
    assert Decimal(yuan) == VillageProject.objects.aggregate(s=Sum("amount"))["s"]
    # 124 cattle, 3,000+ mu of corn, the targets 62 m / 18 m / 3,600 yuan
    assert _value("livelihood_cattle", leader) == 124
    assert _value("livelihood_corn", leader) >= 3000
    assert _value("livelihood_total_income_target", leader) == 62_000_000
    assert _value("livelihood_net_income_target", leader) == 18_000_000
    assert _value("livelihood_net_income_per_capita_target", leader) == 3600
    assert _value("livelihood_net_income_per_capita", leader) == round(
        _value("livelihood_net_income", leader) / _value("livelihood_population", leader)
    )
    # a handful worse off on the alert list; the share not worse off from the same surveys
    surveyed = _value("livelihood_households_surveyed", leader)
    worse = _value("livelihood_households_worse_off", leader)
    assert worse == 6
    assert _value("livelihood_households_not_worse_off", leader) == surveyed - worse
    share = Decimal(surveyed - worse) * 100 / surveyed
    assert _value("livelihood_not_worse_off_share", leader) == share.quantize(Decimal("0.1"))
    assert _value("livelihood_pairings", leader) == 2
    assert _value("livelihood_insured", leader) > 0
    assert _value("livelihood_businesses", leader) > 0


def test_indicators_are_the_year_the_period_ends_in(demo):
    leader = demo.leader
    # a quarter states its year's indicators; the year before has its own
    assert _value("livelihood_cattle", leader, Period.parse(f"{DEMO_TODAY.year}-Q2")) == 124
    assert _value("livelihood_cattle", leader, Period.year(DEMO_TODAY.year - 1)) == 104
    comparison = catalogue.compare("livelihood_cattle", _scope(leader))
    assert (comparison.value, comparison.previous) == (124, 104)


def test_trainings_in_a_period_count_both_boundary_days(demo):
    from lianxin.livelihood.models import SkillsTraining, TrainingAttendance

    training = SkillsTraining.objects.filter(starts_on__year=DEMO_TODAY.year).order_by("-starts_on").first()
    day = training.starts_on
    trainees = TrainingAttendance.objects.filter(training=training).count()
    on_day = Period.custom(day, day)
    assert _value("livelihood_trainings", demo.leader, on_day) == 1
    assert _value("livelihood_trainees", demo.leader, on_day) == trainees
    assert _value("livelihood_trainings", demo.leader, Period.custom(day - timedelta(days=30), day)) >= 1
    assert _value("livelihood_trainings", demo.leader, Period.custom(day + timedelta(days=1), YEAR.date_to)) == 0
    assert _value("livelihood_trainings", demo.leader, Period.custom(YEAR.date_from, day - timedelta(days=1))) == (
        SkillsTraining.objects.filter(starts_on__year=DEMO_TODAY.year, starts_on__lt=day).count()
    )


def test_placements_taken_up_count_both_boundary_days(demo):
    from lianxin.livelihood.models import Placement

    last = Placement.objects.filter(starts_on__isnull=False).order_by("-starts_on").first().starts_on
    on_last = Placement.objects.filter(starts_on=last).count()
    assert _value("livelihood_placements_started", demo.leader, Period.custom(last, last)) == on_last
    assert (
        _value("livelihood_placements_started", demo.leader, Period.custom(last + timedelta(days=1), YEAR.date_to)) == 0
    )
    url = catalogue.drilldown_url("livelihood_placements_started", _scope(demo.leader, Period.custom(last, last)))
    assert f"started_from={last.isoformat()}" in url
    assert f"started_to={last.isoformat()}" in url


def test_village_cadre_counts_only_the_village(demo):
    from lianxin.livelihood.models import Placement, VillageIndicator, VillageProject

    village = demo.cadre.scope_region
    path = village.path
    projects = VillageProject.objects.filter(village__path__startswith=path).aggregate(s=Sum("amount"))["s"] or 0
    cattle = VillageIndicator.objects.filter(
        year=DEMO_TODAY.year, indicator="cattle", region__path__startswith=path
    ).aggregate(s=Sum("actual"))["s"]

    assert Decimal(_value("livelihood_village_projects_yuan", demo.cadre)) == projects
    assert _value("livelihood_cattle", demo.cadre) == cattle < 124
    employed = _value("livelihood_employed", demo.cadre)
    assert 0 < employed < _value("livelihood_employed", demo.leader)
    assert employed <= Placement.objects.filter(village_group__path__startswith=path).count()
    assert _value("livelihood_landless_persons", demo.cadre) < _value("livelihood_landless_persons", demo.leader)


def test_livelihood_figures_over_the_same_rows_are_prefetched_together(demo, django_assert_max_num_queries):
    names = [f.name for f in catalogue.figure_list() if f.app == "livelihood"]
    scope = _scope(demo.leader)
    # households (persons and households), employed, placements, survey year + surveys (3), trainings (2),
    # businesses, insurance, not insured, pairings, projects (2), indicators (all in one), and the rules read
    # by the register's decision
    with django_assert_max_num_queries(16):
        catalogue.evaluate(names, scope)


def test_home_page_reads_the_catalogue_figures_with_their_links(demo, client):
    from django.urls import reverse

    from lianxin.livelihood.selectors import home_figures

    figures = home_figures(user=demo.leader, today=DEMO_TODAY)
    assert figures.employed == _value("livelihood_employed", demo.leader)
    assert figures.landless_farmers == _value("livelihood_landless_persons", demo.leader)
    assert figures.worse_off == 6
    assert figures.links["livelihood_employed"].startswith(reverse("livelihood:placement-list"))

    client.force_login(demo.leader)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    assert 'data-testid="livelihood-overview"' in response.content.decode()
    assert reverse("livelihood:placement-list") + "?employed_on=" in response.content.decode()


def test_leader_overview_gains_employment_worse_off_and_indicators(demo):
    from lianxin.reports.dashboard import dashboard_build

    panels = {p.key: p for p in dashboard_build(_scope(demo.leader))}

    cards = {c.name: c for c in panels["livelihood_overview"].cards}
    assert cards["livelihood_employed"].text == f"{_value('livelihood_employed', demo.leader)}人"
    assert cards["livelihood_households_worse_off"].text == "6户"
    assert all(c.url for c in cards.values())
    indicators = {c.name: c for c in panels["livelihood_indicators"].cards}
    assert indicators["livelihood_total_income_target"].text == "6200万元"
    assert indicators["livelihood_net_income_per_capita_target"].text == "3600元"
    chart = panels["livelihood_indicators"].chart
    assert chart is not None
    assert all(s.url for s in chart.segments)


def test_report_tables_employment_by_enterprise_and_indicators_against_targets(demo):
    from lianxin.reports.tables import table_list

    scope = _scope(demo.leader)
    tables = {t.key: t for t in table_list()}
    employment = tables["livelihood_employment"].build(scope)
    # the total at work is the catalogue's figure, the sum of the enterprises' rows
    assert employment.total[2].value == _value("livelihood_employed", demo.leader)
    assert sum(row[2].value for row in employment.rows) == employment.total[2].value
    assert employment.total[1].value == 3400  # the 22 enterprises' commitments of 2025
    indicators = tables["livelihood_indicators"].build(scope)
    labels = [row[0] for row in indicators.rows]
    assert "牛存栏(头)" in labels
    cattle = indicators.rows[labels.index("牛存栏(头)")]
    assert (cattle[1].value, cattle[2].value) == (120, 124)
    assert cattle[2].url


def test_employment_return_downloads_with_the_catalogue_totals(demo, client):
    import io

    import openpyxl
    from django.urls import reverse

    client.force_login(demo.leader)
    response = client.get(
        reverse("reports:return-download", args=["livelihood_employment"]) + f"?period={DEMO_TODAY.year}"
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "失地农民就业情况统计表"
    assert "填报单位" in sheet["A2"].value
    assert sheet.freeze_panes is not None
    rows = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(2, 9)] for r in range(5, sheet.max_row + 1)}
    footer = [sheet.cell(r, 1).value or "" for r in range(5, sheet.max_row + 1)]
    assert any("填报人" in line and "审核人" in line for line in footer)
    from lianxin.livelihood.report import RETURN_FIGURES

    # the totals are the catalogue's figures, and the village groups' rows add up to them
    scope = FigureScope(user=demo.leader, period=Period.parse(str(DEMO_TODAY.year)))
    total = rows["合计"]
    assert total == [catalogue.figure_value(name, scope) for name in RETURN_FIGURES]
    groups = [v for label, v in rows.items() if label and label != "合计" and not str(label).startswith("说明")]
    groups = [v for v in groups if all(isinstance(x, int) for x in v)]
    assert [sum(v[i] for v in groups) for i in range(7)] == total
    # the not-insured are listed with their names masked
    names = workbook.worksheets[-1]
    listed = [names.cell(r, 1).value for r in range(5, names.max_row + 1) if names.cell(r, 2).value]
    assert all("*" in name for name in listed if name and len(name) > 1)
