"""Every list page survives garbage in its filters (issue 10, item 4).

``/people/households/?village_group=abc`` was a 500 on an unstyled page. Each list page validates its
filters with a form (``lianxin.core.forms.FilterForm``): a bad value is ignored — the list is shown
without that filter — and a small Chinese notice names the filter it dropped (``data-filter="<name>"``).

``LIST_PAGES`` is the registry: one ``ListPage`` per list (and per export of a list), naming the user
who may open it and its filter parameters with their kind. A page added anywhere in the product adds
its entry here; the tests feed every parameter every value of ``GARBAGE``.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

# Kinds of filter parameter, and which garbage each must refuse (and name in the notice):
#   choice — a select (a choice, a model, a typed id): every garbage value is refused
#   search — a search box: any text, but not NUL and not longer than its limit
#   date   — a date box: only an ISO date
#   flag   — a tick box or a parameter read leniently: any value passes, none may break the page
CHOICE, SEARCH, DATE, FLAG = "choice", "search", "date", "flag"

LONG = "x" * 10_000
GARBAGE = {
    "abc": "abc",
    "decimal": "1.5",
    "negative": "-1",
    "huge": "99999999999999999999",
    "nul": "a\x00b",
    "long": LONG,
    "bad-date": "2026-13-45",
}
REFUSED = {
    CHOICE: set(GARBAGE),
    DATE: set(GARBAGE),
    SEARCH: {"nul", "long"},
    FLAG: set(),
}


@dataclass(frozen=True)
class ListPage:
    url_name: str
    user: str  # a fixture of the root conftest (or of the test module) who may open the page
    filters: dict[str, str] = field(default_factory=dict)  # parameter → CHOICE / SEARCH / DATE
    method: str = "get"  # "post": the filters are posted (a search kept in the session) and the page redirects
    export: bool = False  # an .xlsx export of the list: no page to look at, but never a 5xx
    paged: bool = True  # takes the ``after`` / ``before`` cursors of keyset paging

    @property
    def id(self) -> str:
        return self.url_name


LIST_PAGES: list[ListPage] = [
    # people
    ListPage("people:household-list", "town_admin", {"village_group": CHOICE, "q": SEARCH, "in_park": FLAG}),
    ListPage(
        "people:household-export",
        "town_admin",
        {"village_group": CHOICE, "q": SEARCH, "in_park": FLAG},
        export=True,
        paged=False,
    ),
    ListPage(
        "people:person-list", "town_admin", {"q": SEARCH, "village_group": CHOICE, "ethnicity": CHOICE}, method="post"
    ),
    # the person list's select filters also travel in the URL (drill-down links)
    ListPage("people:person-list", "town_admin", {"region": CHOICE, "in_park": FLAG}),
    ListPage("people:person-export", "town_admin", {"region": CHOICE, "in_park": FLAG}, export=True, paged=False),
    # regions
    ListPage(
        "regions:region-list",
        "town_admin",
        {"level": CHOICE, "q": SEARCH, "parent": CHOICE, "region": CHOICE, "in_park": FLAG},
        paged=False,
    ),
    # enterprises
    ListPage(
        "enterprises:enterprise-list",
        "town_admin",
        {"q": SEARCH, "industry": CHOICE, "region": CHOICE, "year": CHOICE, "in_park": FLAG},
    ),
    ListPage(
        "enterprises:enterprise-export",
        "town_admin",
        {"q": SEARCH, "industry": CHOICE, "region": CHOICE, "year": CHOICE, "in_park": FLAG},
        export=True,
        paged=False,
    ),
    ListPage("enterprises:project-list", "town_admin", {"q": SEARCH, "status": CHOICE, "region": CHOICE}),
    # imports
    ListPage("imports:batch-list", "working_group_member", {"ledger": CHOICE}),
    # accounts
    ListPage("accounts:user-list", "system_admin", {"q": SEARCH, "role": CHOICE}, paged=False),
    ListPage(
        "accounts:audit-list",
        "system_admin",
        {"model": CHOICE, "actor": SEARCH, "action": CHOICE, "object_id": SEARCH, "date_from": DATE, "date_to": DATE},
    ),
    ListPage(
        "accounts:audit-export",
        "system_admin",
        {"model": CHOICE, "actor": SEARCH, "action": CHOICE, "object_id": SEARCH, "date_from": DATE, "date_to": DATE},
        export=True,
        paged=False,
    ),
    ListPage("accounts:security-event-list", "system_admin", {"kind": CHOICE, "username": SEARCH}),
    # core
    ListPage("core:holiday-list", "system_admin", paged=False),
    # party
    ListPage(
        "party:member-list",
        "party_officer",
        {
            "q": SEARCH,
            "organization": CHOICE,
            "stage": CHOICE,
            "status": CHOICE,
            "village_group": CHOICE,
            "language": CHOICE,
            "admitted_from": DATE,
            "admitted_to": DATE,
            "region": CHOICE,
        },
    ),
    ListPage(
        "party:member-export",
        "party_officer",
        {
            "q": SEARCH,
            "organization": CHOICE,
            "stage": CHOICE,
            "status": CHOICE,
            "village_group": CHOICE,
            "region": CHOICE,
        },
        export=True,
        paged=False,
    ),
    ListPage(
        "party:organization-list", "party_officer", {"kind": CHOICE, "active": FLAG, "region": CHOICE}, paged=False
    ),
    ListPage(
        "party:pipeline",
        "party_officer",
        {"stage": CHOICE, "organization": CHOICE, "overdue": FLAG, "year": CHOICE, "region": CHOICE},
        paged=False,
    ),
    ListPage(
        "party:activity-list",
        "party_officer",
        {
            "q": SEARCH,
            "kind": CHOICE,
            "organization": CHOICE,
            "theme": CHOICE,
            "date_from": DATE,
            "date_to": DATE,
            "region": CHOICE,
        },
    ),
    ListPage("party:contacts", "party_officer", {"project": FLAG, "unlinked": FLAG, "linked": FLAG, "region": CHOICE}),
    ListPage("party:coverage", "party_officer", {"project": FLAG, "covered": FLAG, "region": CHOICE}, paged=False),
    ListPage(
        "party:study-hours", "party_officer", {"organization": CHOICE, "year": CHOICE, "region": CHOICE}, paged=False
    ),
    ListPage("party:regular-meetings", "party_officer", {"organization": CHOICE, "year": CHOICE}, paged=False),
    ListPage("party:dues", "party_officer", {"organization": CHOICE, "year": CHOICE}, paged=False),
    ListPage("party:evaluations", "party_officer", {"organization": CHOICE, "year": CHOICE}, paged=False),
    ListPage("party:service-standard", "town_admin", {"date_from": DATE, "date_to": DATE}, paged=False),
    # reports
    ListPage("reports:dashboard", "town_admin", {"period": CHOICE, "region": CHOICE}, paged=False),
    ListPage("reports:catalogue", "town_admin", {"period": CHOICE, "region": CHOICE}, paged=False),
    ListPage("reports:work-report", "town_admin", {"period": CHOICE, "region": CHOICE}, paged=False),
    ListPage("reports:return-list", "town_admin", {"period": CHOICE, "region": CHOICE}, paged=False),
    # livelihood
    ListPage(
        "livelihood:register", "town_admin", {"status": CHOICE, "village_group": CHOICE, "q": SEARCH, "region": CHOICE}
    ),
    ListPage(
        "livelihood:register-export",
        "town_admin",
        {"status": CHOICE, "village_group": CHOICE, "q": SEARCH, "region": CHOICE},
        export=True,
        paged=False,
    ),
    ListPage(
        "livelihood:alerts",
        "town_admin",
        {"year": CHOICE, "show": CHOICE, "village_group": CHOICE, "region": CHOICE},
        paged=False,
    ),
    ListPage("livelihood:income-figures", "town_admin", {"year": CHOICE, "village_group": CHOICE}, paged=False),
    ListPage("livelihood:posting-list", "town_admin", {"status": CHOICE, "q": SEARCH}),
    ListPage(
        "livelihood:placement-list",
        "town_admin",
        {
            "status": CHOICE,
            "village_group": CHOICE,
            "employed_on": DATE,
            "started_from": DATE,
            "started_to": DATE,
            "region": CHOICE,
        },
    ),
    ListPage("livelihood:quotas", "town_admin", {"year": CHOICE}, paged=False),
    ListPage(
        "livelihood:training-list", "town_admin", {"q": SEARCH, "date_from": DATE, "date_to": DATE, "region": CHOICE}
    ),
    ListPage(
        "livelihood:business-list",
        "town_admin",
        {"kind": CHOICE, "village_group": CHOICE, "open": FLAG, "region": CHOICE},
    ),
    ListPage("livelihood:insurance-list", "town_admin", {"status": CHOICE, "village_group": CHOICE, "region": CHOICE}),
    ListPage("livelihood:not-enrolled", "town_admin", {"village_group": CHOICE, "region": CHOICE}),
    ListPage("livelihood:pairing-list", "town_admin", {"village": CHOICE, "region": CHOICE}),
    ListPage(
        "livelihood:project-list",
        "town_admin",
        {"village": CHOICE, "kind": CHOICE, "status": CHOICE, "region": CHOICE},
    ),
    ListPage(
        "livelihood:indicators", "town_admin", {"year": CHOICE, "indicator": CHOICE, "region": CHOICE}, paged=False
    ),
]


@pytest.fixture
def party_officer(make_user, town):
    from lianxin.accounts.roles import Role

    return make_user("party_officer", Role.PARTY_OFFICER, scope_region=town)


def _cases() -> list:
    cases = []
    for page in LIST_PAGES:
        for param, kind in page.filters.items():
            for name, value in GARBAGE.items():
                cases.append(pytest.param(page, param, value, name in REFUSED[kind], id=f"{page.id}-{param}-{name}"))
    return cases


def _open(request, login_as, page: ListPage, params: dict):
    client = login_as(request.getfixturevalue(page.user))
    url = reverse(page.url_name)
    if page.method == "post":
        response = client.post(url, params)
        assert response.status_code == 302
        return client.get(response["Location"])
    return client.get(url, params)


def _notice(html: str) -> str:
    match = re.search(r'<div[^>]*data-testid="ignored-filters".*?</div>', html, re.S)
    return match.group(0) if match else ""


def _assert_styled(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert '<nav class="navbar' in html, "not the base layout"
    assert "bootstrap.min.css" in html
    return html


@pytest.fixture(autouse=True)
def _something_to_list(group_a1, household_a, person_a, enterprise_in_town):
    """A row on each list, so pages render their tables as well as their forms."""


@pytest.mark.parametrize(("page", "param", "value", "refused"), _cases())
def test_garbage_in_a_filter_is_never_a_server_error(request, login_as, page, param, value, refused):
    response = _open(request, login_as, page, {param: value})

    assert response.status_code < 500
    if page.export:
        assert response.status_code == 200
        return
    html = _assert_styled(response)
    if refused:
        notice = _notice(html)
        assert f'data-filter="{param}"' in notice, f"the notice does not name {param}"
        assert "x" * 100 not in notice  # the notice shortens what it repeats
        assert "\x00" not in html
        assert f'value="{LONG}"' not in html  # the dropped filter's box shows empty
    else:
        assert f'data-filter="{param}"' not in html


@pytest.mark.parametrize("page", [p for p in LIST_PAGES if not p.export], ids=lambda p: p.id)
def test_an_unknown_parameter_is_passed_over(request, login_as, page):
    response = _open(request, login_as, page, {"colour": "red", "x\x00": "y"})

    html = _assert_styled(response)
    assert 'data-testid="ignored-filters"' not in html


@pytest.mark.parametrize("cursor", ["after", "before"])
@pytest.mark.parametrize("value", list(GARBAGE.values()), ids=list(GARBAGE))
@pytest.mark.parametrize("page", [p for p in LIST_PAGES if p.paged], ids=lambda p: p.id)
def test_garbage_in_the_paging_cursor_shows_a_page(request, login_as, page, cursor, value):
    client = login_as(request.getfixturevalue(page.user))

    response = client.get(reverse(page.url_name), {cursor: value})

    _assert_styled(response)


def test_a_valid_filter_still_filters_beside_a_dropped_one(login_as, town_admin, group_a1, group_a2):
    from lianxin.people.tests import factories

    factories.household(group_a1, number="A1-7")
    factories.household(group_a2, number="A2-9")

    html = login_as(town_admin).get(reverse("people:household-list"), {"village_group": "abc", "q": "A2-"}).content
    html = html.decode()

    assert "A2-9" in html
    assert "A1-7" not in html
    assert 'data-filter="village_group"' in html
    assert "村民小组" in html
