"""Parcels, holders, standards and agreements built through the land services."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from lianxin.enterprises.services import project_create
from lianxin.enterprises.tests import factories as enterprise_factories
from lianxin.land import services
from lianxin.land.models import Compensation, LandClass, Unit
from lianxin.regions.models import Region

_sequence = itertools.count(1)
LONG_AGO = date(2020, 1, 1)

# Township prices (元/亩) used by the tests: dry land 旱地 0103.
PRICES = {
    Compensation.LAND_COMPENSATION: Decimal("30000"),
    Compensation.RESETTLEMENT_SUBSIDY: Decimal("20000"),
    Compensation.SOCIAL_SECURITY: Decimal("5000"),
}


def land_class(code: str = "0103") -> LandClass:
    return LandClass.objects.get(code=code)


def project(region: Region, name: str = "氧化铝项目"):
    return project_create(
        enterprise=enterprise_factories.enterprise(region),
        name=name,
        region=region,
        land_demand_mu=Decimal("4126.5"),
        investment=Decimal("1000000"),
    )


def township_standards(town: Region, *, effective_from: date = LONG_AGO, prices: dict | None = None) -> list:
    created = [
        services.standard_create(region=town, item=item, unit=Unit.MU, unit_price=price, effective_from=effective_from)
        for item, price in (prices or PRICES).items()
    ]
    created.append(
        services.standard_create(
            region=town,
            item=Compensation.ATTACHMENT,
            unit=Unit.TREE,
            unit_price=Decimal("80"),
            effective_from=effective_from,
        )
    )
    return created


def parcel(project, village_group: Region, *, area_mu: str = "10", code: str = "", surveyed_days_ago: int = 60, **kw):
    return services.parcel_register(
        project=project,
        village_group=village_group,
        code=code or f"P{next(_sequence):05d}",
        land_class=kw.pop("land_class", None) or land_class(),
        area_mu=Decimal(area_mu),
        surveyed_on=timezone.localdate() - timedelta(days=surveyed_days_ago),
        **kw,
    )


def holding(parcel, household, share: str = "100"):
    return services.holding_add(parcel=parcel, household=household, share_percent=Decimal(share))


def agreement(project, household, holdings, actor, *, signed_on: date | None = None, **kw):
    return services.agreement_create(
        project=project,
        household=household,
        holdings=holdings,
        signed_on=signed_on or timezone.localdate() - timedelta(days=10),
        actor=actor,
        **kw,
    )
