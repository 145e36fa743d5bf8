"""The Party figures (registered by the party app) on the demo township: the seed's temporary branch and its 7
members recruited since the project began, the period's boundaries, and whose rows a branch secretary's and a
village cadre's figures hold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lianxin.reports import catalogue
from lianxin.reports.catalogue import FigureScope
from lianxin.reports.periods import Period

from .conftest import DEMO_TODAY

pytestmark = pytest.mark.django_db

YEAR = Period.year(DEMO_TODAY.year)


def _value(name: str, user, period: Period = YEAR):
    return catalogue.figure_value(name, FigureScope(user=user, period=period, today=DEMO_TODAY))


def _admitted_days():
    from lianxin.party.models import MEMBER_STAGES, Member

    return sorted(
        Member.objects.filter(stage__in=MEMBER_STAGES, joined_on__gte=DEMO_TODAY - timedelta(days=800)).values_list(
            "joined_on", flat=True
        )
    )


def test_the_party_app_registers_its_figures_on_the_two_lines():
    party = [f for f in catalogue.figure_list() if f.app == "party"]
    assert {f.line for f in party} == {catalogue.ORGANISATION, catalogue.EDUCATION}
    for name in ("party_temporary_branches", "party_new_members", "party_coverage", "party_contact_ratio"):
        assert catalogue.is_registered(name)


def test_seed_figures_on_the_demo(demo):
    # the seed: a temporary branch at 甲马石, 7 people recruited since the project began
    assert _value("party_temporary_branches", demo.leader) == 1
    assert _value("party_new_members_since_project", demo.leader) == 7
    assert _value("party_organizations", demo.leader) >= 5
    assert _value("party_members", demo.leader) == _value("party_full_members", demo.leader) + _value(
        "party_probationary_members", demo.leader
    )
    # 6 groups in the alumina project's area, 幕菲新寨 without an organisation
    assert (_value("party_project_groups_covered", demo.leader), _value("party_project_groups", demo.leader)) == (5, 6)
    assert _value("party_coverage", demo.leader) == Decimal("83.3")
    assert _value("party_pipeline_overdue", demo.leader) >= 1
    assert (
        _value("party_activities", demo.leader)
        == sum(
            _value(f"party_activities_{kind}", demo.leader)
            for kind in (
                "members_meeting",
                "committee_meeting",
                "group_meeting",
                "party_lesson",
                "party_day",
                "training",
                "publicity",
            )
        )
        + _service_activities()
    )


def _service_activities() -> int:
    from lianxin.party.models import Activity

    return Activity.objects.filter(kind=Activity.Kind.SERVICE, held_on__year=DEMO_TODAY.year).count()


def test_new_members_in_a_period_count_both_boundary_days(demo):
    # given the last admission of the year
    days = [d for d in _admitted_days() if d.year == DEMO_TODAY.year]
    last = days[-1]
    in_year = len(days)
    assert _value("party_new_members", demo.leader) == in_year

    # a period ending on the day counts it, one ending the day before does not; one starting on it counts it
    assert _value("party_new_members", demo.leader, Period.custom(YEAR.date_from, last)) == in_year
    assert _value("party_new_members", demo.leader, Period.custom(YEAR.date_from, last - timedelta(days=1))) == (
        in_year - days.count(last)
    )
    assert _value("party_new_members", demo.leader, Period.custom(last, YEAR.date_to)) == days.count(last)
    assert _value("party_new_members", demo.leader, Period.custom(last + timedelta(days=1), YEAR.date_to)) == 0


def test_new_members_drilldown_carries_the_period(demo):
    scope = FigureScope(user=demo.leader, period=YEAR, today=DEMO_TODAY)
    url = catalogue.drilldown_url("party_new_members", scope)
    assert f"admitted_from={YEAR.date_from.isoformat()}" in url
    assert f"admitted_to={YEAR.date_to.isoformat()}" in url
    assert catalogue.drilldown_gaps("party_new_members", scope) == []


def test_branch_secretary_counts_only_the_branch(demo):
    from django.db.models import Q

    from lianxin.accounts.models import User
    from lianxin.party.models import MEMBER_STAGES, Member, Organization, SecretaryScope

    # the organ branch's secretary: its members, and those seconded to the temporary branch it seconds to
    secretary = User.objects.get(username="secretary")
    organ = SecretaryScope.objects.get(user=secretary).organization
    temporary = Organization.objects.get(kind=Organization.Kind.TEMPORARY_BRANCH)
    held = Member.objects.filter(
        Q(organization=organ) | Q(seconded_to=temporary), status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES
    ).count()

    assert _value("party_members", secretary) == held
    assert _value("party_members", secretary) < _value("party_members", demo.leader)
    assert _value("party_new_members_since_project", secretary) == 0  # the 7 joined the village branches


def test_village_cadre_counts_only_the_village(demo):
    from lianxin.party.models import MEMBER_STAGES, Activity, Member

    village = demo.cadre.scope_region
    members = Member.objects.filter(
        status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES, organization__region__path__startswith=village.path
    ).count()
    activities = Activity.objects.filter(
        held_on__year=DEMO_TODAY.year, organization__region__path__startswith=village.path
    ).count()

    assert _value("party_members", demo.cadre) == members
    assert _value("party_activities", demo.cadre) == activities
    assert _value("party_members", demo.cadre) < _value("party_members", demo.leader)


def test_party_figures_over_the_same_rows_are_prefetched_together(demo, django_assert_max_num_queries):
    names = [f.name for f in catalogue.figure_list() if f.app == "party"]
    scope = FigureScope(user=demo.leader, period=YEAR, today=DEMO_TODAY)
    # organisations, members, admissions (2), pipeline, overdue, groups (2), households (2), activities,
    # and the main project and its start
    with django_assert_max_num_queries(16):
        catalogue.evaluate(names, scope)


def test_party_officer_dashboard_shows_organisations_and_pipeline(demo):
    from lianxin.accounts.models import User
    from lianxin.reports.dashboard import dashboard_build

    officer = User.objects.get(username="party")
    panels = {p.key: p for p in dashboard_build(FigureScope(user=officer, period=YEAR, today=DEMO_TODAY))}

    assert {"party_organizations", "party_pipeline"} <= set(panels)
    cards = {c.name: c for c in panels["party_organizations"].cards}
    assert cards["party_temporary_branches"].text == "1个"
    assert all(c.exact and c.url for c in panels["party_pipeline"].cards)
    chart = panels["party_pipeline"].chart
    assert chart is not None
    assert all(s.url for s in chart.segments)


def test_leader_overview_gains_party_coverage_and_new_members(demo):
    from lianxin.reports.dashboard import dashboard_build

    panels = {p.key: p for p in dashboard_build(FigureScope(user=demo.leader, period=YEAR, today=DEMO_TODAY))}

    cards = {c.name: c for c in panels["party_overview"].cards}
    assert cards["party_coverage"].text == "83.3%"
    assert cards["party_new_members_since_project"].text == "7名"
    assert "party_pipeline" not in panels


def test_party_development_return_downloads_with_the_catalogue_totals(demo, client):
    import io

    import openpyxl
    from django.urls import reverse

    # when the leader downloads the year's 党员发展情况统计表
    client.force_login(demo.leader)
    response = client.get(reverse("reports:return-download", args=["party_development"]) + f"?period={DEMO_TODAY.year}")

    # then it has the usual layout …
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "党员发展情况统计表"
    assert "填报单位" in sheet["A2"].value
    assert f"统计期间：{DEMO_TODAY.year}年" in " ".join(str(c.value or "") for c in sheet[2])
    assert sheet.freeze_panes == "B5"
    rows = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(2, 9)] for r in range(5, sheet.max_row + 1)}
    footer = [sheet.cell(r, 1).value or "" for r in range(5, sheet.max_row + 1)]
    assert any("填报人" in line and "审核人" in line for line in footer)

    # … and its totals are the catalogue's figures, the sum of the branches' rows
    names = (
        "party_pipeline_applicants",
        "party_pipeline_activists",
        "party_pipeline_candidates",
        "party_new_members",
        "party_probationary_members",
        "party_full_members",
        "party_members",
    )
    total = rows["合计"]
    assert total == [_value(name, demo.leader) for name in names]
    assert total[3] == 4  # the 2025 admissions of the seed's 7
    branches = [
        values
        for label, values in rows.items()
        if label and "党" in label and label != "合计" and not label.startswith("说明")
    ]
    assert [sum(v[i] or 0 for v in branches) for i in range(7)] == total


def test_study_hours_are_the_year_of_the_period_end(demo):
    from django.db.models import Sum

    from lianxin.party.models import MEMBER_STAGES, Attendance, Member

    members = Member.objects.filter(status=Member.Status.ACTIVE, stage__in=MEMBER_STAGES)
    expected = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, held_on__year=DEMO_TODAY.year, member__in=members
    ).aggregate(h=Sum("hours"))["h"]

    assert expected
    assert _value("party_study_hours", demo.leader) == Decimal(expected).quantize(Decimal("0.1"))
    # a quarter of the year states the year's hours (a yearly statistic), with the year before to compare
    assert _value("party_study_hours", demo.leader, Period.parse(f"{DEMO_TODAY.year}-Q2")) == _value(
        "party_study_hours", demo.leader
    )
