"""Keyset paging: the same cost on page 1 and page 10,000, and no COUNT(*) on big tables."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    next_cursor: int | str | None
    previous_cursor: int | str | None
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


# --- keyset paging over an ordering other than the primary key -----------------------------------------


@dataclass(frozen=True)
class Segment:
    """Rows of ``qs`` ordered by (``key``, pk), ascending or descending; ``key`` None orders by pk alone.
    ``key`` must be a non-null column within the segment (filter the nulls into another segment).

    ``parts``, when given, are querysets whose union is ``qs``: a page takes its rows from each part in
    index order and merges them (``state IN (a, b, c) ORDER BY due_on`` cannot walk an index on
    (state, due_on) in order; ``state = a ORDER BY due_on`` can, three times)."""

    qs: QuerySet
    key: str | None = None
    descending: bool = True
    parts: tuple = ()


def _after(segment: Segment, value, pk: int, *, forward: bool) -> QuerySet:
    """Rows of the segment past (value, pk) in its order (``forward``), or before it."""
    greater = segment.descending != forward  # ascending + forward, or descending + backward
    op = "gt" if greater else "lt"
    if segment.key is None:
        return segment.qs.filter(**{f"pk__{op}": pk})
    return segment.qs.filter(Q(**{f"{segment.key}__{op}": value}) | Q(**{segment.key: value, f"pk__{op}": pk}))


def _ordered(segment: Segment, *, forward: bool) -> QuerySet:
    descending = segment.descending == forward
    sign = "-" if descending else ""
    fields = [f"{sign}{segment.key}"] if segment.key else []
    return segment.qs.order_by(*fields, f"{sign}pk")


def _encode(index: int, segment: Segment, row) -> str:
    value = getattr(row, segment.key) if segment.key else ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"{index}~{text}~{row.pk}"


def _decode(cursor: str | None, segments: list[Segment]) -> tuple[int, object, int] | None:
    """(segment, key value, pk) from a cursor; None for anything malformed (the first page is shown)."""
    if not cursor:
        return None
    if cursor.isdigit() and len(cursor) < 19:
        # A bare id (the cursor of ``keyset_page``, old links): a place in the last segment ordered by id.
        plain = [i for i, segment in enumerate(segments) if segment.key is None]
        return (plain[-1], None, int(cursor)) if plain else None
    parts = cursor.split("~")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit() or len(cursor) > 100:
        return None
    index, pk = int(parts[0]), int(parts[2])
    if index >= len(segments) or pk > 2**63 - 1:
        return None
    segment = segments[index]
    if segment.key is None:
        return index, None, pk
    try:
        value = segment.qs.model._meta.get_field(segment.key).to_python(parts[1])
    except (ValidationError, ValueError, TypeError):
        return None
    return (index, value, pk) if value is not None else None


def _fetch(segment: Segment, cursor: tuple | None, *, forward: bool, limit: int) -> list:
    """Up to ``limit`` rows of the segment in page order (backwards when not ``forward``), past ``cursor``."""
    rows: list = []
    for part in segment.parts or (segment.qs,):
        piece = Segment(part, segment.key, segment.descending)
        if cursor is not None:
            piece = Segment(_after(piece, cursor[0], cursor[1], forward=forward), segment.key, segment.descending)
        rows.extend(_ordered(piece, forward=forward)[:limit])
    if segment.parts:
        key = segment.key
        rows.sort(key=lambda r: (getattr(r, key), r.pk) if key else r.pk, reverse=segment.descending == forward)
    return rows[:limit]


def segmented_keyset_page(
    segments: list[Segment], *, after: str | None = None, before: str | None = None, size: int = 50
) -> KeysetPage:
    """Keyset paging through ``segments`` one after the other (e.g. running clocks by deadline, then the
    rest newest first). Cursors are strings naming the segment, key and id of the row at a page's edge;
    each page costs the same at any depth."""
    start = _decode(before, segments)
    if start is not None:
        index, value, pk = start
        rows: list = []
        for i in range(index, -1, -1):
            cursor = (value, pk) if i == index else None
            chunk = _fetch(segments[i], cursor, forward=False, limit=size + 1 - len(rows))
            rows.extend((i, row) for row in chunk)
            if len(rows) > size:
                break
        has_newer = len(rows) > size
        items = list(reversed(rows[:size]))
        return _page(segments, items, has_more=True, is_first=not has_newer, has_previous=has_newer)
    start = _decode(after, segments)
    index, value, pk = start if start is not None else (0, None, None)
    rows = []
    for i in range(index, len(segments)):
        cursor = (value, pk) if (start is not None and i == index) else None
        chunk = _fetch(segments[i], cursor, forward=True, limit=size + 1 - len(rows))
        rows.extend((i, row) for row in chunk)
        if len(rows) > size:
            break
    has_more = len(rows) > size
    return _page(segments, rows[:size], has_more=has_more, is_first=start is None, has_previous=start is not None)


def _page(segments: list[Segment], rows: list, *, has_more: bool, is_first: bool, has_previous: bool) -> KeysetPage:
    items = [row for _i, row in rows]
    cursors = [_encode(i, segments[i], row) for i, row in rows]
    return KeysetPage(
        items=items,
        next_cursor=cursors[-1] if items and has_more else None,
        previous_cursor=cursors[0] if items and has_previous else None,
        is_first=is_first,
    )


def segments_iterator(segments: list[Segment], chunk_size: int = 2000) -> Iterator:
    """Every row of the segments in page order (for an export of what the list shows)."""
    for segment in segments:
        yield from _ordered(segment, forward=True).iterator(chunk_size=chunk_size)
