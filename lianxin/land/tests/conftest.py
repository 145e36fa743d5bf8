import pytest

from . import factories


@pytest.fixture
def land_project(town):
    return factories.project(town)


@pytest.fixture
def standards(town):
    return factories.township_standards(town)


@pytest.fixture
def signed(land_project, standards, group_a1, household_a, person_a, working_group_member):
    """A 10 mu dry-land parcel held wholly by household A under an agreement of 550,000 元 (30k+20k+5k per mu)."""
    parcel = factories.parcel(land_project, group_a1, area_mu="10")
    holding = factories.holding(parcel, household_a)
    agreement = factories.agreement(land_project, household_a, [holding], working_group_member)
    parcel.refresh_from_db()
    return agreement, parcel
