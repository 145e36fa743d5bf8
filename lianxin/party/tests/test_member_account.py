"""Linking a member to their own account on the member's page (党员关联系统账号): what is handed to the member (a
contact-household follow-up) reaches that account's 待办, so the party officer must be able to set it."""

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.regions.tests import factories as region_factories

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(party_officer, branch_a, group_a1):
    return factories.member(party_officer, branch_a, group_a1, name="李联户")


@pytest.fixture
def own_account(make_user, village_a):
    return make_user("li_lianhu", Role.BRANCH_SECRETARY, scope_region=village_a)


def _offered(response) -> set[str]:
    return {str(value) for value, _label in response.context["form"].fields["account"].choices if value}


def test_party_officer_links_a_member_to_their_account_and_unlinks_it(login_as, party_officer, member, own_account):
    client = login_as(party_officer)
    url = reverse("party:member-account", args=[member.pk])
    assert str(own_account.pk) in _offered(client.get(url))

    response = client.post(url, {"account": own_account.pk})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.account == own_account
    detail = client.get(reverse("party:member-detail", args=[member.pk])).content.decode()
    assert "li_lianhu" in detail

    client.post(url, {"account": ""})
    member.refresh_from_db()
    assert member.account is None


def test_accounts_of_other_members_and_outside_the_area_are_not_offered(
    login_as, make_user, party_officer, branch_a, group_a1, member, own_account, county
):
    other = factories.member(party_officer, branch_a, group_a1, name="王另一")
    other.account = own_account
    other.save(update_fields=["account"])
    elsewhere = region_factories.village(region_factories.township(county, "他镇"), "他村")
    outsider = make_user("outsider", Role.VILLAGE_CADRE, scope_region=elsewhere)
    client = login_as(party_officer)
    url = reverse("party:member-account", args=[member.pk])

    offered = _offered(client.get(url))
    assert str(own_account.pk) not in offered
    assert str(outsider.pk) not in offered

    response = client.post(url, {"account": own_account.pk})
    assert response.status_code == 400
    assert "系统账号" in response.content.decode()
    assert response.context["form"].errors["account"]
    member.refresh_from_db()
    assert member.account is None


def test_a_village_cadre_cannot_link_accounts(login_as, make_user, village_a, member, own_account):
    cadre = make_user("cadre_a", Role.VILLAGE_CADRE, scope_region=village_a)
    response = login_as(cadre).post(reverse("party:member-account", args=[member.pk]), {"account": own_account.pk})
    assert response.status_code in (403, 404)
    member.refresh_from_db()
    assert member.account is None
