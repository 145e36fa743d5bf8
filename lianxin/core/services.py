"""Writes to the core tables: the holiday notice for years chinese_calendar does not know (节假日安排)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import acting_as
from .errors import DomainError
from .models import Holiday
from .workdays import KNOWN_LAST_YEAR, is_known_year

MAX_HOLIDAY_SPAN_DAYS = 31


def holiday_add(*, actor, date_from: date, date_to: date | None = None, is_workday: bool, name: str) -> list[Holiday]:
    """Enter one day (or a run of days) of a year's holiday notice.

    Only for years chinese_calendar does not know: within its years the package is authoritative.
    A make-up working day must be a Saturday or Sunday; a date already entered is refused.
    """
    name = name.strip()
    if not name:
        raise DomainError(_("名称不能为空"), field="name")
    date_to = date_to or date_from
    if date_to < date_from:
        raise DomainError(_("结束日期不能早于开始日期"), field="date_to")
    if (date_to - date_from).days >= MAX_HOLIDAY_SPAN_DAYS:
        raise DomainError(
            _("一次最多录入%(days)s天") % {"days": MAX_HOLIDAY_SPAN_DAYS},
            field="date_to",
        )
    days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    for day in days:
        if is_known_year(day.year):
            raise DomainError(
                _("%(year)s年的节假日已由国家节假日数据提供(至%(last)s年),无需录入")
                % {"year": day.year, "last": KNOWN_LAST_YEAR},
                field="date_from",
            )
        if is_workday and day.weekday() < 5:
            raise DomainError(
                _("%(date)s是工作日,调休上班日只能是周六或周日") % {"date": day.isoformat()},
                field="date_from",
            )
    taken = list(Holiday.objects.filter(date__in=days).values_list("date", flat=True))
    if taken:
        raise DomainError(
            _("%(date)s已录入,请先删除原记录") % {"date": min(taken).isoformat()},
            field="date_from",
        )
    with transaction.atomic(), acting_as(actor):
        created = []
        for day in days:
            holiday = Holiday(date=day, is_workday=is_workday, name=name)
            holiday.full_clean()
            holiday.save()
            created.append(holiday)
    return created


def holiday_remove(*, actor, holiday: Holiday) -> None:
    """Remove one entered day; deadlines already stored keep their date (they were computed when set)."""
    with transaction.atomic(), acting_as(actor):
        holiday.delete()
