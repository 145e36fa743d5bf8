"""Statistics figures computed from known cases (案件统计)."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.cases import statistics
from lianxin.cases.models import Case

Kind, State = Case.Kind, Case.State
_numbers = count(1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_case(region, *, kind=Kind.DISPUTE, state=State.REGISTERED, registered=date(2024, 1, 15), **fields) -> Case:
    return Case.objects.create(
        number=f"T-{next(_numbers):06d}",
        kind=kind,
        state=state,
        title=fields.pop("title", "测试案件"),
        description="测试",
        region=region,
        registered_at=at(registered),
        **fields,
    )


@pytest.fixture
def known_cases(village_a, village_b, group_a1, working_group_member, village_a_clerk):
    """Cases registered in 2024-01/02 around Spring Festival 2024 (holiday 02-10..17, make-up 02-04 and 02-18)."""
    resolved = {"state": State.RESOLVED}
    # Accepted Thu 02-01, due +10 working days = Sun 02-18 (make-up); resolved Fri 02-09 (on time): 7 working days
    # (Fri 2, make-up Sun 4, Mon 5 .. Fri 9)
    make_case(
        group_a1,
        **resolved,
        accepted_on=date(2024, 2, 1),
        due_on=date(2024, 2, 18),
        resolved_at=at(date(2024, 2, 9)),
        satisfaction=5,
        assignee=village_a_clerk,
        registered=date(2024, 1, 31),
    )
    # Accepted Fri 02-09, due Sun 02-18, resolved Mon 02-19 (late): 2 working days (18, 19)
    make_case(
        village_a,
        **resolved,
        accepted_on=date(2024, 2, 9),
        due_on=date(2024, 2, 18),
        resolved_at=at(date(2024, 2, 19)),
        satisfaction=3,
        registered=date(2024, 2, 8),
    )
    # Enterprise request accepted Mon 01-15, resolved Fri 01-26 minus 2 suspended working days: 9 - 2 = 7
    make_case(
        village_b,
        kind=Kind.ENTERPRISE_REQUEST,
        state=State.CLOSED,
        accepted_on=date(2024, 1, 15),
        due_on=date(2024, 1, 29),
        resolved_at=at(date(2024, 1, 26)),
        suspended_workdays=2,
        satisfaction=4,
        assignee=working_group_member,
    )
    # Security incidents: 2 thefts solved (3 + 1 suspects), 1 theft unsolved, 1 fight with 2 suspects caught
    for solved, caught, incident in (
        (True, 3, Case.IncidentType.THEFT),
        (True, 1, Case.IncidentType.THEFT),
        (False, 0, Case.IncidentType.THEFT),
        (True, 2, Case.IncidentType.FIGHT),
    ):
        make_case(
            village_a,
            kind=Kind.SECURITY_INCIDENT,
            state=State.IN_PROGRESS,
            incident_type=incident,
            solved=solved,
            suspects_caught=caught,
            loss_value=Decimal("1000.50"),
            registered=date(2024, 2, 20),
            assignee=working_group_member,
            accepted_on=date(2024, 2, 20),
            due_on=date(2024, 3, 1),
        )
    # An integrity report (only discipline counts it) and a case outside the period
    make_case(village_a, kind=Kind.INTEGRITY_REPORT, registered=date(2024, 2, 1))
    make_case(village_a, registered=date(2023, 12, 31), satisfaction=1, state=State.CLOSED)


PERIOD = statistics.Period(date(2024, 1, 1), date(2024, 2, 29))


def test_figures_from_known_cases(known_cases, town_admin):
    figures = statistics.case_statistics(user=town_admin, period=PERIOD)

    assert figures.total == 7  # the integrity report and the 2023 case are not counted
    assert dict((k, n) for k, _l, n in figures.by_kind) == {
        Kind.DISPUTE: 2,
        Kind.ENTERPRISE_REQUEST: 1,
        Kind.SECURITY_INCIDENT: 4,
    }
    states = {k: n for k, _l, n in figures.by_state}
    assert (states[State.RESOLVED], states[State.CLOSED], states[State.IN_PROGRESS]) == (2, 1, 4)
    assert figures.by_month == [("2024-01", 2), ("2024-02", 5)]
    assert (figures.resolved, figures.resolved_on_time) == (3, 2)
    assert figures.on_time_rate == Decimal("66.7")
    assert figures.median_workdays == Decimal(7)  # of 7, 2, 7
    assert figures.satisfaction_average == Decimal("4.00")  # (5 + 3 + 4) / 3
    assert figures.rated == 3
    assert (figures.security_incidents, figures.thefts, figures.thefts_solved) == (4, 3, 2)
    assert figures.suspects_caught == 6
    assert figures.loss_value == Decimal("4002.00")


def test_even_number_of_resolved_cases_takes_the_mean_of_the_middle_two(known_cases, town_admin):
    Case.objects.filter(kind=Kind.ENTERPRISE_REQUEST).delete()
    figures = statistics.case_statistics(user=town_admin, period=PERIOD)
    assert figures.median_workdays == Decimal("4.5")  # of 7 and 2


def test_village_cadre_counts_only_their_village(known_cases, village_a_clerk):
    figures = statistics.case_statistics(user=village_a_clerk, period=PERIOD)
    assert figures.total == 6
    assert dict((k, n) for k, _l, n in figures.by_kind)[Kind.ENTERPRISE_REQUEST] == 0


def test_integrity_reports_count_only_for_discipline(known_cases, town, make_user):
    inspector = make_user("inspector", Role.DISCIPLINE_INSPECTOR, scope_region=town)
    figures = statistics.case_statistics(user=inspector, period=PERIOD)
    assert dict((k, n) for k, _l, n in figures.by_kind)[Kind.INTEGRITY_REPORT] == 1
    assert figures.total == 8


def test_empty_period_has_no_rates(known_cases, town_admin):
    figures = statistics.case_statistics(user=town_admin, period=statistics.Period(date(2020, 1, 1), date(2020, 3, 1)))
    assert figures.total == 0
    assert figures.on_time_rate is None
    assert figures.median_workdays is None
    assert figures.satisfaction_average is None
    assert figures.by_month == [("2020-01", 0), ("2020-02", 0), ("2020-03", 0)]


def test_handler_load_and_overdue_list(known_cases, town_admin, working_group_member, village_a_clerk):
    load = statistics.handler_load(user=town_admin, today=date(2024, 3, 4))
    assert [(row.user_id, row.open, row.overdue) for row in load] == [(working_group_member.pk, 4, 4)]
    overdue = list(statistics.overdue_cases(user=town_admin, today=date(2024, 3, 4)))
    assert len(overdue) == 4
    assert statistics.overdue_cases(user=town_admin, today=date(2024, 3, 1)).count() == 0  # due today: not late
    assert statistics.overdue_count(user=town_admin, today=date(2024, 3, 4)) == 4


def test_suspended_case_is_not_overdue(village_a, town_admin):
    make_case(village_a, state=State.SUSPENDED, due_on=date(2024, 3, 1), suspended_on=date(2024, 2, 20))
    assert statistics.overdue_count(user=town_admin, today=date(2024, 3, 4)) == 0


def test_default_period_is_the_rolling_year():
    period = statistics.Period.last_12_months(date(2026, 11, 30))
    assert (period.date_from, period.date_to) == (date(2025, 12, 1), date(2026, 11, 30))
    assert statistics.Period.last_12_months(date(2028, 2, 29)).date_from == date(2027, 3, 1)


def test_statistics_page_shows_the_figures_and_charts(known_cases, town_admin, login_as):
    response = login_as(town_admin).get("/cases/statistics/?date_from=2024-01-01&date_to=2024-02-29")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="thefts_solved">2<' in html
    assert 'data-figure="suspects_caught">6<' in html
    assert 'data-figure="on_time_rate">66.7%<' in html
    assert 'data-figure="median_workdays">7<' in html
    assert response.context["chart_month"] == {"labels": ["2024-01", "2024-02"], "values": [2, 5]}
    assert response.context["chart_kind"]["values"] == [2, 1, 4]
    assert 'id="chart-month"' in html
    assert "<script>" not in html.replace("<script src=", "")  # CSP: no inline script


def test_statistics_page_refuses_a_reversed_period(known_cases, town_admin, login_as):
    response = login_as(town_admin).get("/cases/statistics/?date_from=2024-03-01&date_to=2024-01-01")
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_statistics_page_refused_without_dashboard_permission(who, outsider, client):
    if who == "outsider":
        client.force_login(outsider)
    response = client.get("/cases/statistics/")
    assert response.status_code in (302, 403)
    if who == "outsider":
        assert response.status_code == 403


def test_statistics_api_returns_the_same_figures(known_cases, town_admin, bearer, client):
    response = client.get("/api/cases/statistics/?date_from=2024-01-01&date_to=2024-02-29", headers=bearer(town_admin))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 7
    assert body["thefts_solved"] == 2
    assert body["suspects_caught"] == 6
    assert Decimal(body["on_time_rate"]) == Decimal("66.7")
    assert body["by_month"] == [{"month": "2024-01", "count": 2}, {"month": "2024-02", "count": 5}]


def test_statistics_api_refuses_without_dashboard_permission(outsider, bearer, client):
    response = client.get("/api/cases/statistics/", headers=bearer(outsider))
    assert response.status_code == 403


def test_statistics_api_refuses_a_reversed_period(town_admin, bearer, client):
    response = client.get("/api/cases/statistics/?date_from=2024-03-01&date_to=2024-01-01", headers=bearer(town_admin))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_statistics_page_fills_the_period_inputs_with_the_default_year(town_admin, login_as):
    html = login_as(town_admin).get("/cases/statistics/").content.decode()
    default = statistics.Period.last_12_months()
    assert f'value="{default.date_from.isoformat()}"' in html
    assert f'value="{default.date_to.isoformat()}"' in html
