"""Employment: matching order (landless first, deterministic ties), the propose → accept/decline flow, quotas."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.core.errors import DomainError

from .. import selectors, services
from ..models import JobPosting, JobSeeker, Placement, PlacementEvent
from . import factories


def _seeker(actor, household, skills="", index=0):
    person = household.members.order_by("pk")[index]
    services.job_seeker_register(
        actor=actor, person=person, reason=JobSeeker.Reason.LAND_TAKEN, registered_on=date(2024, 1, 1), skills=skills
    )
    return person


@pytest.fixture
def posting(working_group_member, project, town):
    return services.posting_create(
        actor=working_group_member,
        enterprise=project.enterprise,
        region=town,
        title="操作工",
        openings=2,
        wage_min=Decimal("3000"),
        wage_max=Decimal("4500"),
        starts_on=timezone.localdate(),
        skills="电工,焊工",
        min_age=18,
        max_age=50,
    )


@pytest.fixture
def cast(working_group_member, group_a1, group_b1, project, default_rule):
    """A landless farmer without skills, and a better-skilled person whose household kept its land."""
    landless_home = factories.household_with_land(group_a1, contracted="1")
    factories.take_land(project, landless_home, working_group_member, mu="1")
    landed_home = factories.household_with_land(group_b1, contracted="10")
    factories.take_land(project, landed_home, working_group_member, mu="1")
    landless = _seeker(working_group_member, landless_home)
    skilled = _seeker(working_group_member, landed_home, skills="电工,焊工")
    return landless, skilled


def test_landless_farmer_outranks_a_better_skilled_candidate(working_group_member, posting, cast):
    landless, skilled = cast

    ranked = selectors.match(user=working_group_member, posting=posting)

    assert [c.person_id for c in ranked] == [landless.pk, skilled.pk]
    assert ranked[0].landless
    assert not ranked[1].landless
    assert ranked[1].skills_matched == 2


def test_ties_break_by_person_id(working_group_member, posting, group_a1, project, default_rule):
    home = factories.household_with_land(group_a1, members=3, contracted="1")
    factories.take_land(project, home, working_group_member, mu="1")
    people = [_seeker(working_group_member, home, index=i) for i in (2, 0, 1)]

    ranked = selectors.match(user=working_group_member, posting=posting)

    assert [c.person_id for c in ranked] == sorted(p.pk for p in people)


def test_age_limits_and_proposed_people_are_left_out(working_group_member, posting, group_a1):
    home = factories.household_with_land(group_a1, members=2, births=[date(1950, 1, 1), date(1995, 1, 1)])
    old = _seeker(working_group_member, home, index=0)
    young = _seeker(working_group_member, home, index=1)

    assert [c.person_id for c in selectors.match(user=working_group_member, posting=posting)] == [young.pk]
    services.placement_propose(actor=working_group_member, posting=posting, person=young, on=timezone.localdate())
    assert selectors.match(user=working_group_member, posting=posting) == []
    assert old.pk  # 74 or so: past the post's 50


def test_propose_accept_decline_and_history(working_group_member, liaison, posting, cast):
    landless, skilled = cast
    today = timezone.localdate()
    first = services.placement_propose(actor=working_group_member, posting=posting, person=landless, on=today)
    second = services.placement_propose(actor=working_group_member, posting=posting, person=skilled, on=today)

    services.placement_accept(actor=liaison, placement=first, starts_on=today, wage=Decimal("3800"), contract_no="HT-1")
    with pytest.raises(DomainError, match="未录用原因"):
        services.placement_decline(actor=liaison, placement=second, reason=" ", on=today)
    services.placement_decline(actor=liaison, placement=second, reason="体检不合格", on=today)

    first.refresh_from_db()
    assert first.status == Placement.Status.ACCEPTED
    assert JobSeeker.objects.get(person=landless).status == JobSeeker.Status.PLACED
    assert list(PlacementEvent.objects.filter(placement=second).values_list("status", flat=True)) == [
        "proposed",
        "declined",
    ]
    assert selectors.employed_landless(user=working_group_member).count() == 1
    with pytest.raises(DomainError, match="已是"):
        services.placement_accept(actor=liaison, placement=second, starts_on=today, wage=Decimal("1"))


def test_liaison_of_another_enterprise_cannot_decide(working_group_member, outsider, posting, cast):
    landless, _skilled = cast
    placement = services.placement_propose(
        actor=working_group_member, posting=posting, person=landless, on=timezone.localdate()
    )
    with pytest.raises(DomainError):
        services.placement_decline(actor=outsider, placement=placement, reason="不要", on=timezone.localdate())


def test_liaison_posts_only_for_their_enterprise(liaison, outsider, project, town):
    kwargs = dict(
        region=town,
        title="司机",
        openings=1,
        wage_min=Decimal("3000"),
        wage_max=Decimal("2000"),
        starts_on=timezone.localdate(),
    )
    with pytest.raises(DomainError, match="上限不能低于下限"):
        services.posting_create(actor=liaison, enterprise=project.enterprise, **kwargs)
    kwargs["wage_max"] = Decimal("5000")
    with pytest.raises(DomainError, match="只能为本企业"):
        services.posting_create(actor=outsider, enterprise=project.enterprise, **kwargs)
    posting = services.posting_create(actor=liaison, enterprise=project.enterprise, **kwargs)
    assert posting.enterprise == project.enterprise
    assert list(selectors.posting_list(user=outsider)) == []


def test_quota_committed_vs_actual(working_group_member, liaison, posting, cast, project):
    landless, skilled = cast
    today = timezone.localdate()
    services.quota_set(actor=working_group_member, enterprise=project.enterprise, year=today.year, committed=5)
    for person in (landless, skilled):
        placement = services.placement_propose(actor=working_group_member, posting=posting, person=person, on=today)
        services.placement_accept(actor=liaison, placement=placement, starts_on=today, wage=Decimal("3500"))

    (row,) = selectors.quota_rows(user=working_group_member, year=today.year)

    assert row.quota.committed == 5
    assert row.actual == 1  # only the landless farmer counts towards the commitment
    assert row.shortfall == 4
    assert selectors.quota_rows(user=working_group_member, year=today.year - 1) == []


def test_placement_end_and_employed_by_month(working_group_member, liaison, posting, cast):
    landless, _skilled = cast
    today = timezone.localdate()
    placement = services.placement_propose(actor=working_group_member, posting=posting, person=landless, on=today)
    services.placement_accept(actor=liaison, placement=placement, starts_on=today, wage=Decimal("3500"))
    with pytest.raises(DomainError, match="不能早于上岗日期"):
        services.placement_end(actor=working_group_member, placement=placement, ends_on=today - timedelta(days=1))
    services.placement_end(actor=working_group_member, placement=placement, ends_on=today + timedelta(days=1))

    assert selectors.employed_landless(user=working_group_member, day=today).count() == 1
    assert selectors.employed_landless(user=working_group_member, day=today + timedelta(days=1)).count() == 0
    assert JobSeeker.objects.get(person=landless).status == JobSeeker.Status.SEEKING


def test_posting_pages_for_cadre_and_liaison(login_as, working_group_member, liaison, posting, cast):
    landless, _skilled = cast
    cadre = login_as(working_group_member)
    html = cadre.get(reverse("livelihood:posting-detail", args=[posting.pk])).content.decode()
    assert f'data-person="{landless.pk}"' in html
    cadre.post(reverse("livelihood:propose", args=[posting.pk]), {"person": landless.pk})
    placement = Placement.objects.get(person=landless)

    page = login_as(liaison).get(reverse("livelihood:posting-detail", args=[posting.pk])).content.decode()
    assert 'data-testid="accept-form"' in page
    assert 'data-testid="candidate-table"' not in page  # liaisons decide; cadres propose
    response = login_as(liaison).post(
        reverse("livelihood:accept", args=[placement.pk]),
        {"starts_on": timezone.localdate().isoformat(), "wage": "3600", "contract_no": ""},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACCEPTED
    assert JobPosting.objects.get(pk=posting.pk).placements.count() == 1


def test_employed_api_counts_by_month_as_named_fields(client, bearer, working_group_member, liaison, posting, cast):
    landless, _skilled = cast
    today = timezone.localdate()
    placement = services.placement_propose(actor=working_group_member, posting=posting, person=landless, on=today)
    services.placement_accept(actor=liaison, placement=placement, starts_on=today, wage=Decimal("3500"))

    body = client.get("/api/livelihood/employed", headers=bearer(working_group_member)).json()

    assert body["total"] == 1
    assert {"month": today.strftime("%Y-%m"), "count": 1} in body["by_month"]
