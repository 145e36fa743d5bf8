from datetime import date

import pytest

from lianxin.core import workdays
from lianxin.core.models import Holiday
from lianxin.core.workdays import (
    KNOWN_LAST_YEAR,
    Deadline,
    WorkdayCounter,
    add_workdays,
    is_provisional,
    is_workday,
    workdays_between,
)

BEYOND = KNOWN_LAST_YEAR + 2  # a year chinese_calendar does not know


def test_spring_festival_2024_holidays_and_make_up_days():
    assert not is_workday(date(2024, 2, 12))  # Monday inside the holiday
    assert is_workday(date(2024, 2, 4))  # make-up Sunday
    assert is_workday(date(2024, 2, 18))  # make-up Saturday
    assert not is_workday(date(2024, 2, 10))


def test_add_workdays_skips_spring_festival_2024():
    # Friday 2024-02-09 is the last working day before the holiday (2024-02-10..17);
    # the next working day is the make-up Sunday 2024-02-18, then Monday 19th ...
    assert add_workdays(date(2024, 2, 9), 1) == Deadline(date(2024, 2, 18), False)
    assert add_workdays(date(2024, 2, 9), 2) == Deadline(date(2024, 2, 19), False)
    # Thursday 2024-02-01 + 3: Fri 2nd, make-up Sun 4th, Mon 5th
    assert add_workdays(date(2024, 2, 1), 3).date == date(2024, 2, 5)


def test_national_day_2024_with_make_up_saturday():
    # National Day 2024-10-01..07; make-up Sunday 2024-09-29 and make-up Saturday 2024-10-12.
    assert is_workday(date(2024, 10, 12))
    assert not is_workday(date(2024, 10, 7))
    # from Monday 2024-09-30: 8th Tue, 9th Wed, 10th Thu, 11th Fri, 12th Sat (make-up)
    assert add_workdays(date(2024, 9, 30), 5) == Deadline(date(2024, 10, 12), False)
    assert workdays_between(date(2024, 9, 27), date(2024, 10, 8)) == 3  # Sun 29, Mon 30, Tue 8


def test_add_workdays_never_counts_the_start_day_and_zero_gives_the_start():
    assert add_workdays(date(2024, 3, 4), 0) == Deadline(date(2024, 3, 4), False)
    assert add_workdays(date(2024, 3, 4), 1).date == date(2024, 3, 5)
    with pytest.raises(ValueError, match="negative"):
        add_workdays(date(2024, 3, 4), -1)


def test_thirty_workday_dispute_limit_across_spring_festival():
    # 2024-02-01 + 30 working days, counted by hand: Feb 2, make-up Sun 4, 5-9 (7); make-up Sun 18,
    # 19-23 (13); 26-29 (17); Mar 1 (18), 4-8 (23), 11-15 (28), 18, 19 (30). Without the holiday
    # rules it would be 2024-03-14.
    deadline = add_workdays(date(2024, 2, 1), 30)
    assert deadline.date == date(2024, 3, 19)
    assert workdays_between(date(2024, 2, 1), deadline.date) == 30


@pytest.mark.django_db
def test_year_beyond_chinese_calendar_falls_back_to_weekends_and_is_provisional():
    monday = date(BEYOND, 1, 1)
    while monday.weekday() != 0:
        monday = monday.replace(day=monday.day + 1)
    assert is_provisional(monday)
    assert is_workday(monday)
    assert not is_workday(date.fromordinal(monday.toordinal() + 5))  # Saturday
    deadline = add_workdays(monday, 5)
    assert deadline == Deadline(date.fromordinal(monday.toordinal() + 7), True)


@pytest.mark.django_db
def test_deadline_crossing_into_an_unknown_year_is_provisional():
    deadline = add_workdays(date(KNOWN_LAST_YEAR, 12, 20), 30)
    assert deadline.date.year == KNOWN_LAST_YEAR + 1
    assert deadline.provisional
    assert not add_workdays(date(KNOWN_LAST_YEAR, 3, 2), 10).provisional


@pytest.mark.django_db
def test_holiday_table_supplies_the_notice_for_an_unknown_year():
    # given a notice entered for BEYOND: a holiday on a weekday and a make-up Saturday
    monday = date(BEYOND, 3, 1)
    while monday.weekday() != 0:
        monday = monday.replace(day=monday.day + 1)
    saturday = date.fromordinal(monday.toordinal() + 5)
    Holiday.objects.create(date=monday, is_workday=False, name="测试假日")
    Holiday.objects.create(date=saturday, is_workday=True, name="调休上班")
    # then
    assert not is_workday(monday)
    assert is_workday(saturday)
    assert not is_provisional(monday)
    assert not is_provisional(date(BEYOND, 12, 31))  # the year has a notice
    friday_before = date.fromordinal(monday.toordinal() - 3)
    # Tue..Fri (4) + make-up Saturday (5)
    assert add_workdays(friday_before, 5) == Deadline(saturday, False)
    assert workdays_between(friday_before, saturday) == 5


@pytest.mark.django_db
def test_table_rows_do_not_override_a_year_chinese_calendar_knows():
    Holiday.objects.create(date=date(2024, 3, 4), is_workday=False, name="误录")
    assert is_workday(date(2024, 3, 4))


def test_workdays_between_counts_the_half_open_interval():
    assert workdays_between(date(2024, 3, 4), date(2024, 3, 4)) == 0
    assert workdays_between(date(2024, 3, 1), date(2024, 3, 4)) == 1  # Fri → Mon
    assert workdays_between(date(2024, 3, 4), date(2024, 3, 1)) == -1
    assert workdays_between(date(2024, 2, 9), date(2024, 2, 19)) == 2


def test_counter_agrees_with_workdays_between():
    counter = WorkdayCounter(date(2023, 12, 1), date(2024, 12, 31))
    pairs = [
        (date(2024, 2, 1), date(2024, 3, 15)),
        (date(2023, 12, 29), date(2024, 1, 2)),
        (date(2024, 5, 1), date(2024, 5, 1)),
    ]
    for start, end in pairs:
        assert counter.between(start, end) == workdays_between(start, end)
    with pytest.raises(ValueError, match="outside"):
        counter.between(date(2023, 1, 1), date(2024, 1, 1))


def test_known_year_range_matches_the_package():
    import chinese_calendar

    assert workdays.is_known_year(KNOWN_LAST_YEAR)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(KNOWN_LAST_YEAR + 1, 6, 1))
