"""Keyset paging: pages never overlap or skip rows, and both cursors lead where they say."""

import pytest

from lianxin.core.pagination import keyset_page
from lianxin.people.models import Household
from lianxin.people.tests import factories as people_factories


@pytest.fixture
def eight_households(group_a1):
    return [people_factories.household(group_a1) for _ in range(8)]


def _walk_forward(qs, size):
    pages, after = [], None
    while True:
        page = keyset_page(qs, after=after, size=size)
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = str(page.next_cursor)


def test_pages_cover_every_row_once_newest_first(eight_households):
    pages = _walk_forward(Household.objects.all(), size=3)

    ids = [h.pk for page in pages for h in page.items]
    assert [len(page.items) for page in pages] == [3, 3, 2]
    assert ids == sorted((h.pk for h in eight_households), reverse=True)
    assert len(set(ids)) == len(ids)


def test_only_the_first_page_is_first_and_only_the_last_has_no_next(eight_households):
    first, middle, last = _walk_forward(Household.objects.all(), size=3)

    assert (first.is_first, middle.is_first, last.is_first) == (True, False, False)
    assert first.previous_cursor is None
    assert middle.next_cursor is not None
    assert last.next_cursor is None


def test_previous_cursor_leads_back_to_the_page_before(eight_households):
    first, middle, last = _walk_forward(Household.objects.all(), size=3)

    back_to_middle = keyset_page(Household.objects.all(), before=str(last.previous_cursor), size=3)
    back_to_first = keyset_page(Household.objects.all(), before=str(middle.previous_cursor), size=3)

    assert [h.pk for h in back_to_middle.items] == [h.pk for h in middle.items]
    assert back_to_middle.is_first is False
    assert [h.pk for h in back_to_first.items] == [h.pk for h in first.items]
    assert back_to_first.is_first is True
    assert back_to_first.previous_cursor is None
    assert back_to_first.next_cursor == first.next_cursor


def test_exactly_one_full_page_offers_no_next_page(group_a1):
    for _ in range(3):
        people_factories.household(group_a1)

    page = keyset_page(Household.objects.all(), size=3)

    assert len(page.items) == 3
    assert page.next_cursor is None


@pytest.mark.parametrize("cursor", ["", "abc", "1.5", "-"])
def test_unreadable_cursor_shows_the_first_page(eight_households, cursor):
    page = keyset_page(Household.objects.all(), after=cursor, size=3)

    assert page.is_first is True
    assert page.items[0].pk == max(h.pk for h in eight_households)


def test_paging_respects_the_queryset_filter(eight_households, group_a2):
    other = people_factories.household(group_a2)

    pages = _walk_forward(Household.objects.filter(village_group=eight_households[0].village_group), size=5)

    assert other.pk not in [h.pk for page in pages for h in page.items]
    assert sum(len(page.items) for page in pages) == 8
