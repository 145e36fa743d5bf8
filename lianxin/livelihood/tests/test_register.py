"""The landless-farmer register: derived from the land ledger under the rule in force on the acquisition date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.core.errors import DomainError
from lianxin.people.tests import factories as people_factories

from .. import selectors
from . import factories


def _on_register(user, household) -> bool:
    return selectors.register(user=user).filter(pk=household.pk).exists()


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ("9.40", True),  # 94% lost
        ("6.99", False),  # 69.9% lost, 1.5 mu/person left
        ("7.00", True),  # exactly 70% lost: counts
    ],
)
def test_share_lost_threshold_counts_from_exactly_seventy_percent(
    working_group_member, group_a1, project, taken, expected
):
    factories.rule(working_group_member, max_mu=None, min_percent="70")
    household = factories.household_with_land(group_a1, members=2, contracted="10")
    factories.take_land(project, household, working_group_member, mu=taken)

    assert _on_register(working_group_member, household) is expected


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ("9.40", False),  # 0.30 per person left: not *below* 0.30
        ("9.41", True),  # 0.295 per person left
        ("1.00", False),
    ],
)
def test_land_per_person_threshold_is_strictly_below(working_group_member, group_a1, project, taken, expected):
    factories.rule(working_group_member, max_mu="0.30", min_percent=None)
    household = factories.household_with_land(group_a1, members=2, contracted="10")
    factories.take_land(project, household, working_group_member, mu=taken)

    assert _on_register(working_group_member, household) is expected


def test_rule_in_force_on_the_acquisition_date_applies(working_group_member, group_a1, project):
    # given an old rule (≥ 90% lost) until the end of last year and a new one (≥ 50%) from this year
    today = timezone.localdate()
    new_year = date(today.year, 1, 1)
    old = factories.rule(working_group_member, valid_to=new_year - timedelta(days=1), max_mu=None, min_percent="90")
    new = factories.rule(working_group_member, valid_from=new_year, max_mu=None, min_percent="50")
    before = factories.household_with_land(group_a1, contracted="10")
    after = factories.household_with_land(group_a1, contracted="10")

    # when both lose 60% of their land, one before the change and one after it
    factories.take_land(project, before, working_group_member, mu="6", signed_on=new_year - timedelta(days=3))
    factories.take_land(project, after, working_group_member, mu="6", signed_on=new_year)

    # then only the later acquisition counts, and the register says which rule applied
    rows = {
        r.household.pk: r
        for r in selectors.register_rows(selectors.register(user=working_group_member, status="affected"))
    }
    assert rows[before.pk].rule == old
    assert not rows[before.pk].landless
    assert rows[after.pk].rule == new
    assert rows[after.pk].landless


def test_overlapping_rules_are_refused(working_group_member):
    factories.rule(working_group_member, valid_from=date(2010, 1, 1), valid_to=date(2015, 12, 31))

    with pytest.raises(DomainError, match="重叠"):
        factories.rule(working_group_member, valid_from=date(2015, 12, 31))


def test_rule_needs_a_threshold(working_group_member):
    with pytest.raises(DomainError, match="至少填写一项"):
        factories.rule(working_group_member, max_mu=None, min_percent=None)


def test_register_follows_a_new_agreement_and_a_household_change(working_group_member, group_a1, project, default_rule):
    household = factories.household_with_land(group_a1, members=2, contracted="10")
    factories.take_land(project, household, working_group_member, mu="5")  # 50%, 2.5 mu per person left
    assert not _on_register(working_group_member, household)

    factories.take_land(project, household, working_group_member, mu="3")  # a second agreement: 80% lost
    assert _on_register(working_group_member, household)

    entry = selectors.household_entry(user=working_group_member, household=household)
    assert entry.mu_lost == Decimal("8.00")
    assert entry.share_lost_percent == Decimal("80.00")
    assert entry.per_person == Decimal("1.00")

    people_factories.person(household, name="新生儿")  # the household changes: 3 persons now
    entry = selectors.household_entry(user=working_group_member, household=household)
    assert entry.members == 3
    assert entry.per_person == Decimal("0.67")


def test_household_without_contracted_area_is_not_judged(working_group_member, group_a1, project, default_rule):
    household = factories.household_with_land(group_a1, contracted=None)
    factories.take_land(project, household, working_group_member, mu="5")

    assert not _on_register(working_group_member, household)
    assert selectors.register(user=working_group_member, status="affected").filter(pk=household.pk).exists()


def test_persons_with_age_at_acquisition_and_working_age(working_group_member, group_a1, project, default_rule):
    signed = timezone.localdate() - timedelta(days=10)
    household = factories.household_with_land(
        group_a1, members=2, contracted="1", births=[signed.replace(year=signed.year - 40), date(1940, 1, 1)]
    )
    factories.take_land(project, household, working_group_member, mu="1", signed_on=signed)

    entry = selectors.household_entry(user=working_group_member, household=household)
    persons = selectors.persons_of(entry, today=timezone.localdate())
    assert [(p.age_at_acquisition, p.working_age) for p in persons][0] == (40, True)
    assert persons[1].working_age is False


def test_village_cadre_sees_only_their_villages(
    working_group_member, village_a_clerk, village_b_clerk, group_a1, group_b1, project, default_rule
):
    a = factories.household_with_land(group_a1, contracted="1")
    b = factories.household_with_land(group_b1, contracted="1")
    factories.take_land(project, a, working_group_member, mu="1")
    factories.take_land(project, b, working_group_member, mu="1")

    assert set(selectors.register(user=village_a_clerk).values_list("pk", flat=True)) == {a.pk}
    assert set(selectors.register(user=working_group_member).values_list("pk", flat=True)) == {a.pk, b.pk}


def test_register_page_export_and_scope(
    login_as, working_group_member, village_b_clerk, outsider, group_a1, project, default_rule
):
    household = factories.household_with_land(group_a1, contracted="1", number="JMS-001")
    factories.take_land(project, household, working_group_member, mu="1")

    page = login_as(working_group_member).get(reverse("livelihood:register"))
    assert page.status_code == 200
    assert "JMS-001" in page.content.decode()
    assert "JMS-001" not in login_as(village_b_clerk).get(reverse("livelihood:register")).content.decode()
    assert login_as(outsider).get(reverse("livelihood:register")).status_code == 403
    detail = reverse("livelihood:household", args=[household.pk])
    assert login_as(village_b_clerk).get(detail).status_code == 404
    assert login_as(working_group_member).get(detail).status_code == 200

    export = login_as(working_group_member).get(reverse("livelihood:register-export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_without_any_rule_nobody_is_on_the_register(working_group_member, group_a1, project):
    household = factories.household_with_land(group_a1, contracted="1")
    factories.take_land(project, household, working_group_member, mu="1")

    assert not selectors.register(user=working_group_member).exists()
    (row,) = selectors.register_rows(selectors.register(user=working_group_member, status="affected"))
    assert row.rule is None
    assert not row.landless
