"""The livelihood figures of the home page (园区概况): landless farmers, those employed, households worse off and
the money of village projects — every one counted from rows, in the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from .development import project_totals
from .employment import employed_landless
from .income import compared, latest_year
from .register import landless_persons


@dataclass
class HomeFigures:
    landless_farmers: int
    employed: int
    worse_off: int
    survey_year: int | None
    village_projects_yuan: Decimal


def home_figures(*, user, today: date | None = None) -> HomeFigures | None:
    """None for roles that may neither read the register nor see dashboards."""
    if not (user.has_perm("livelihood.view_register") or user.has_perm("accounts.view_dashboard")):
        return None
    today = today or timezone.localdate()
    aggregate = not user.has_perm("livelihood.view_register")
    persons = landless_persons(user=user, aggregate=aggregate).count()
    if not persons and aggregate:
        return None
    year = latest_year(user=user, aggregate=aggregate)
    worse = compared(user=user, year=year, aggregate=aggregate).filter(worse=True).count() if year else 0
    return HomeFigures(
        landless_farmers=persons,
        employed=employed_landless(user=user, day=today, aggregate=aggregate).values("person").distinct().count(),
        worse_off=worse,
        survey_year=year,
        village_projects_yuan=project_totals(user=user, aggregate=aggregate)["total"],
    )
