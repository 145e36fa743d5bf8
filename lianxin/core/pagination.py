"""Keyset paging: the same cost on page 1 and page 10,000, and no COUNT(*) on big tables."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    next_cursor: int | None
    previous_cursor: int | None
    is_first: bool


def _cursor(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def keyset_page(
    qs: QuerySet[M], *, after: str | None = None, before: str | None = None, size: int = 50
) -> KeysetPage[M]:
    """Newest first, by primary key. ``after``/``before`` are the ids at the page edges."""
    after_id, before_id = _cursor(after), _cursor(before)
    if before_id is not None:
        rows = list(qs.filter(pk__gt=before_id).order_by("pk")[: size + 1])
        has_newer = len(rows) > size
        items = list(reversed(rows[:size]))
        return KeysetPage(
            items=items,
            next_cursor=items[-1].pk if items else None,
            previous_cursor=items[0].pk if items and has_newer else None,
            is_first=not has_newer,
        )
    if after_id is not None:
        qs = qs.filter(pk__lt=after_id)
    rows = list(qs.order_by("-pk")[: size + 1])
    items = rows[:size]
    return KeysetPage(
        items=items,
        next_cursor=items[-1].pk if len(rows) > size else None,
        previous_cursor=items[0].pk if items and after_id is not None else None,
        is_first=after_id is None,
    )
