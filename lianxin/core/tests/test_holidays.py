"""The holiday notice page (节假日安排) for years chinese_calendar does not know."""

from datetime import date, timedelta

import pytest

from lianxin.core.errors import DomainError
from lianxin.core.models import Holiday
from lianxin.core.services import holiday_add
from lianxin.core.workdays import KNOWN_LAST_YEAR, add_workdays, is_provisional, is_workday

BEYOND = KNOWN_LAST_YEAR + 1


def first_weekday(year: int, month: int, weekday: int) -> date:
    day = date(year, month, 1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


@pytest.fixture
def admin_client(system_admin, login_as):
    return login_as(system_admin)


def test_admin_enters_a_holiday_run_and_deadlines_follow(admin_client):
    monday = first_weekday(BEYOND, 5, 0)
    assert is_provisional(monday)
    response = admin_client.post(
        "/holidays/",
        {
            "date_from": monday.isoformat(),
            "date_to": (monday + timedelta(days=2)).isoformat(),
            "kind": "holiday",
            "name": "劳动节",
        },
    )
    assert response.status_code == 302
    assert Holiday.objects.count() == 3
    assert not is_workday(monday)
    assert not is_provisional(monday)
    friday_before = monday - timedelta(days=3)
    assert add_workdays(friday_before, 1).date == monday + timedelta(days=3)  # Thursday
    page = admin_client.get("/holidays/").content.decode()
    assert "劳动节" in page


def test_make_up_workday_must_be_a_weekend_day(admin_client):
    tuesday = first_weekday(BEYOND, 9, 1)
    response = admin_client.post("/holidays/", {"date_from": tuesday.isoformat(), "kind": "workday", "name": "调休"})
    assert response.status_code == 400
    assert "调休上班日只能是周六或周日" in response.content.decode()
    assert Holiday.objects.count() == 0


def test_years_chinese_calendar_knows_are_refused(admin_client):
    response = admin_client.post("/holidays/", {"date_from": "2024-05-01", "kind": "holiday", "name": "劳动节"})
    assert response.status_code == 400
    assert "无需录入" in response.content.decode()


def test_duplicate_day_is_refused_and_nothing_is_half_written(system_admin):
    saturday = first_weekday(BEYOND, 10, 5)
    holiday_add(actor=system_admin, date_from=saturday, is_workday=False, name="国庆节")
    with pytest.raises(DomainError, match="已录入"):
        holiday_add(
            actor=system_admin,
            date_from=saturday - timedelta(days=1),
            date_to=saturday,
            is_workday=False,
            name="国庆节",
        )
    assert Holiday.objects.count() == 1


def test_admin_removes_a_row(admin_client, system_admin):
    saturday = first_weekday(BEYOND, 2, 5)
    (holiday,) = holiday_add(actor=system_admin, date_from=saturday, is_workday=True, name="春节调休")
    assert is_workday(saturday)
    response = admin_client.post(f"/holidays/{holiday.pk}/delete/")
    assert response.status_code == 302
    assert not is_workday(saturday)


def test_working_group_may_edit(working_group_member, login_as):
    response = login_as(working_group_member).post(
        "/holidays/", {"date_from": first_weekday(BEYOND, 1, 0).isoformat(), "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("user_fixture", ["village_a_clerk", "town_admin", "outsider"])
def test_other_roles_cannot_see_or_edit(user_fixture, request, login_as):
    client = login_as(request.getfixturevalue(user_fixture))
    assert client.get("/holidays/").status_code == 403
    day = first_weekday(BEYOND, 1, 0).isoformat()
    assert client.post("/holidays/", {"date_from": day, "kind": "holiday", "name": "元旦"}).status_code == 403
    assert Holiday.objects.count() == 0


def test_audit_trail_names_the_actor(system_admin):
    from auditlog.models import LogEntry

    holiday_add(actor=system_admin, date_from=first_weekday(BEYOND, 4, 0), is_workday=False, name="清明节")
    entry = LogEntry.objects.get_for_model(Holiday).get()
    assert entry.actor == system_admin
