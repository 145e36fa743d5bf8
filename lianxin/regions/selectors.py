import os
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from lianxin.core.permissions import DASHBOARD_PERMISSION, get_scoped_or_404, scope_to_user

from .models import Park, Region


def in_region(qs: QuerySet, region: Region | None, lookup: str | None = None) -> QuerySet:
    """The rows of ``qs`` within ``region``'s subtree (the region itself included), over ``lookup`` from a row to its
    region (default: the model's ``scope_region_lookup``; "" for regions themselves) — the same narrowing as a figure
    of the catalogue for that region, so a list page's ``region`` filter shows the figure's rows. No region: ``qs``."""
    if region is None:
        return qs
    if lookup is None:
        lookup = qs.model.scope_region_lookup
    prefix = f"{lookup}__" if lookup else ""
    return qs.filter(**{f"{prefix}path__startswith": region.path})


def park_village_ids() -> QuerySet | None:
    """Ids of the village committees a park touches, as a subquery; None when no park is recorded (then
    every village counts as touched, as the park overview says)."""
    if not Park.objects.exists():
        return None
    return Park.villages.through.objects.values("region_id")


def region_list(
    *,
    user,
    level: str | None = None,
    q: str = "",
    in_park: bool = False,
    parent: Region | None = None,
    region: Region | None = None,
) -> QuerySet[Region]:
    """Regions in the user's jurisdiction, in tree order, with their parent joined. ``in_park`` keeps the
    villages a park touches and their village groups; ``parent`` the children of one region; ``region``
    its subtree (the region itself included)."""
    qs = scope_to_user(Region.objects.select_related("parent"), user)
    if level:
        qs = qs.filter(level=level)
    if in_park:
        ids = park_village_ids()
        if ids is not None:
            qs = qs.filter(
                Q(level=Region.Level.VILLAGE, pk__in=ids) | Q(level=Region.Level.VILLAGE_GROUP, parent_id__in=ids)
            )
    if parent is not None:
        qs = qs.filter(parent=parent)
    if region is not None:
        qs = qs.filter(path__startswith=region.path)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.order_by("path")


def region_get(*, user, pk: int) -> Region:
    return get_scoped_or_404(Region.objects.select_related("parent"), user, pk=pk)


def region_children(*, user, region: Region) -> QuerySet[Region]:
    return scope_to_user(Region.objects.filter(parent=region), user).annotate(child_count=Count("children"))


def village_group_choices(*, user) -> QuerySet[Region]:
    """Village groups the user may attach households to."""
    return region_list(user=user, level=Region.Level.VILLAGE_GROUP).select_related("parent")


def park_list(*, user) -> QuerySet[Park]:
    return scope_to_user(Park.objects.select_related("township").prefetch_related("villages"), user)


def _common_path(paths: list[str]) -> str:
    """The deepest region path every one of ``paths`` lies under ("" when they share no root)."""
    common = os.path.commonprefix(paths)
    return common[: common.rfind("/") + 1]


def region_figures(regions: Iterable[Region], *, user) -> list[Region]:
    """The regions, each with the figures of its whole subtree (下级汇总): ``total_population`` (户籍人口)
    and ``household_count`` (户数; None for users who may not count households).

    The registered population is kept on the lowest regions (the village groups); a region with
    regions below it shows their sum, never a figure of its own that could disagree with them (the
    township's 0 beside villages of 6,551). One query for the whole page, whatever its length.
    """
    regions = list(regions)
    if not regions:
        return regions
    can_count = user.has_perm(DASHBOARD_PERMISSION) or user.has_perm("people.view_household")
    rows = Region.objects.filter(path__startswith=_common_path([r.path for r in regions]))
    if can_count:
        rows = rows.annotate(household_count=Count("households"))
    fields = ["pk", "parent_id", "path", "population", *(["household_count"] if can_count else [])]
    nodes = {row["pk"]: row for row in rows.values(*fields)}
    has_children = {row["parent_id"] for row in nodes.values()}
    population = {pk: (0 if pk in has_children else row["population"]) for pk, row in nodes.items()}
    households = {pk: row.get("household_count", 0) for pk, row in nodes.items()}
    # Deepest first: each region adds its finished total to its parent.
    for pk, row in sorted(nodes.items(), key=lambda item: -item[1]["path"].count("/")):
        parent = row["parent_id"]
        if parent in nodes:
            population[parent] += population[pk]
            households[parent] += households[pk]
    for region in regions:
        region.total_population = population.get(region.pk, region.population)
        region.household_count = households.get(region.pk, 0) if can_count else None
    return regions


def region_viewable(*, user, region: Region | None) -> bool:
    """Whether ``user`` may open ``region``'s page (the county above a township user's scope may not)."""
    return region is not None and scope_to_user(Region.objects.filter(pk=region.pk), user).exists()
