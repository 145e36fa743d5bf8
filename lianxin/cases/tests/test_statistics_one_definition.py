"""The statistics page tells one story (issue 10, item 10): one definition of overdue, one date filter for
every table, unknown parameters ignored, one number format."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.cases import statistics
from lianxin.cases.models import Case

from .test_statistics import at, make_case

State = Case.State


@pytest.fixture
def late_cases(village_a, working_group_member):
    today = timezone.localdate()
    running = {"state": State.IN_PROGRESS, "assignee": working_group_member}
    recent = today - timedelta(days=40)
    return {
        "late_recent": make_case(village_a, **running, due_on=today - timedelta(days=5), registered=recent),
        "late_recent_2": make_case(village_a, **running, due_on=today - timedelta(days=1), registered=recent),
        "late_old": make_case(village_a, **running, due_on=date(2023, 3, 1), registered=date(2023, 1, 10)),
        "suspended": make_case(
            village_a,
            state=State.SUSPENDED,
            assignee=working_group_member,
            due_on=today - timedelta(days=9),
            registered=recent,
        ),
    }


def figures(client, **params) -> dict:
    context = client.get(reverse("cases:statistics"), params).context
    return {
        "overdue_total": context["overdue_total"],
        "load_overdue": sum(row.overdue for row in context["load"]),
        "load_open": sum(row.open for row in context["load"]),
        "listed": len(context["overdue"]),
        "period": (context["period"].date_from, context["period"].date_to),
    }


def test_a_county_viewer_sees_the_same_overdue_count_in_both_tables(late_cases, county, make_user, login_as):
    viewer = make_user("county_view", Role.COUNTY_VIEWER, scope_region=county)
    client = login_as(viewer)
    shown = figures(client)
    assert shown["overdue_total"] == shown["load_overdue"] == 2
    html = client.get(reverse("cases:statistics")).content.decode()
    assert "没有超期案件" not in html  # the count is 2: never "none" beside it


def test_the_date_filter_applies_to_every_table(late_cases, town_admin, login_as):
    client = login_as(town_admin)
    this_year = figures(client)
    assert (this_year["overdue_total"], this_year["load_overdue"], this_year["listed"]) == (2, 2, 2)
    assert this_year["load_open"] == 3  # the suspended case is open but never overdue
    old = figures(client, date_from="2023-01-01", date_to="2023-12-31")
    assert (old["overdue_total"], old["load_overdue"], old["listed"], old["load_open"]) == (1, 1, 1, 1)


def test_unknown_parameters_keep_the_default_period(town_admin, login_as):
    client = login_as(town_admin)
    default = statistics.Period.last_12_months()
    assert figures(client, foo="1")["period"] == (default.date_from, default.date_to)
    html = client.get(reverse("cases:statistics"), {"utm": "x"}).content.decode()
    assert "2000-01-01" not in html
    # a bad date is ignored and named; the other date still counts
    response = client.get(reverse("cases:statistics"), {"date_from": "2026-13-45", "date_to": "2024-06-30"})
    assert response.context["period"].date_to == date(2024, 6, 30)
    assert response.context["period"].date_from == date(2023, 7, 1)
    assert "登记日期自" in response.content.decode().split('data-testid="period-form"')[1].split("</form>")[0]


@pytest.mark.parametrize("cases", [1, 2])
def test_a_median_of_ten_reads_the_same_whatever_the_count(cases, village_a, town_admin, login_as):
    # accepted Monday 2024-03-04, resolved ten working days later (Monday 2024-03-18): each case takes 10
    for _i in range(cases):
        make_case(
            village_a,
            state=State.RESOLVED,
            accepted_on=date(2024, 3, 4),
            resolved_at=at(date(2024, 3, 18)),
            registered=date(2024, 3, 4),
        )
    period = statistics.Period(date(2024, 1, 1), date(2024, 12, 31))
    assert statistics.case_statistics(user=town_admin, period=period).median_workdays == Decimal("10.0")
    html = login_as(town_admin).get(reverse("cases:statistics"), {"date_from": "2024-01-01", "date_to": "2024-12-31"})
    assert 'data-figure="median_workdays">10<' in html.content.decode()


def test_a_suspended_case_past_its_deadline_is_not_overdue_anywhere(late_cases, working_group_member, login_as):
    suspended = late_cases["suspended"]
    client = login_as(working_group_member)
    detail = client.get(reverse("cases:case-detail", args=[suspended.pk])).content.decode()
    assert ">超期<" not in detail
    listed = client.get(reverse("cases:case-list"), {"overdue": "1"}).context["page"].items
    assert suspended.pk not in [c.pk for c in listed]
