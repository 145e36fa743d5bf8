from django.db.models import Count, QuerySet

from lianxin.core.permissions import get_scoped_or_404, scope_to_user

from .models import Park, Region


def region_list(*, user, level: str | None = None, q: str = "") -> QuerySet[Region]:
    """Regions in the user's jurisdiction, in tree order, with their parent joined."""
    qs = scope_to_user(Region.objects.select_related("parent"), user)
    if level:
        qs = qs.filter(level=level)
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
