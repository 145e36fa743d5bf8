"""Reads of the core tables."""

from django.db.models import QuerySet

from .models import Holiday
from .permissions import scope_to_user


def holiday_list(*, user, year: int | None = None) -> QuerySet[Holiday]:
    """The entered holiday notice (reference data without a region: the view permission suffices)."""
    qs = scope_to_user(Holiday.objects.all(), user)
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("date")
