"""Chinese statutory working days (法定工作日): weekends, the State Council's holidays and make-up workdays.

The ``chinese_calendar`` package knows the years up to its release and raises
``NotImplementedError`` beyond them. For those years the administrator-editable ``core.Holiday``
table supplies the holiday notice; a year with no row there falls back to plain weekends and every
deadline that counts a day of it is *provisional* (暂定) until the notice is entered.

Within the years ``chinese_calendar`` knows, the package is authoritative and the table is not
consulted (the holiday page refuses rows for those years), so a deadline computed today stays
computed the same way tomorrow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar
from chinese_calendar import constants as _cc_constants


class Deadline(NamedTuple):
    date: date
    provisional: bool


def _known_years() -> tuple[int, int]:
    years = {d.year for d in _cc_constants.holidays} | {d.year for d in _cc_constants.workdays}
    return min(years), max(years)


KNOWN_FIRST_YEAR, KNOWN_LAST_YEAR = _known_years()


def is_known_year(year: int) -> bool:
    """Whether ``chinese_calendar`` carries the State Council's notice for ``year``."""
    return KNOWN_FIRST_YEAR <= year <= KNOWN_LAST_YEAR


@lru_cache(maxsize=64)
def _known_flags(year: int) -> tuple[bool, ...]:
    """Working-day flag of every day of a year chinese_calendar knows (index = day of year - 1)."""
    day = date(year, 1, 1)
    flags = []
    while day.year == year:
        flags.append(chinese_calendar.is_workday(day))
        day += timedelta(days=1)
    return tuple(flags)


class _Calendar:
    """One computation's view of the calendar; loads the holiday table once per unknown year."""

    def __init__(self) -> None:
        self._table: dict[int, dict[date, bool]] = {}

    def _table_year(self, year: int) -> dict[date, bool]:
        rows = self._table.get(year)
        if rows is None:
            from .models import Holiday  # the model module imports nothing from here

            rows = dict(
                Holiday.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)).values_list(
                    "date", "is_workday"
                )
            )
            self._table[year] = rows
        return rows

    def preload(self, years: Iterable[int]) -> None:
        """Load the table rows of several unknown years in one query."""
        from .models import Holiday

        missing = sorted({y for y in years if not is_known_year(y) and y not in self._table})
        if not missing:
            return
        for y in missing:
            self._table[y] = {}
        for day, workday in Holiday.objects.filter(
            date__gte=date(missing[0], 1, 1), date__lte=date(missing[-1], 12, 31)
        ).values_list("date", "is_workday"):
            if day.year in self._table:
                self._table[day.year][day] = workday

    def is_workday(self, day: date) -> bool:
        if is_known_year(day.year):
            return _known_flags(day.year)[day.timetuple().tm_yday - 1]
        rows = self._table_year(day.year)
        if day in rows:
            return rows[day]
        return day.weekday() < 5

    def is_provisional(self, day: date) -> bool:
        return not is_known_year(day.year) and not self._table_year(day.year)


def is_workday(day: date) -> bool:
    """Whether people work on ``day`` (a make-up Saturday is a working day, a holiday Monday is not)."""
    return _Calendar().is_workday(day)


def is_provisional(day: date) -> bool:
    """True when ``day`` lies in a year neither chinese_calendar nor the holiday table knows (weekends only)."""
    return _Calendar().is_provisional(day)


def add_workdays(start: date, n: int) -> Deadline:
    """The ``n``-th working day after ``start`` (``start`` itself is never counted; n=0 gives ``start``).

    The result is provisional when any day walked over lies in a year for which only the weekend
    rule is known.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = _Calendar()
    day = start
    provisional = False
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
        if not provisional and calendar.is_provisional(day):
            provisional = True
    return Deadline(day, provisional)


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]: 0 for the same day, negative when ``end`` is before ``start``."""
    if end < start:
        return -workdays_between(end, start)
    return WorkdayCounter(start, end).between(start, end)


class WorkdayCounter:
    """Working days between many pairs of dates in one range, at one list lookup per pair.

    Statistics over thousands of cases (median handling time) build one counter for the period
    instead of walking the calendar per case.
    """

    def __init__(self, first: date, last: date) -> None:
        if last < first:
            first, last = last, first
        calendar = _Calendar()
        calendar.preload(range(first.year, last.year + 1))
        self.first = first
        self.last = last
        cumulative = [0]
        day = first
        total = 0
        while day < last:
            day += timedelta(days=1)
            total += calendar.is_workday(day)
            cumulative.append(total)
        # cumulative[i] = working days in (first, first + i]
        self._cumulative = cumulative

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]; both dates must lie within the counter's range."""
        if not (self.first <= start <= self.last and self.first <= end <= self.last):
            raise ValueError("date outside the counter's range")
        return self._cumulative[(end - self.first).days] - self._cumulative[(start - self.first).days]
