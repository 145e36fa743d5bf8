"""Households changed: a small registry through which apps that keep figures derived from a household (the
livelihood app's landless-farmer register, ``LandlessStatus``) hear of the changes the land and people apps make.

Core imports no domain app (STYLE.md), and the land and people apps must not import the apps built on them, so
the writers call ``households_changed(ids)`` inside their own transaction and each keeper registers itself in
``AppConfig.ready()``::

    from lianxin.core import household_changes
    household_changes.register(landless_status_refresh_for)

A keeper runs at once, in the writer's transaction (not ``on_commit``): what it stores is part of the same
change and commits or rolls back with it, and the very next read sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Keeper = Callable[[set[int]], None]

_keepers: list[Keeper] = []


def register(keeper: Keeper) -> None:
    if keeper not in _keepers:
        _keepers.append(keeper)


def households_changed(household_ids: Iterable[int | None]) -> None:
    """Tell every keeper that these households' land, contract right or members changed."""
    ids = {pk for pk in household_ids if pk is not None}
    if not ids:
        return
    for keeper in _keepers:
        keeper(ids)
