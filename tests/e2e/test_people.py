"""Resident IDs in the browser: searched by POST, shown masked, revealed only with permission and audited,
and persons of another village out of reach even by typing their address."""

from datetime import date

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lianxin.accounts.models import SecurityEvent
from lianxin.people.tests import factories as people_factories

from .pages import LoginPage, NotFoundPage, PersonDetailPage, PersonListPage

pytestmark = pytest.mark.e2e


def _masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def test_village_cadre_finds_person_by_full_id_sees_it_masked_and_cannot_open_another_village(
    e2e_db, page, artifacts, household_a, village_a_clerk, person_b
):
    # given: a resident of village A whose ID we know, and the cadre's browser recording every URL it asks for
    number = people_factories.resident_id(birth=date(1986, 9, 23))
    people_factories.person(household_a, name="王小明", resident_id=number, phone="13912345678")
    requests = []
    page.on("request", lambda request: requests.append(request))
    LoginPage(page).login_expecting_success(village_a_clerk.username, PASSWORD)

    # when: the cadre searches the person list by the full resident ID
    persons = PersonListPage(page).goto()
    persons.search(number)

    # then: the search went by POST (never in a URL), and the row shows only the masked number
    searches = [r for r in requests if r.method == "POST" and r.url.endswith(PersonListPage.path)]
    assert len(searches) == 1
    assert number in (searches[0].post_data or "")
    assert number not in page.url
    assert [r.url for r in requests if number in r.url] == []
    expect(persons.rows).to_have_count(1)
    row = persons.row_for("王小明")
    expect(row.locator(".masked-id")).to_have_text(_masked(number))
    assert number not in persons.html()
    expect(persons.query).to_have_value(_masked(number))

    # when: the search is sent again as shown (masked), then the same person is still found
    persons.search(persons.query.input_value())
    expect(persons.row_for("王小明")).to_have_count(1)
    assert number not in persons.html()

    # when: the cadre types the address of a person in village B
    response = page.goto(PersonDetailPage.path_for(person_b.pk))

    # then: the 404 page, which says nothing about that person
    assert response is not None
    assert response.status == 404
    not_found = NotFoundPage(page)
    expect(not_found.message).to_contain_text("页面不存在")
    assert person_b.name not in not_found.html()
    not_found.screenshot(artifacts / "desktop-404.png")


def test_township_leader_reveals_full_id_and_the_reveal_is_recorded(e2e_db, page, household_a, town_admin):
    # given: a person whose ID the township leader (who may reveal IDs) is looking at
    number = people_factories.resident_id(birth=date(1979, 2, 11), male=False)
    person = people_factories.person(household_a, name="王秀兰", male=False, resident_id=number)
    LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)
    detail = PersonDetailPage(page).goto_person(person.pk)
    expect(detail.resident_id).to_have_text(_masked(number))
    assert number not in detail.html()

    # when: the leader clicks 查看完整号码
    detail.reveal()

    # then: htmx swaps in the full number, without a page load, and a security event records who saw whose ID
    expect(detail.resident_id).to_have_text(number)
    expect(detail.reveal_button).to_have_count(0)
    assert page.url.endswith(PersonDetailPage.path_for(person.pk))
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).get()
    assert event.username == town_admin.username
    assert event.detail["object_id"] == person.pk


def test_village_cadre_sees_no_reveal_button(e2e_db, page, household_a, village_a_clerk):
    # given: a person in the cadre's own village; village cadres may not reveal IDs
    person = people_factories.person(household_a, name="王小红", male=False)
    LoginPage(page).login_expecting_success(village_a_clerk.username, PASSWORD)

    # when
    detail = PersonDetailPage(page).goto_person(person.pk)

    # then
    expect(detail.resident_id).to_have_text(person.resident_id_masked)
    expect(detail.reveal_button).to_have_count(0)
