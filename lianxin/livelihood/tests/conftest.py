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
