"""The named cast every test can use: two villages of one township, and a user per role.

town          示例镇 (township) with village_a 甲马石村 (groups a1, a2) and village_b 白革龙村 (group b1)
town_admin    township leader, scope: the township
village_a_clerk / village_b_clerk   village cadres, scope: their village
outsider      an enterprise liaison of another enterprise: sees no people at all
"""

import pytest

from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create
from lianxin.enterprises.tests import factories as enterprise_factories
from lianxin.people.tests import factories as people_factories
from lianxin.regions.tests import factories as region_factories

PASSWORD = "Lianxin-test-2026"


@pytest.fixture
def county(db):
    return region_factories.county()


@pytest.fixture
def town(county):
    return region_factories.township(county, "示例镇")


@pytest.fixture
def village_a(town):
    return region_factories.village(town, "甲马石村")


@pytest.fixture
def village_b(town):
    return region_factories.village(town, "白革龙村")


@pytest.fixture
def group_a1(village_a):
    return region_factories.village_group(village_a, "甲马石一组")


@pytest.fixture
def group_a2(village_a):
    return region_factories.village_group(village_a, "甲马石二组")


@pytest.fixture
def group_b1(village_b):
    return region_factories.village_group(village_b, "白革龙一组")


@pytest.fixture
def household_a(group_a1):
    return people_factories.household(group_a1)


@pytest.fixture
def household_b(group_b1):
    return people_factories.household(group_b1)


@pytest.fixture
def person_a(household_a):
    return people_factories.person(household_a, name="王小明", phone="13912345678")


@pytest.fixture
def person_b(household_b):
    return people_factories.person(household_b, name="李秀英", male=False)


@pytest.fixture
def enterprise_in_town(town):
    return enterprise_factories.enterprise(town, name="示例铝业有限公司")


def _user(username: str, role: str, **scope):
    user, _password = user_create(username=username, full_name=username, role=role, password=PASSWORD, **scope)
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    return user


@pytest.fixture
def make_user(db):
    """make_user("name", Role.X, scope_region=...) → an active user with PASSWORD, past the first-login change."""
    return _user


@pytest.fixture
def town_admin(town):
    return _user("town_admin", Role.TOWNSHIP_LEADER, scope_region=town)


@pytest.fixture
def working_group_member(town):
    return _user("wg_member", Role.WORKING_GROUP, scope_region=town)


@pytest.fixture
def village_a_clerk(village_a):
    return _user("village_a_clerk", Role.VILLAGE_CADRE, scope_region=village_a)


@pytest.fixture
def village_b_clerk(village_b):
    return _user("village_b_clerk", Role.VILLAGE_CADRE, scope_region=village_b)


@pytest.fixture
def system_admin(town):
    return _user("sysadmin", Role.SYSTEM_ADMIN, scope_region=town)


@pytest.fixture
def outsider(town):
    other = enterprise_factories.enterprise(town, name="外部企业")
    return _user("outsider", Role.ENTERPRISE_LIAISON, scope_enterprise=other)


@pytest.fixture
def login_as(db):
    """login_as(user) → a fresh test client signed in as ``user`` (each call its own session)."""
    from django.test import Client

    def _login(user, **client_kwargs):
        client = Client(**client_kwargs)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def bearer(db):
    """bearer(user) → request headers carrying a newly issued API token of ``user``."""
    from lianxin.accounts.services import api_token_create

    def _headers(user) -> dict[str, str]:
        _token, raw = api_token_create(user=user, name="tests")
        return {"Authorization": f"Bearer {raw}"}

    return _headers
