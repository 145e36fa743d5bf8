"""The deadline inbox (待办提醒): cases due within two working days and overdue cases.

No notification table: the inbox is a selector over the cases' stored deadline ``due_on`` (one index
range scan), so it can never disagree with the cases themselves and needs no clean-up. An assignee (and
co-handler) sees their own cases; a township leader sees every such case in their jurisdiction.
The daily e-mail (``send_deadline_reminders``) sends the same list.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from lianxin.accounts.roles import Role

from .workdays import add_workdays

DUE_SOON_WORKDAYS = 2
BADGE_CAP = 99


def _cases():
    from lianxin.cases.models import Case

    return Case


def is_leader(user) -> bool:
    return getattr(user, "role", "") == Role.TOWNSHIP_LEADER


def due_soon_limit(today: date | None = None) -> date:
    """The last day that still counts as "due soon": two working days after today."""
    return add_workdays(today or timezone.localdate(), DUE_SOON_WORKDAYS).date


def _inbox_querysets(user, today: date) -> list[QuerySet]:
    """The inbox as one or two index-driven queries.

    A leader's is one range scan on (state, due_on). A handler's is split in two, the cases they are
    assignee of (index on assignee, state, due_on) and those they co-handle (a few primary keys):
    an OR of the two would make the database walk every due case of the township to find a handler's.
    """
    from lianxin.cases.models import CLOCK_STATES
    from lianxin.cases.selectors import case_visible_to

    Case = _cases()
    if user is None or not user.is_authenticated or not user.has_perm("cases.view_case"):
        return []
    qs = case_visible_to(user).filter(state__in=CLOCK_STATES, due_on__lte=due_soon_limit(today))
    if is_leader(user):
        return [qs]
    co_handled = Case.co_handlers.through.objects.filter(user_id=user.pk).values("case_id")
    return [qs.filter(assignee_id=user.pk), qs.filter(pk__in=co_handled).exclude(assignee_id=user.pk)]


def inbox_cases(*, user, today: date | None = None, limit: int = 500) -> list:
    """Open cases with a running clock due by ``due_soon_limit`` (overdue ones included), earliest first."""
    today = today or timezone.localdate()
    rows = []
    for qs in _inbox_querysets(user, today):
        rows.extend(qs.select_related("region", "assignee").order_by("due_on", "id")[:limit])
    rows.sort(key=lambda case: (case.due_on, case.pk))
    return rows[:limit]


def inbox_badge(user, today: date | None = None) -> str:
    """The navbar count: at most ``BADGE_CAP`` + 1 rows are counted per query, so the badge stays cheap."""
    today = today or timezone.localdate()
    count = sum(qs.order_by()[: BADGE_CAP + 1].count() for qs in _inbox_querysets(user, today))
    if not count:
        return ""
    return f"{BADGE_CAP}+" if count > BADGE_CAP else str(count)
