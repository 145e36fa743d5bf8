import pytest

from lianxin.accounts.roles import Role

from . import factories


@pytest.fixture
def party_officer(make_user, town):
    return make_user("party_officer", Role.PARTY_OFFICER, scope_region=town)


@pytest.fixture
def township_committee(party_officer, town):
    return factories.committee(party_officer, town)


@pytest.fixture
def branch_a(party_officer, township_committee, village_a, group_a1):
    return factories.branch(party_officer, township_committee, village_a, "甲马石村党支部", groups=[group_a1])


@pytest.fixture
def branch_b(party_officer, township_committee, village_b, group_b1):
    return factories.branch(party_officer, township_committee, village_b, "白革龙村党支部", groups=[group_b1])


@pytest.fixture
def secretary_a(make_user, village_a, branch_a, system_admin):
    from lianxin.party.services import secretary_scope_set

    user = make_user("secretary_a", Role.BRANCH_SECRETARY, scope_region=village_a)
    secretary_scope_set(actor=system_admin, user=user, organization=branch_a)
    user.refresh_from_db()
    return user
