"""The named cast every test can use: two villages of one township, and a user per role.

town          示例镇 (township) with village_a 甲马石村 (groups a1, a2) and village_b 白革龙村 (group b1)
town_admin    township leader, scope: the township
village_a_clerk / village_b_clerk   village cadres, scope: their village
outsider      an enterprise liaison of another enterprise: sees no people at all
"""

from decimal import Decimal

import pytest

from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create
from lianxin.enterprises.models import Project
from lianxin.enterprises.services import indicator_record, project_create
from lianxin.enterprises.tests import factories as enterprise_factories
from lianxin.people.tests import factories as people_factories
from lianxin.regions.services import park_create
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
def park(town, village_a, village_b, group_a1, group_a2, group_b1):
    """示例工业园区 (45.57 km²): villages A (2 groups, 2 households, 3 people) and B (1 group, 1 household, 1 person) in the park; a third
    village of the township outside it; two park enterprises and one outside the park, with two years of figures
    and two projects (4,300.5 mu). Township totals for 2024: 10亿元 output, 1.2亿元 tax, 1,000 jobs."""
    park = park_create(name="示例工业园区", township=town, area_km2=Decimal("45.57"), villages=[village_a, village_b])
    home_a1, home_a2 = people_factories.household(group_a1), people_factories.household(group_a2)
    people_factories.person(home_a1, name="王大山")
    people_factories.person(home_a1, name="王小山")
    people_factories.person(home_a2, name="赵四")
    people_factories.person(people_factories.household(group_b1), name="李秀英")
    outside = region_factories.village(town, "园外村")
    people_factories.person(
        people_factories.household(region_factories.village_group(outside, "园外一组")), name="园外人"
    )

    alumina = enterprise_factories.enterprise(town, name="示例铝业")
    silicon = enterprise_factories.enterprise(town, name="示例硅业")
    shop = enterprise_factories.enterprise(town, name="镇上商店", in_park=False)
    for enterprise, output, tax, jobs, local in (
        (alumina, "900000000", "100000000", 800, 500),
        (silicon, "100000000", "20000000", 200, 150),
        (shop, "1000000", "10000", 5, 5),
    ):
        indicator_record(
            enterprise=enterprise,
            year=2024,
            output_value=Decimal(output),
            tax_paid=Decimal(tax),
            employees=jobs,
            local_employees=local,
        )
    indicator_record(  # an older year: not summed with the latest
        enterprise=alumina,
        year=2023,
        output_value=Decimal("700000000"),
        tax_paid=Decimal("1"),
        employees=1,
        local_employees=1,
    )
    project_create(
        enterprise=alumina,
        name="80万吨/年氧化铝",
        region=village_a,
        land_demand_mu=Decimal("4000.50"),
        investment=Decimal("3000000000"),
        status=Project.Status.UNDER_CONSTRUCTION,
    )
    project_create(
        enterprise=silicon, name="工业硅", region=town, land_demand_mu=Decimal("300"), investment=Decimal("1")
    )
    return park


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
    """bearer(user) → request headers carrying a newly issued API token of ``user`` (who is given the second
    factor a token needs, if they have none)."""
    from lianxin.accounts.services import api_token_create
    from lianxin.accounts.tests.factories import totp_device

    def _headers(user) -> dict[str, str]:
        totp_device(user)
        _token, raw = api_token_create(user=user, name="tests")
        return {"Authorization": f"Bearer {raw}"}

    return _headers


@pytest.fixture
def answered_challenge():
    """answered_challenge() → the human-check fields of an integrity report, answered right."""
    from lianxin.cases.report_guard import challenge_new

    def _answered() -> dict[str, str]:
        challenge = challenge_new()
        return {"challenge_token": challenge.token, "challenge_answer": str(challenge.answer)}

    return _answered
