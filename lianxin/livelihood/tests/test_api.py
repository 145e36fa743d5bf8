"""The livelihood API: the same services, selectors and scope as the pages; bad input named by field."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from .. import services
from ..models import JobSeeker, VillageProject
from . import factories


@pytest.fixture
def landless(working_group_member, group_a1, project, default_rule):
    household = factories.household_with_land(group_a1, contracted="1", number="API-1")
    factories.take_land(project, household, working_group_member, mu="1")
    return household


def test_register_is_scoped(client, bearer, working_group_member, village_b_clerk, outsider, landless):
    ok = client.get("/api/livelihood/register", headers=bearer(working_group_member))
    assert ok.status_code == 200
    assert [row["number"] for row in ok.json()["items"]] == ["API-1"]
    assert ok.json()["items"][0]["landless"] is True
    assert client.get("/api/livelihood/register", headers=bearer(village_b_clerk)).json()["items"] == []
    assert client.get("/api/livelihood/register", headers=bearer(outsider)).status_code == 403


def test_survey_bad_input_is_named(client, bearer, working_group_member, landless):
    url = f"/api/livelihood/households/{landless.pk}/surveys"
    body = {"year": 2020, "kind": "baseline", "surveyed_on": "2021-01-10", "persons": 2, "wages": "-5"}
    response = client.post(url, body, content_type="application/json", headers=bearer(working_group_member))
    assert response.status_code == 422
    assert "wages" in str(response.json()["errors"])
    body["wages"] = "30000.50"
    created = client.post(url, body, content_type="application/json", headers=bearer(working_group_member))
    assert created.status_code == 201
    assert created.json()["total"] == "30000.50"


def test_posting_matching_and_proposal(client, bearer, working_group_member, liaison, landless, project, town):
    person = landless.members.first()
    services.job_seeker_register(
        actor=working_group_member, person=person, reason=JobSeeker.Reason.LAND_TAKEN, registered_on=date(2024, 1, 1)
    )
    posting = client.post(
        "/api/livelihood/postings",
        {
            "enterprise_id": project.enterprise_id,
            "region_id": town.pk,
            "title": "叉车工",
            "openings": 1,
            "wage_min": "3000",
            "wage_max": "4000",
            "starts_on": timezone.localdate().isoformat(),
            "min_age": 18,
            "max_age": 55,
        },
        content_type="application/json",
        headers=bearer(liaison),
    )
    assert posting.status_code == 201, posting.json()
    posting_id = posting.json()["id"]
    ranked = client.get(f"/api/livelihood/postings/{posting_id}/candidates", headers=bearer(working_group_member))
    assert [c["person_id"] for c in ranked.json()] == [person.pk]
    proposed = client.post(
        f"/api/livelihood/postings/{posting_id}/proposals",
        {"person_id": person.pk},
        content_type="application/json",
        headers=bearer(working_group_member),
    )
    assert proposed.status_code == 201
    declined = client.post(
        f"/api/livelihood/placements/{proposed.json()['id']}/decline",
        {"reason": "岗位已满"},
        content_type="application/json",
        headers=bearer(liaison),
    )
    assert declined.json()["status"] == "declined"


def test_village_project_sum_of_funds(client, bearer, working_group_member, village_a, project):
    response = client.post(
        "/api/livelihood/village-projects",
        {
            "village_id": village_a.pk,
            "name": "进村道路硬化",
            "kind": "road",
            "funds": [
                {"source": "county", "amount": "1200000"},
                {"source": "enterprise", "amount": "800000.50", "enterprise_id": project.enterprise_id},
            ],
        },
        content_type="application/json",
        headers=bearer(working_group_member),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "2000000.50"
    assert VillageProject.objects.get().amount == Decimal("2000000.50")
    missing = client.post(
        "/api/livelihood/village-projects",
        {"village_id": village_a.pk, "name": "x", "kind": "road", "funds": [{"source": "enterprise", "amount": "1"}]},
        content_type="application/json",
        headers=bearer(working_group_member),
    )
    assert missing.status_code == 400
    assert "企业" in missing.json()["message"]
    assert VillageProject.objects.count() == 1


def test_indicators_targets_vs_actuals(client, bearer, working_group_member, town_admin, village_a, village_b):
    for village, target, actual in ((village_a, "3000000", "2800000"), (village_b, "1000000", "1500000")):
        client.post(
            "/api/livelihood/indicators",
            {"region_id": village.pk, "year": 2012, "indicator": "net_income", "target": target, "actual": actual},
            content_type="application/json",
            headers=bearer(working_group_member),
        )
    rows = client.get("/api/livelihood/indicators?year=2012", headers=bearer(town_admin)).json()
    assert rows == [{"indicator": "net_income", "target": "4000000.00", "actual": "4300000.00", "percent": "107.5"}]
