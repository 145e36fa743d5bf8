"""A person search stays with its page, not with the user (issue 10, item 21).

After searching 人口 for one name, leaving the page and opening 人口 from the menu still listed one
person, and the export exported one. The search lives in the page's own session key: paging and the
export keep it; the menu link (``?menu=1``) starts afresh with everyone.
"""

import io
import re

import openpyxl
from django.urls import reverse

from lianxin.people.tests import factories

LIST = reverse("people:person-list")


def _names(html: str) -> list[str]:
    table = re.search(r'data-testid="person-table".*?</table>', html, re.S).group(0)
    return re.findall(r'/people/persons/\d+/">([^<]+)</a>', table)


def _menu_link(html: str) -> str:
    return re.search(r'href="(/people/persons/[^"]*)">人口<', html).group(1).replace("&amp;", "&")


def _searched(login_as, user):
    browser = login_as(user)
    browser.post(LIST, {"q": "王小明", "search": ""})
    return browser


def test_the_search_holds_on_the_page_and_in_the_export(login_as, town_admin, person_a, person_b):
    browser = _searched(login_as, town_admin)

    assert _names(browser.get(LIST).content.decode()) == ["王小明"]
    export = browser.get(reverse("people:person-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    names = [row[4] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    assert names == ["王小明"]


def test_opening_the_page_from_the_menu_lists_everyone_again(login_as, town_admin, person_a, person_b):
    browser = _searched(login_as, town_admin)
    elsewhere = browser.get(reverse("people:household-list")).content.decode()

    response = browser.get(_menu_link(elsewhere), follow=True)

    assert sorted(_names(response.content.decode())) == ["李秀英", "王小明"]
    assert response.redirect_chain[-1][0] == LIST  # the address bar is the plain list again
    export = browser.get(reverse("people:person-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert len([row for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]) == 2


def test_the_menu_link_carries_the_fresh_start_marker(login_as, town_admin):
    html = login_as(town_admin).get(reverse("reports:home")).content.decode()

    assert _menu_link(html) == f"{LIST}?menu=1"


def test_paging_keeps_the_search(login_as, town_admin, household_a, settings):
    settings.LIANXIN_PAGE_SIZE = 2
    for i in range(3):
        factories.person(household_a, name=f"王小明{i}")
    factories.person(household_a, name="赵四")
    browser = _searched(login_as, town_admin)

    first = browser.get(LIST).content.decode()
    after = re.search(r'href="\?after=(\d+)"', first).group(1)
    second = browser.get(LIST, {"after": after}).content.decode()

    assert all(name.startswith("王小明") for name in _names(first) + _names(second))
    assert len(_names(first) + _names(second)) == 3


def test_a_bad_value_in_the_search_is_named_not_kept(login_as, town_admin, person_a, person_b):
    browser = login_as(town_admin)

    response = browser.post(LIST, {"q": "", "village_group": "abc", "search": ""}, follow=True)

    html = response.content.decode()
    assert 'data-filter="village_group"' in html
    assert sorted(_names(html)) == ["李秀英", "王小明"]
    assert 'data-filter="village_group"' not in browser.get(LIST).content.decode()  # said once
