"""The 待办 inbox: what is waiting for a user, gathered from every app through a small registry.

Core imports no domain app (STYLE.md). Each app registers its providers in ``AppConfig.ready()``::

    from lianxin.core import inbox
    inbox.register(DeadlinesProvider())

A provider is one section of the inbox page (a title and rows, each with a link and a clock) and a
count for the navbar badge. No notification table: every provider is a selector over the ledgers
themselves (a case's stored deadline, a pending hand-over proposal…), so the inbox can never disagree
with them and needs no clean-up. ``applies`` checks permissions only (no query), so a user pays only
for the providers of their role; ``count`` must stay cheap (capped counts on an index).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from .workdays import add_workdays

DUE_SOON_WORKDAYS = 2
BADGE_CAP = 99
PAGE_ROWS = 200  # rows per section on the inbox page
HOME_ROWS = 5  # rows per section on the home page


def due_soon_limit(today: date | None = None) -> date:
    """The last day that still counts as "due soon": two working days after today."""
    return add_workdays(today or timezone.localdate(), DUE_SOON_WORKDAYS).date


@dataclass
class InboxAction:
    """A one-click form on a row (e.g. 受理): POSTed to ``url`` with ``fields``."""

    url: str
    label: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class InboxRow:
    """One thing waiting: what (``number``, ``title``, ``detail``), where to act (``url``), and its clock:
    the due date or the day it started waiting (``clock``), said in words (``clock_text``)."""

    title: str
    url: str
    number: str = ""
    detail: str = ""
    clock: date | None = None
    clock_text: str = ""
    overdue: bool = False
    provisional: bool = False
    action: InboxAction | None = None


@dataclass
class InboxSection:
    key: str
    title: str
    description: str
    rows: list[InboxRow]
    count: int
    empty_text: str = ""

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


class InboxProvider:
    """One section of the inbox. Subclasses set ``key``, ``title`` and implement ``applies``, ``rows`` and
    ``count`` (keyword arguments ``user``, ``today`` and ``limit``/``cap``)."""

    key: str = ""
    title = ""
    description = ""
    empty_text = ""
    order = 100

    def applies(self, user) -> bool:  # permission checks only: runs on every page
        raise NotImplementedError

    def description_for(self, user) -> str:
        return str(self.description)

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        raise NotImplementedError

    def count(self, *, user, today: date, cap: int) -> int:
        """How many rows there are, counting at most ``cap`` + 1 (the badge says "99+")."""
        return len(self.rows(user=user, today=today, limit=cap + 1))


_providers: dict[str, InboxProvider] = {}


def register(provider: InboxProvider) -> InboxProvider:
    """Add (or replace, by key) a provider; called from an app's ``ready()``."""
    if not provider.key:
        raise ValueError("an inbox provider needs a key")
    _providers[provider.key] = provider
    return provider


def providers() -> list[InboxProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


def provider(key: str) -> InboxProvider | None:
    return _providers.get(key)


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def providers_for(user) -> list[InboxProvider]:
    if not _active(user):
        return []
    return [p for p in providers() if p.applies(user)]


def has_inbox(user) -> bool:
    """Whether the user's role has any 待办 at all (the menu entry and the page)."""
    return bool(providers_for(user))


def sections(*, user, today: date | None = None, limit: int = PAGE_ROWS, keys=None) -> list[InboxSection]:
    """The user's inbox, one section per provider of their role (empty ones included: "nothing waiting")."""
    today = today or timezone.localdate()
    result = []
    for p in providers_for(user):
        if keys is not None and p.key not in keys:
            continue
        rows = p.rows(user=user, today=today, limit=limit + 1)
        count = len(rows) if len(rows) <= limit else p.count(user=user, today=today, cap=max(limit, BADGE_CAP))
        result.append(
            InboxSection(
                key=p.key,
                title=str(p.title),
                description=p.description_for(user),
                rows=rows[:limit],
                count=count,
                empty_text=str(p.empty_text),
            )
        )
    return result


def inbox_count(user, today: date | None = None) -> int:
    """Everything waiting for the user, each provider counting at most ``BADGE_CAP`` + 1 rows."""
    today = today or timezone.localdate()
    return sum(p.count(user=user, today=today, cap=BADGE_CAP) for p in providers_for(user))


def inbox_badge(user, today: date | None = None) -> str:
    """The navbar count: "" when nothing waits, "99+" past the cap."""
    count = inbox_count(user, today)
    if not count:
        return ""
    return f"{BADGE_CAP}+" if count > BADGE_CAP else str(count)
