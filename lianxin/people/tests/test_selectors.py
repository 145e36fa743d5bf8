"""People selectors: scope first, then search by name fragment or by full resident ID through its blind index."""

import pytest

from lianxin.people import selectors
from lianxin.people.models import Person
from lianxin.people.tests import factories

FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789X"})


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("village_a_clerk", {"王小明"}),
        ("village_b_clerk", {"李秀英"}),
        ("town_admin", {"王小明", "李秀英"}),
        ("working_group_member", {"王小明", "李秀英"}),
        ("outsider", set()),
        ("system_admin", set()),
    ],
)
def test_person_list_holds_exactly_the_people_in_scope(request, role, expected, person_a, person_b):
    user = request.getfixturevalue(role)

    assert {p.name for p in selectors.person_list(user=user)} == expected


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n,
        lambda n: f"{n[:6]} {n[6:14]} {n[14:]}",
        lambda n: n.translate(FULL_WIDTH),
    ],
    ids=["as-stored", "with-spaces", "full-width"],
)
def test_search_by_full_resident_id_finds_the_person(household_a, town_admin, typed):
    number = factories.resident_id()
    wanted = factories.person(household_a, name="王小明", resident_id=number)
    factories.person(household_a, name="王大山")

    found = list(selectors.person_list(user=town_admin, q=typed(number)))

    assert found == [wanted]


def test_search_by_resident_id_stays_within_scope(household_b, village_a_clerk):
    number = factories.resident_id()
    factories.person(household_b, name="李秀英", resident_id=number)

    assert not selectors.person_list(user=village_a_clerk, q=number).exists()


def test_search_by_part_of_a_resident_id_finds_nobody(household_a, town_admin):
    """Only the full number is indexed: fragments of it cannot be used to enumerate people."""
    number = factories.resident_id()
    factories.person(household_a, name="王小明", resident_id=number)

    assert not selectors.person_list(user=town_admin, q=number[:14]).exists()


def test_search_by_name_fragment(person_a, person_b, town_admin):
    assert list(selectors.person_list(user=town_admin, q="小明")) == [person_a]
    assert list(selectors.person_list(user=town_admin, q=" 李 秀英 ")) == [person_b]


def test_filters_by_village_group_and_gender(person_a, person_b, household_a, town_admin):
    sister = factories.person(household_a, name="王小红", male=False)

    in_group = selectors.person_list(user=town_admin, village_group_id=household_a.village_group_id)
    women = selectors.person_list(user=town_admin, gender=Person.Gender.FEMALE)

    assert set(in_group) == {person_a, sister}
    assert set(women) == {person_b, sister}


def test_household_list_counts_members_within_scope(household_a, household_b, person_a, village_a_clerk):
    factories.person(household_a, name="王小红", male=False)

    households = list(selectors.household_list(user=village_a_clerk))

    assert [(h.pk, h.member_count) for h in households] == [(household_a.pk, 2)]


def test_household_members_are_listed_like_a_household_register(household_a):
    child = factories.person(household_a, name="王小山", relation=Person.Relation.CHILD)
    other = factories.person(household_a, name="赵四", relation=Person.Relation.OTHER)
    head = factories.person(household_a, name="王大山", relation=Person.Relation.HEAD)
    spouse = factories.person(household_a, name="张秀兰", relation=Person.Relation.SPOUSE, male=False)

    members = list(selectors.household_members(household=household_a))

    assert members == [head, spouse, child, other]
