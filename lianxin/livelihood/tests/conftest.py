from datetime import date
from decimal import Decimal

import pytest

from lianxin.accounts.roles import Role
from lianxin.land.tests import factories as land_factories

from . import factories


@pytest.fixture
def liaison(make_user, project):
    return make_user("liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=project.enterprise)


@pytest.fixture
def project(town):
    land_factories.township_standards(town)
    return land_factories.project(town)


@pytest.fixture
def default_rule(working_group_member):
    return factories.rule(working_group_member)


def _survey(actor, household, year, wages, kind="yearly"):
    from .. import services

    return services.survey_record(
        actor=actor,
        household=household,
        year=year,
        kind=kind,
        surveyed_on=date(year + 1, 1, 15),
        persons=2,
        wages=Decimal(wages),
        agriculture=Decimal("1000"),
    )


@pytest.fixture
def surveyed(working_group_member, group_a1, group_a2):
    """Three households: one better off, one worse off in 2022 (none surveyed in 2021), one without a baseline."""
    better = factories.household_with_land(group_a1, number="BETTER")
    worse = factories.household_with_land(group_a2, number="WORSE")
    unknown = factories.household_with_land(group_a1, number="NOBASE")
    _survey(working_group_member, better, 2020, "20000", "baseline")
    _survey(working_group_member, better, 2021, "25000")
    _survey(working_group_member, better, 2022, "26000")
    _survey(working_group_member, worse, 2020, "30000", "baseline")
    _survey(working_group_member, worse, 2022, "20000")
    _survey(working_group_member, unknown, 2022, "1")
    return better, worse, unknown
