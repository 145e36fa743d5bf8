"""Reporting periods (统计期间): a month, a quarter, a half-year, a year, or any range of days.

Written the way scripts and URLs name them: ``2026`` (year), ``2026-H1`` (first half), ``2026-Q3``
(third quarter), ``2026-07`` (July) and ``2026-01-15..2026-03-31`` (a custom range, both days
included). Each period knows the one before it (环比: the previous month, quarter, half or year;
for a custom range the same number of days just before it) and the same period a year earlier
(同比; 29 February becomes 28 February).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

YEAR, HALF, QUARTER, MONTH, CUSTOM = "year", "half", "quarter", "month", "custom"
KINDS = (YEAR, HALF, QUARTER, MONTH, CUSTOM)
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_CUSTOM_DAYS = 366 * 10 + 3

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


class PeriodError(ValueError):
    """A period text that cannot be read; the message says what is accepted, in Chinese."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    kind: str
    date_from: date
    date_to: date

    # --- constructors ---------------------------------------------------------------------------
    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls(HALF, date(year, 1 if half == 1 else 7, 1), date(year, 6, 30) if half == 1 else date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(QUARTER, date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, date(year, month, 1), _month_end(year, month))

    @classmethod
    def custom(cls, date_from: date, date_to: date) -> Period:
        if date_to < date_from:
            raise PeriodError(_("期间的结束日期不能早于开始日期"))
        if (date_to - date_from).days > MAX_CUSTOM_DAYS:
            raise PeriodError(_("自定义期间不能超过10年"))
        return cls(CUSTOM, date_from, date_to)

    @classmethod
    def last_12_months(cls, today: date | None = None) -> Period:
        """The rolling year up to today (近一年): a year ago tomorrow through today."""
        today = today or timezone.localdate()
        return cls.custom(_shift_year(today, -1) + timedelta(days=1), today)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026``, ``2026-H1``, ``2026-Q3``, ``2026-07`` or ``2026-01-15..2026-03-31``."""
        text = (text or "").strip()
        try:
            if m := _YEAR.match(text):
                return cls.year(cls._year(m[1]))
            if m := _HALF.match(text):
                return cls.half(cls._year(m[1]), int(m[2]))
            if m := _QUARTER.match(text):
                return cls.quarter(cls._year(m[1]), int(m[2]))
            if m := _MONTH.match(text):
                month = int(m[2])
                if not 1 <= month <= 12:
                    raise PeriodError(_("月份应在1至12之间:%(text)s") % {"text": text})
                return cls.month(cls._year(m[1]), month)
            if m := _CUSTOM.match(text):
                try:
                    start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
                except ValueError as exc:
                    raise PeriodError(_("日期不存在:%(text)s") % {"text": text}) from exc
                cls._year(str(start.year)), cls._year(str(end.year))
                return cls.custom(start, end)
        except PeriodError:
            raise
        raise PeriodError(
            _(
                "无法识别的统计期间“%(text)s”;应写作 2026(年)、2026-H1(半年)、2026-Q3(季度)、2026-07(月)或 2026-01-01..2026-03-31(自定义)"
            )
            % {"text": text[:40]}
        )

    @staticmethod
    def _year(text: str) -> int:
        year = int(text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(_("年份应在%(min)d至%(max)d之间") % {"min": MIN_YEAR, "max": MAX_YEAR})
        return year

    # --- names ----------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """The text ``parse`` reads back."""
        y = self.date_from.year
        if self.kind == YEAR:
            return f"{y}"
        if self.kind == HALF:
            return f"{y}-H{1 if self.date_from.month == 1 else 2}"
        if self.kind == QUARTER:
            return f"{y}-Q{(self.date_from.month - 1) // 3 + 1}"
        if self.kind == MONTH:
            return f"{y}-{self.date_from.month:02d}"
        return f"{self.date_from.isoformat()}..{self.date_to.isoformat()}"

    @property
    def label(self) -> str:
        """As a report heads it: 2026年, 2026年上半年, 2026年第三季度, 2026年7月, 2026年1月15日至3月31日."""
        y = self.date_from.year
        if self.kind == YEAR:
            return _("%(y)d年") % {"y": y}
        if self.kind == HALF:
            return (_("%(y)d年上半年") if self.date_from.month == 1 else _("%(y)d年下半年")) % {"y": y}
        if self.kind == QUARTER:
            q = (self.date_from.month - 1) // 3 + 1
            return _("%(y)d年第%(q)s季度") % {"y": y, "q": _QUARTER_NAMES[q]}
        if self.kind == MONTH:
            return _("%(y)d年%(m)d月") % {"y": y, "m": self.date_from.month}
        start, end = self.date_from, self.date_to
        if start.year == end.year:
            return _("%(y)d年%(m1)d月%(d1)d日至%(m2)d月%(d2)d日") % {
                "y": start.year,
                "m1": start.month,
                "d1": start.day,
                "m2": end.month,
                "d2": end.day,
            }
        return _("%(y1)d年%(m1)d月%(d1)d日至%(y2)d年%(m2)d月%(d2)d日") % {
            "y1": start.year,
            "m1": start.month,
            "d1": start.day,
            "y2": end.year,
            "m2": end.month,
            "d2": end.day,
        }

    def __str__(self) -> str:
        return self.code

    # --- comparison -----------------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before (环比): previous year, half, quarter or month; for a custom range the
        same number of days ending the day before it starts."""
        start = self.date_from
        if self.kind == YEAR:
            return Period.year(start.year - 1)
        if self.kind == HALF:
            return Period.half(start.year, 1) if start.month == 7 else Period.half(start.year - 1, 2)
        if self.kind == QUARTER:
            q = (start.month - 1) // 3 + 1
            return Period.quarter(start.year, q - 1) if q > 1 else Period.quarter(start.year - 1, 4)
        if self.kind == MONTH:
            return Period.month(start.year, start.month - 1) if start.month > 1 else Period.month(start.year - 1, 12)
        days = (self.date_to - self.date_from).days
        end = self.date_from - timedelta(days=1)
        return Period(CUSTOM, end - timedelta(days=days), end)

    def same_period_last_year(self) -> Period:
        """The same period one year earlier (同比)."""
        start = self.date_from
        if self.kind == YEAR:
            return Period.year(start.year - 1)
        if self.kind == HALF:
            return Period.half(start.year - 1, 1 if start.month == 1 else 2)
        if self.kind == QUARTER:
            return Period.quarter(start.year - 1, (start.month - 1) // 3 + 1)
        if self.kind == MONTH:
            return Period.month(start.year - 1, start.month)
        return Period(CUSTOM, _shift_year(self.date_from, -1), _shift_year(self.date_to, -1))

    # --- for queries ----------------------------------------------------------------------------
    @property
    def start(self) -> datetime:
        """Midnight (local time) starting ``date_from``."""
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive upper bound: local midnight after ``date_to``."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def __contains__(self, day: date) -> bool:
        return self.date_from <= day <= self.date_to


def period_choices(today: date | None = None) -> list[tuple[str, str]]:
    """The quick choices a period picker offers: the rolling year, this and last year, the halves,
    quarters and months of this year so far."""
    today = today or timezone.localdate()
    this_year = today.year
    choices: list[Period] = [Period.last_12_months(today), Period.year(this_year), Period.year(this_year - 1)]
    choices += [Period.half(this_year, h) for h in (1, 2) if date(this_year, 1 if h == 1 else 7, 1) <= today]
    choices += [Period.quarter(this_year, q) for q in range(1, 5) if date(this_year, 3 * q - 2, 1) <= today]
    choices += [Period.month(this_year, m) for m in range(today.month, 0, -1)]
    labelled = [(p.code, p.label) for p in choices]
    labelled[0] = (labelled[0][0], _("近一年(%(label)s)") % {"label": labelled[0][1]})
    return labelled


def period_from_param(text: str | None, *, default: Period | None = None) -> tuple[Period, str | None]:
    """The period a query string names, and an error message when it names a bad one (then the
    default: the rolling year)."""
    fallback = default or Period.last_12_months()
    if not text:
        return fallback, None
    try:
        return Period.parse(text), None
    except PeriodError as exc:
        return fallback, str(exc)
