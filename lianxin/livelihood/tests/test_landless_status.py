"""The register's stored decision (LandlessStatus) follows every event that changes it: a new agreement, a
household's members, its contract right, a rule change (recomputed in bulk)."""

from datetime import date
from decimal import Decimal

from lianxin.land import services as land_services
from lianxin.people.tests import factories as people_factories

from .. import selectors, services
from ..models import LandlessStatus
from . import factories


def _status(household) -> LandlessStatus | None:
    return LandlessStatus.objects.filter(household=household).first()


def test_a_new_agreement_stores_the_decision(working_group_member, group_a1, project, default_rule):
    household = factories.household_with_land(group_a1, members=2, contracted="10")
    assert _status(household) is None  # no land taken: no row

    factories.take_land(project, household, working_group_member, mu="5")
    status = _status(household)
    assert (status.is_landless, status.lost100, status.persons, status.rule) == (False, Decimal("500"), 2, default_rule)

    factories.take_land(project, household, working_group_member, mu="3")  # 80% lost now
    assert _status(household).is_landless
    assert selectors.register(user=working_group_member).filter(pk=household.pk).exists()


def test_a_new_member_can_make_a_household_landless(working_group_member, group_a1, project):
    # 0.7 mu left: 0.35 per person for two, 0.23 for three (rule: below 0.30 per person)
    factories.rule(working_group_member, max_mu="0.30", min_percent=None)
    household = factories.household_with_land(group_a1, members=2, contracted="10")
    factories.take_land(project, household, working_group_member, mu="9.3")
    assert not _status(household).is_landless

    people_factories.person(household, name="新生儿")

    assert _status(household).persons == 3
    assert _status(household).is_landless
    assert selectors.register(user=working_group_member).filter(pk=household.pk).exists()


def test_a_corrected_contract_right_is_decided_again(working_group_member, group_a1, project, default_rule):
    household = factories.household_with_land(group_a1, members=1, contracted="10")
    factories.take_land(project, household, working_group_member, mu="6")  # 60%, 4 mu per person left
    assert not _status(household).is_landless

    land_services.contract_right_set(household=household, contracted_area_mu=Decimal("8"))  # 75% lost

    assert _status(household).contracted_area_mu == Decimal("8")
    assert _status(household).is_landless


def test_a_rule_change_decides_every_household_again(working_group_member, group_a1, group_b1, project):
    rule = factories.rule(working_group_member, max_mu=None, min_percent="70")
    a = factories.household_with_land(group_a1, members=1, contracted="10")
    b = factories.household_with_land(group_b1, members=1, contracted="10")
    factories.take_land(project, a, working_group_member, mu="6")
    factories.take_land(project, b, working_group_member, mu="2")
    assert not _status(a).is_landless
    assert not _status(b).is_landless

    # when the local policy lowers the share to 50%
    services.rule_save(
        actor=working_group_member,
        rule=rule,
        name=rule.name,
        valid_from=rule.valid_from,
        valid_to=None,
        max_mu_per_person=None,
        min_share_lost_percent=Decimal("50"),
    )

    # then the 60% household counts, the 20% one still does not, and the matching sees it too
    assert _status(a).is_landless
    assert not _status(b).is_landless
    assert set(selectors.landless_household_ids().values_list("household_id", flat=True)) == {a.pk}


def test_a_rule_ending_before_the_acquisition_leaves_it_unjudged(working_group_member, group_a1, project):
    rule = factories.rule(working_group_member, max_mu=None, min_percent="50")
    household = factories.household_with_land(group_a1, members=1, contracted="10")
    factories.take_land(project, household, working_group_member, mu="6", signed_on=date(2024, 6, 1))
    assert _status(household).is_landless

    services.rule_save(
        actor=working_group_member,
        rule=rule,
        name=rule.name,
        valid_from=rule.valid_from,
        valid_to=date(2023, 12, 31),
        max_mu_per_person=None,
        min_share_lost_percent=Decimal("50"),
    )

    assert _status(household).rule is None
    assert not _status(household).is_landless


def test_refresh_of_everything_matches_the_stored_decisions(working_group_member, group_a1, project, default_rule):
    households = [factories.household_with_land(group_a1, members=2, contracted="10") for _ in range(3)]
    for household, mu in zip(households, ("9.5", "5", "7"), strict=True):
        factories.take_land(project, household, working_group_member, mu=mu)
    before = sorted(LandlessStatus.objects.values_list("household_id", "is_landless", "lost100", "persons"))
    LandlessStatus.objects.all().delete()

    assert services.landless_status_refresh() == 2
    assert sorted(LandlessStatus.objects.values_list("household_id", "is_landless", "lost100", "persons")) == before


def test_a_job_seekers_copied_birth_date_follows_a_corrected_resident_id(working_group_member, group_a1):
    from lianxin.people.services import person_update

    household = factories.household_with_land(group_a1, members=1, births=[date(1980, 1, 1)])
    person = household.members.get()
    seeker = services.job_seeker_register(
        actor=working_group_member, person=person, reason="land_taken", registered_on=date(2025, 1, 1)
    )
    assert (seeker.household_id, seeker.birth_date) == (household.pk, date(1980, 1, 1))

    person_update(
        person=person,
        name=person.name,
        relation=person.relation,
        ethnicity=person.ethnicity,
        resident_id=people_factories.resident_id(birth=date(1990, 6, 1)),
        keep_phone=True,
    )

    seeker.refresh_from_db()
    assert seeker.birth_date == date(1990, 6, 1)  # the matching's age limits read this copy
