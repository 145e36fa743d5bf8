"""Reporting periods: how scripts name them, their boundaries (month and quarter ends, leap years), the
period before (环比) and the same period a year earlier (同比)."""

from datetime import date

import pytest

from lianxin.reports.periods import Period, PeriodError, period_choices


@pytest.mark.parametrize(
    ("text", "start", "end", "code", "label"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026", "2026年"),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), "2026-H1", "2026年上半年"),
        ("2026h2", date(2026, 7, 1), date(2026, 12, 31), "2026-H2", "2026年下半年"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1", "2026年第一季度"),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "2026-Q2", "2026年第二季度"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q3", "2026年第三季度"),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4", "2026年第四季度"),
        ("2026-07", date(2026, 7, 1), date(2026, 7, 31), "2026-07", "2026年7月"),
        ("2026-4", date(2026, 4, 1), date(2026, 4, 30), "2026-04", "2026年4月"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02", "2024年2月"),  # leap year
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026-02", "2026年2月"),
        ("2100-02", date(2100, 2, 1), date(2100, 2, 28), "2100-02", "2100年2月"),  # not a leap year
        (
            "2026-01-15..2026-03-31",
            date(2026, 1, 15),
            date(2026, 3, 31),
            "2026-01-15..2026-03-31",
            "2026年1月15日至3月31日",
        ),
        (
            "2025-12-04..2026-12-03",
            date(2025, 12, 4),
            date(2026, 12, 3),
            "2025-12-04..2026-12-03",
            "2025年12月4日至2026年12月3日",
        ),
    ],
)
def test_period_texts_name_their_days(text, start, end, code, label):
    period = Period.parse(text)

    assert (period.date_from, period.date_to) == (start, end)
    assert period.code == code
    assert period.label == label
    assert Period.parse(period.code) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "无法识别的统计期间"),
        ("2026-13", "月份应在1至12之间"),
        ("2026-00", "月份应在1至12之间"),
        ("2026-Q5", "无法识别的统计期间"),
        ("1900", "年份应在"),
        ("2026-02-30..2026-03-01", "日期不存在"),
        ("2026-03-01..2026-02-01", "结束日期不能早于开始日期"),
        ("2000-01-01..2026-01-01", "不能超过10年"),
        ("last year", "无法识别的统计期间"),
    ],
)
def test_bad_period_texts_are_refused_in_chinese(text, message):
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)


@pytest.mark.parametrize(
    ("text", "previous", "last_year"),
    [
        ("2026", "2025", "2025"),
        ("2026-H1", "2025-H2", "2025-H1"),
        ("2026-H2", "2026-H1", "2025-H2"),
        ("2026-Q1", "2025-Q4", "2025-Q1"),
        ("2026-Q3", "2026-Q2", "2025-Q3"),
        ("2026-01", "2025-12", "2025-01"),
        ("2026-03", "2026-02", "2025-03"),
        ("2024-03", "2024-02", "2023-03"),
        # custom: the same number of days just before; last year shifts both ends (29 Feb → 28 Feb)
        ("2026-03-01..2026-03-10", "2026-02-19..2026-02-28", "2025-03-01..2025-03-10"),
        ("2024-02-29..2024-03-31", "2024-01-28..2024-02-28", "2023-02-28..2023-03-31"),
        ("2025-03-01..2025-03-31", "2025-01-29..2025-02-28", "2024-03-01..2024-03-31"),
    ],
)
def test_previous_and_same_period_last_year(text, previous, last_year):
    period = Period.parse(text)

    assert period.previous().code == previous
    assert period.same_period_last_year().code == last_year
    if period.kind == "custom":
        assert period.previous().days == period.days
        assert period.previous().date_to.toordinal() == period.date_from.toordinal() - 1


def test_period_bounds_cover_whole_local_days():
    period = Period.parse("2026-02")

    assert period.start.isoformat().startswith("2026-02-01T00:00:00")
    assert period.end.isoformat().startswith("2026-03-01T00:00:00")
    assert period.days == 28
    assert date(2026, 2, 28) in period
    assert date(2026, 3, 1) not in period


def test_rolling_year_from_a_leap_day():
    period = Period.last_12_months(date(2024, 2, 29))

    assert (period.date_from, period.date_to) == (date(2023, 3, 1), date(2024, 2, 29))


def test_quick_choices_start_with_the_rolling_year_and_hold_this_year_so_far():
    choices = dict(period_choices(date(2026, 8, 15)))

    assert list(choices)[0] == "2025-08-16..2026-08-15"
    assert {"2026", "2025", "2026-H1", "2026-H2", "2026-Q3", "2026-08", "2026-01"} <= set(choices)
    assert "2026-Q4" not in choices
    assert "2026-09" not in choices
