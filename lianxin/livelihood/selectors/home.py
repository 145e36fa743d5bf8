"""The livelihood figures of the home page (园区概况): landless farmers, those employed, households worse off and
the money of village projects — read from the report catalogue (one definition each, ``livelihood.figures``), in
the user's scope, each with the link to its rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

HOME_FIGURES = (
    "livelihood_landless_persons",
    "livelihood_employed",
    "livelihood_households_worse_off",
    "livelihood_village_projects_yuan",
)


@dataclass
class HomeFigures:
    landless_farmers: int
    employed: int
    worse_off: int
    survey_year: int | None
    village_projects_yuan: Decimal
    links: dict[str, str | None]


def home_figures(*, user, today: date | None = None) -> HomeFigures | None:
    """None for roles that may neither read the register nor see dashboards."""
    from lianxin.reports import catalogue
    from lianxin.reports.periods import Period

    from ..figures import _survey_year

    if not (user.has_perm("livelihood.view_register") or user.has_perm("accounts.view_dashboard")):
        return None
    today = today or timezone.localdate()
    scope = catalogue.FigureScope(user=user, period=Period.year(today.year), today=today)
    values = catalogue.evaluate(HOME_FIGURES, scope)
    persons = values["livelihood_landless_persons"].value or 0
    if not persons and not user.has_perm("livelihood.view_register"):
        return None
    return HomeFigures(
        landless_farmers=persons,
        employed=values["livelihood_employed"].value or 0,
        worse_off=values["livelihood_households_worse_off"].value or 0,
        survey_year=_survey_year(scope),
        village_projects_yuan=Decimal(values["livelihood_village_projects_yuan"].value or 0),
        links={name: value.url for name, value in values.items()},
    )
