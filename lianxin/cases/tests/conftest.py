import pytest

from lianxin.accounts.roles import Role


@pytest.fixture
def discipline(make_user, town):
    return make_user("jijian", Role.DISCIPLINE_INSPECTOR, scope_region=town)


@pytest.fixture
def police(make_user, town):
    return make_user("police", Role.POLICE_LIAISON, scope_region=town)


@pytest.fixture
def liaison(make_user, enterprise_in_town):
    return make_user("liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)


@pytest.fixture
def handler(working_group_member):
    return working_group_member


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (per-process) cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
