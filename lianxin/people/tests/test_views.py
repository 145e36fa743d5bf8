"""People pages: scope (404 outside it), masked numbers, audited reveals, Chinese refusals, flat query counts."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianxin.accounts.models import SecurityEvent
from lianxin.people.models import Person
from lianxin.people.tests import factories

# --- scope --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "person_a_status", "person_b_status"),
    [
        ("village_a_clerk", 200, 404),
        ("village_b_clerk", 404, 200),
        ("town_admin", 200, 200),
        ("working_group_member", 200, 200),
        ("outsider", 404, 404),
        ("system_admin", 404, 404),  # administers accounts, reads no personal data
    ],
)
def test_person_detail_page_is_reachable_only_within_scope(
    request, login_as, role, person_a_status, person_b_status, person_a, person_b
):
    browser = login_as(request.getfixturevalue(role))

    assert browser.get(reverse("people:person-detail", args=[person_a.pk])).status_code == person_a_status
    assert browser.get(reverse("people:person-detail", args=[person_b.pk])).status_code == person_b_status


@pytest.mark.parametrize(
    ("role", "household_a_status", "household_b_status"),
    [
        ("village_a_clerk", 200, 404),
        ("town_admin", 200, 200),
        ("outsider", 404, 404),
        ("system_admin", 404, 404),
    ],
)
def test_household_detail_page_is_reachable_only_within_scope(
    request, login_as, role, household_a_status, household_b_status, household_a, household_b
):
    browser = login_as(request.getfixturevalue(role))

    assert browser.get(reverse("people:household-detail", args=[household_a.pk])).status_code == household_a_status
    assert browser.get(reverse("people:household-detail", args=[household_b.pk])).status_code == household_b_status


def test_guessed_id_of_another_village_looks_like_a_missing_one(login_as, village_a_clerk, person_b):
    browser = login_as(village_a_clerk)

    other_village = browser.get(reverse("people:person-detail", args=[person_b.pk]))
    missing = browser.get(reverse("people:person-detail", args=[person_b.pk + 10_000]))

    assert other_village.status_code == missing.status_code == 404
    assert "李秀英" not in other_village.content.decode()


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("village_a_clerk", ["王小明"], ["李秀英"]),
        ("village_b_clerk", ["李秀英"], ["王小明"]),
        ("town_admin", ["王小明", "李秀英"], []),
    ],
)
def test_person_list_shows_only_people_in_scope(request, login_as, role, shown, hidden, person_a, person_b):
    response = login_as(request.getfixturevalue(role)).get(reverse("people:person-list"))

    html = response.content.decode()
    assert response.status_code == 200
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


@pytest.mark.parametrize("role", ["outsider", "system_admin"])
@pytest.mark.parametrize("url_name", ["people:person-list", "people:household-list"])
def test_roles_without_access_to_people_are_refused_the_lists_in_chinese(
    request, login_as, role, url_name, person_a, person_b
):
    response = login_as(request.getfixturevalue(role)).get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html
    assert "王小明" not in html
    assert "李秀英" not in html


def test_person_list_says_so_when_nobody_matches(login_as, village_a_clerk, person_b):
    response = login_as(village_a_clerk).get(reverse("people:person-list"))

    assert "没有找到符合条件的人员" in response.content.decode()


def test_household_list_shows_only_households_in_scope(login_as, village_a_clerk, household_a, household_b):
    response = login_as(village_a_clerk).get(reverse("people:household-list"))

    assert [h.pk for h in response.context["page"].items] == [household_a.pk]


def test_anonymous_visitor_is_sent_to_the_login_page(client, person_a):
    response = client.get(reverse("people:person-detail", args=[person_a.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- masked numbers -----------------------------------------------------------------------


def test_pages_show_resident_ids_and_phones_masked(login_as, town_admin, household_a):
    number = factories.resident_id()
    person = factories.person(household_a, name="王小明", resident_id=number, phone="13912345678")
    browser = login_as(town_admin)

    for url in (
        reverse("people:person-list"),
        reverse("people:person-detail", args=[person.pk]),
        reverse("people:household-detail", args=[household_a.pk]),
    ):
        html = browser.get(url).content.decode()
        assert number not in html, url
        assert "13912345678" not in html, url
    detail = browser.get(reverse("people:person-detail", args=[person.pk])).content.decode()
    assert number[:6] + "********" + number[-4:] in detail
    assert "139****5678" in detail


def test_reveal_button_is_offered_only_to_roles_allowed_to_reveal(login_as, town_admin, village_a_clerk, person_a):
    url = reverse("people:person-detail", args=[person_a.pk])

    assert "查看完整号码" in login_as(town_admin).get(url).content.decode()
    assert "查看完整号码" not in login_as(village_a_clerk).get(url).content.decode()


# --- revealing ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["town_admin", "working_group_member"])
def test_revealing_shows_the_full_number_and_is_audited(request, login_as, role, person_a):
    user = request.getfixturevalue(role)

    response = login_as(user).post(reverse("people:person-reveal", args=[person_a.pk]), REMOTE_ADDR="10.1.2.3")

    html = response.content.decode()
    assert response.status_code == 200
    assert "已记录查看" in html
    revealed = html.split('data-testid="resident-id">')[1].split("<")[0]
    assert len(revealed) == 18
    assert revealed[:6] + "********" + revealed[-4:] == person_a.resident_id_masked
    entry = LogEntry.objects.get_for_object(person_a).get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.remote_addr) == (user, "10.1.2.3")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ID_REVEAL)
    assert (event.username, event.ip_address) == (user.username, "10.1.2.3")


@pytest.mark.parametrize(("role", "status"), [("village_a_clerk", 403), ("outsider", 404), ("system_admin", 404)])
def test_revealing_without_permission_shows_nothing_and_records_no_reveal(request, login_as, role, status, person_a):
    response = login_as(request.getfixturevalue(role)).post(reverse("people:person-reveal", args=[person_a.pk]))

    assert response.status_code == status
    assert "已记录查看" not in response.content.decode()
    if status == 403:
        assert "您没有查看完整身份证号码的权限" in response.content.decode()
        assert person_a.resident_id_masked in response.content.decode()
    assert not LogEntry.objects.get_for_object(person_a).filter(action=LogEntry.Action.ACCESS).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).exists()


def test_revealing_needs_a_post(login_as, town_admin, person_a):
    response = login_as(town_admin).get(reverse("people:person-reveal", args=[person_a.pk]))

    assert response.status_code == 405
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).exists()


# --- creating and correcting --------------------------------------------------------------


def _person_form(**overrides) -> dict:
    return {
        "name": "王小红",
        "resident_id": factories.resident_id(male=False),
        "relation": Person.Relation.CHILD,
        "ethnicity": "01",
        "phone": "",
        **overrides,
    }


def test_village_cadre_registers_a_person_in_their_village(login_as, village_a_clerk, household_a):
    response = login_as(village_a_clerk).post(
        reverse("people:person-create", args=[household_a.pk]), _person_form(), REMOTE_ADDR="10.20.30.40"
    )

    person = Person.objects.get(name="王小红")
    assert response.status_code == 302
    assert response.url == reverse("people:person-detail", args=[person.pk])
    entry = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert (entry.actor, entry.remote_addr) == (village_a_clerk, "10.20.30.40")


def test_village_cadre_cannot_register_into_another_village(login_as, village_a_clerk, household_b):
    response = login_as(village_a_clerk).post(reverse("people:person-create", args=[household_b.pk]), _person_form())

    assert response.status_code == 404
    assert not Person.objects.exists()


@pytest.mark.parametrize("role", ["town_admin", "system_admin", "outsider"])
def test_roles_without_the_add_permission_are_refused(request, login_as, role, household_a):
    response = login_as(request.getfixturevalue(role)).post(
        reverse("people:person-create", args=[household_a.pk]), _person_form()
    )

    assert response.status_code == 403
    assert not Person.objects.exists()


def test_bad_resident_id_is_shown_next_to_its_field_in_chinese(login_as, village_a_clerk, household_a):
    response = login_as(village_a_clerk).post(
        reverse("people:person-create", args=[household_a.pk]), _person_form(resident_id="532621198005170010")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码校验位不正确" in html
    assert response.context["form"].errors["resident_id"]
    assert not Person.objects.exists()


def test_duplicate_resident_id_is_refused_on_the_form(login_as, village_a_clerk, household_a, person_b):
    number = factories.resident_id()
    factories.person(household_a, name="王小明", resident_id=number)

    response = login_as(village_a_clerk).post(
        reverse("people:person-create", args=[household_a.pk]), _person_form(resident_id=number)
    )

    assert response.status_code == 200
    assert "已登记" in response.context["form"].errors["resident_id"][0]
    assert Person.objects.filter(name="王小红").count() == 0


def test_correcting_a_person_on_the_page_is_audited_with_the_client_address(login_as, village_a_clerk, person_a):
    response = login_as(village_a_clerk).post(
        reverse("people:person-edit", args=[person_a.pk]),
        {"name": "王晓明", "resident_id": "", "relation": "head", "ethnicity": "01", "phone": ""},
        REMOTE_ADDR="10.20.30.41",
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(person_a).get(action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.remote_addr) == (village_a_clerk, "10.20.30.41")
    assert entry.changes_dict["name"] == ["王小明", "王晓明"]
    assert Person.objects.get(pk=person_a.pk).phone_masked == "139****5678"  # blank phone keeps it


def test_village_cadre_cannot_correct_a_person_of_another_village(login_as, village_a_clerk, person_b):
    response = login_as(village_a_clerk).post(
        reverse("people:person-edit", args=[person_b.pk]),
        {"name": "改名", "resident_id": "", "relation": "head", "ethnicity": "01", "phone": ""},
    )

    assert response.status_code == 404
    assert Person.objects.get(pk=person_b.pk).name == "李秀英"


# --- search -------------------------------------------------------------------------------


def test_search_by_full_resident_id_keeps_the_number_out_of_urls(login_as, town_admin, household_a, person_b):
    number = factories.resident_id()
    factories.person(household_a, name="王小明", resident_id=number)
    browser = login_as(town_admin)

    posted = browser.post(reverse("people:person-list"), {"q": number})
    listed = browser.get(posted.url)

    assert posted.status_code == 302
    assert number not in posted.url
    assert [p.name for p in listed.context["page"].items] == ["王小明"]
    assert number not in listed.content.decode()

    browser.post(reverse("people:person-list"), {"clear": "1"})
    assert len(browser.get(reverse("people:person-list")).context["page"].items) == 2


# --- paging and query counts --------------------------------------------------------------


@pytest.fixture
def small_pages(settings):
    settings.LIANXIN_PAGE_SIZE = 5


def _people(household, count: int) -> list[Person]:
    return [factories.person(household, name=f"村民{i:02d}") for i in range(count)]


def test_person_list_pages_do_not_overlap(login_as, town_admin, household_a, small_pages):
    everyone = _people(household_a, 12)
    browser = login_as(town_admin)

    seen, url = [], reverse("people:person-list")
    while url:
        page = browser.get(url).context["page"]
        seen += [p.pk for p in page.items]
        url = f"{reverse('people:person-list')}?after={page.next_cursor}" if page.next_cursor else None

    assert seen == sorted((p.pk for p in everyone), reverse=True)


def test_previous_page_link_leads_back(login_as, town_admin, household_a, small_pages):
    _people(household_a, 12)
    browser = login_as(town_admin)
    first = browser.get(reverse("people:person-list")).context["page"]
    second = browser.get(f"{reverse('people:person-list')}?after={first.next_cursor}")

    html = second.content.decode()
    previous = second.context["page"].previous_cursor
    assert f"before={previous}" in html
    back = browser.get(f"{reverse('people:person-list')}?before={previous}").context["page"]
    assert [p.pk for p in back.items] == [p.pk for p in first.items]


# session, user, 2× permissions, scope region, village-group choices, village and group choices (the URL
# filters), one page of rows, session save (3)
PERSON_LIST_QUERIES = 11


@pytest.mark.parametrize("rows", [3, 12])
def test_person_list_query_count_does_not_grow_with_rows(
    login_as, town_admin, household_a, small_pages, django_assert_num_queries, rows
):
    _people(household_a, rows)
    browser = login_as(town_admin)

    with django_assert_num_queries(PERSON_LIST_QUERIES):
        response = browser.get(reverse("people:person-list"))

    assert len(response.context["page"].items) == min(rows, 5)


def test_person_list_never_counts_rows(login_as, town_admin, household_a, small_pages):
    _people(household_a, 7)
    browser = login_as(town_admin)

    with CaptureQueriesContext(connection) as captured:
        browser.get(reverse("people:person-list"))
        browser.get(f"{reverse('people:person-list')}?after=999999999")

    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


HOUSEHOLD_LIST_QUERIES = 10  # the same, with the member count joined into the page query


@pytest.mark.parametrize("rows", [2, 9])
def test_household_list_query_count_does_not_grow_with_rows(
    login_as, village_a_clerk, group_a1, small_pages, django_assert_num_queries, rows
):
    for _ in range(rows):
        factories.person(factories.household(group_a1))
    browser = login_as(village_a_clerk)

    with django_assert_num_queries(HOUSEHOLD_LIST_QUERIES):
        response = browser.get(reverse("people:household-list"))

    assert len(response.context["page"].items) == min(rows, 5)
