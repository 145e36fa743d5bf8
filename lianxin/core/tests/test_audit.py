"""acting_as: every audit entry names who made the change, from a page, the API or a command."""

from auditlog.models import LogEntry
from django.urls import reverse

from lianxin.core.audit import acting_as, client_ip
from lianxin.people.models import Household
from lianxin.people.services import household_update
from lianxin.people.tests import factories as people_factories


def _last_entry(instance) -> LogEntry:
    return LogEntry.objects.get_for_object(instance).order_by("-pk").first()


def test_consecutive_writes_outside_a_request_each_record_their_actor(household_a, village_a_clerk, town_admin):
    """Regression: auditlog leaves its context behind; the second write used to lose its actor."""
    household_update(household=household_a, number="H-1", address="", actor=village_a_clerk)
    first = _last_entry(household_a)
    household_update(household=household_a, number="H-2", address="", actor=town_admin)
    second = _last_entry(household_a)

    assert first.actor == village_a_clerk
    assert second.actor == town_admin


def test_write_after_a_page_request_records_its_own_actor_and_no_stale_address(
    login_as, household_a, village_a_clerk, town_admin
):
    login_as(village_a_clerk).get(reverse("people:household-list"), REMOTE_ADDR="10.9.8.7")

    household_update(household=household_a, number="H-3", address="", actor=town_admin)

    entry = _last_entry(household_a)
    assert entry.actor == town_admin
    assert entry.remote_addr is None
    assert client_ip() is None


def test_write_without_actor_is_recorded_as_the_system(group_a1):
    household = people_factories.household(group_a1)

    entry = _last_entry(household)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor is None


def test_nested_blocks_restore_the_outer_actor(household_a, village_a_clerk, town_admin):
    with acting_as(village_a_clerk):
        with acting_as(town_admin):
            household_a.address = "内层"
            household_a.save()
        inner = _last_entry(household_a)
        household_a.address = "外层"
        household_a.save()
        outer = _last_entry(household_a)

    assert inner.actor == town_admin
    assert outer.actor == village_a_clerk
    assert Household.objects.get(pk=household_a.pk).address == "外层"
