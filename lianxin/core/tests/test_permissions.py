"""scope_to_user / get_scoped_or_404 / require_perm: the one place a user's jurisdiction narrows a query."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lianxin.core.permissions import get_scoped_or_404, require_perm, scope_to_user
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region


def test_village_cadre_sees_only_rows_under_their_village(village_a_clerk, person_a, person_b):
    assert list(scope_to_user(Person.objects.all(), village_a_clerk)) == [person_a]


def test_township_leader_sees_the_whole_township(town_admin, person_a, person_b):
    assert set(scope_to_user(Person.objects.all(), town_admin)) == {person_a, person_b}


def test_village_scope_covers_the_village_and_its_groups_only(
    town, village_a, village_b, group_a1, group_b1, village_a_clerk
):
    visible = set(scope_to_user(Region.objects.all(), village_a_clerk))

    assert visible == {village_a, group_a1}


def test_user_without_view_permission_sees_nothing_even_in_scope(system_admin, person_a):
    assert not scope_to_user(Person.objects.all(), system_admin).exists()


def test_enterprise_liaison_sees_only_their_enterprise(outsider, enterprise_in_town):
    assert list(scope_to_user(Enterprise.objects.all(), outsider)) == [outsider.scope_enterprise]


def test_enterprise_liaison_sees_no_region_bound_rows(outsider, person_a, household_a):
    assert not scope_to_user(Household.objects.all(), outsider).exists()


def test_anonymous_and_disabled_users_see_nothing(village_a_clerk, person_a):
    from django.contrib.auth.models import AnonymousUser

    village_a_clerk.is_active = False

    assert not scope_to_user(Person.objects.all(), AnonymousUser()).exists()
    assert not scope_to_user(Person.objects.all(), None).exists()
    assert not scope_to_user(Person.objects.all(), village_a_clerk).exists()


def test_row_outside_scope_is_a_404_like_a_missing_one(village_a_clerk, person_a, person_b):
    assert get_scoped_or_404(Person.objects.all(), village_a_clerk, pk=person_a.pk) == person_a
    with pytest.raises(Http404):
        get_scoped_or_404(Person.objects.all(), village_a_clerk, pk=person_b.pk)
    with pytest.raises(Http404):
        get_scoped_or_404(Person.objects.all(), village_a_clerk, pk=10**9)


def test_malformed_id_is_a_404(village_a_clerk):
    with pytest.raises(Http404):
        get_scoped_or_404(Person.objects.all(), village_a_clerk, pk="abc")


def test_require_perm_refuses_in_chinese(town_admin):
    with pytest.raises(PermissionDenied, match="无权"):
        require_perm(town_admin, "people.add_person")


def test_require_perm_lets_the_role_through(village_a_clerk):
    require_perm(village_a_clerk, "people.add_person")  # no exception
