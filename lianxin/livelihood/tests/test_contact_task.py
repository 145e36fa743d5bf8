"""The second one-click follow-up from the alert list: a task for the household's contact member (联户党员), in
their 待办 when they have an account, listed on the alert list either way."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.core import inbox
from lianxin.core.errors import DomainError
from lianxin.party import services as party_services
from lianxin.party.tests import factories as party_factories

from .. import services
from ..models import ContactTask


@pytest.fixture
def party_officer(make_user, town):
    return make_user("lh_party_officer", Role.PARTY_OFFICER, scope_region=town)


@pytest.fixture
def contact(party_officer, town, village_a, group_a1, group_a2, surveyed, make_user):
    """A full member of village A's branch, with an account, the contact of the household worse off."""
    committee = party_factories.committee(party_officer, town)
    branch = party_factories.branch(party_officer, committee, village_a, "甲马石村党支部", groups=[group_a1, group_a2])
    member = party_factories.member(party_officer, branch, group_a1, name="李联户")
    _better, worse, _unknown = surveyed
    party_services.household_link_set(actor=party_officer, member=member, households=[worse], since=date(2021, 1, 1))
    account = make_user("lh_member_account", Role.BRANCH_SECRETARY, scope_region=village_a)
    party_services.member_account_set(actor=party_officer, member=member, account=account)
    return member, account


def test_alert_list_hands_the_follow_up_to_the_contact_member_and_it_reaches_their_inbox(
    login_as,
    working_group_member,
    surveyed,
    contact,
):
    _better, worse, _unknown = surveyed
    member, account = contact
    client = login_as(working_group_member)
    html = client.get(reverse("livelihood:alerts")).content.decode()
    assert 'data-testid="contact-task-create"' in html
    assert "交联户党员李联户跟进" in html

    # when the cadre clicks the second button
    response = client.post(reverse("livelihood:contact-task-create", args=[worse.pk]), {"year": 2022})

    # then the task exists once, the alert list says who has it, and the member's 待办 holds it
    assert response.status_code == 302
    task = ContactTask.objects.get(household=worse, year=2022)
    assert task.member == member
    assert task.status == ContactTask.Status.OPEN
    html = client.get(reverse("livelihood:alerts")).content.decode()
    assert "已交联户党员李联户跟进" in html
    assert 'data-testid="contact-task-create"' not in html
    (section,) = [s for s in inbox.sections(user=account) if s.key == "livelihood.contact_tasks"]
    assert section.count == 1
    assert section.rows[0].url == reverse("livelihood:contact-task", args=[task.pk])
    assert "WORSE" in section.rows[0].title
    assert "李联户" not in "".join(s.title for s in inbox.sections(user=working_group_member))

    # the member opens it from the 待办 and records the visit; it leaves the 待办
    member_client = login_as(account)
    page = member_client.get(reverse("livelihood:contact-task", args=[task.pk]))
    assert page.status_code == 200
    assert "低于征地前基线" in page.content.decode()
    done = member_client.post(
        reverse("livelihood:contact-task", args=[task.pk]),
        {"result": "上门走访,家中两人已在园区务工", "done_on": timezone.localdate().isoformat()},
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == ContactTask.Status.DONE
    assert [s.count for s in inbox.sections(user=account) if s.key == "livelihood.contact_tasks"] == [0]


def test_a_second_hand_over_of_the_same_year_is_refused(working_group_member, surveyed, contact):
    _better, worse, _unknown = surveyed
    services.contact_task_create(actor=working_group_member, household=worse, year=2022)

    with pytest.raises(DomainError, match="已交联户党员跟进"):
        services.contact_task_create(actor=working_group_member, household=worse, year=2022)


def test_without_a_contact_member_the_button_says_so(login_as, working_group_member, surveyed):
    _better, worse, _unknown = surveyed

    html = login_as(working_group_member).get(reverse("livelihood:alerts")).content.decode()

    assert 'data-testid="no-contact"' in html
    assert "该户没有联户党员" in html
    assert 'data-testid="contact-task-create"' not in html
    with pytest.raises(DomainError, match="没有联户党员"):
        services.contact_task_create(actor=working_group_member, household=worse, year=2022)
    assert not ContactTask.objects.exists()


def test_household_not_worse_off_gets_no_task(working_group_member, surveyed, contact):
    better, _worse, _unknown = surveyed
    with pytest.raises(DomainError, match="未低于基线"):
        services.contact_task_create(actor=working_group_member, household=better, year=2022)


def test_the_task_page_is_refused_to_others(
    login_as, working_group_member, village_b_clerk, surveyed, contact, make_user, town
):
    _better, worse, _unknown = surveyed
    task = services.contact_task_create(actor=working_group_member, household=worse, year=2022)
    url = reverse("livelihood:contact-task", args=[task.pk])

    assert login_as(working_group_member).get(url).status_code == 200
    assert login_as(village_b_clerk).get(url).status_code == 404  # another village's cadre
    stranger = make_user("lh_other_secretary", Role.BRANCH_SECRETARY, scope_region=town)
    assert login_as(stranger).get(url).status_code == 404
    # a blank result is refused with the field named, nothing written
    response = login_as(contact[1]).post(url, {"result": "", "done_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "跟进情况" in response.content.decode()
    task.refresh_from_db()
    assert task.status == ContactTask.Status.OPEN
