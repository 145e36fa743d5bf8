"""The demo township, loaded once for the modules of this package (it takes about a minute on CI) inside a
transaction that is rolled back when the package ends; each test still runs in its own savepoint
(pytest-django's ``db``). Only tests that read the demo belong here: every test of the package sees it.

Loaded as of 31 December 2025, so its year of cases, payments and hand-overs is the calendar year
2025, and its enterprise statistics are those of 2024 (the year a 2025 report states)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

DEMO_TODAY = date(2025, 12, 31)


class _Rollback(Exception):
    pass


@dataclass
class Demo:
    leader: object
    cadre: object
    discipline: object
    county: object
    workgroup: object
    police: object


def _ready(user):
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    return user


def _distractors() -> None:
    """Rows the seed's figures must not count, so a list page that ignores a filter shows more rows
    than its figure: a village outside the park with people, an enterprise outside it."""
    from lianxin.enterprises.services import indicator_record
    from lianxin.enterprises.tests import factories as enterprise_factories
    from lianxin.people.tests import factories as people_factories
    from lianxin.regions.models import Region
    from lianxin.regions.tests import factories as region_factories

    township = Region.objects.get(level=Region.Level.TOWNSHIP)
    outside = region_factories.village(township, "园外村委会")
    group = region_factories.village_group(outside, "园外组")
    people_factories.person(people_factories.household(group), name="园外人")
    shop = enterprise_factories.enterprise(township, name="镇区商店(园外)", in_park=False)
    indicator_record(
        enterprise=shop,
        year=DEMO_TODAY.year - 1,
        output_value=Decimal("3000000"),
        tax_paid=Decimal("50000"),
        employees=12,
        local_employees=12,
    )


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The demo township (as of 2025-12-31) plus a few rows outside the park."""
    from lianxin.accounts.models import User
    from lianxin.demo.township import load_demo

    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                load_demo(today=DEMO_TODAY)
                _distractors()
                users = {u.username: _ready(u) for u in User.objects.all()}
                yield Demo(
                    leader=users["leader"],
                    cadre=users["cadre"],
                    discipline=users["discipline"],
                    county=users["county"],
                    workgroup=users["workgroup"],
                    police=users["police"],
                )
                raise _Rollback
        except _Rollback:
            pass
