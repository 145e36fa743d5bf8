"""The Party pages and API for each role: who may open what, the branch secretary never reaching another branch's
member (by URL or API), masked and audited exports, refusals shown with their article, the coverage suggestion
pre-filling the temporary branch, contacts on the household and land pages, the home figures."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.party import services
from lianxin.party.models import Member, Organization, Step

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(party_officer, branch_a, branch_b, group_a1, group_b1):
    return {
        "a": factories.member(party_officer, branch_a, group_a1, name="甲党员"),
        "b": factories.member(party_officer, branch_b, group_b1, name="乙党员"),
    }


@pytest.mark.parametrize(
    "url",
    [
        "/party/",
        "/party/organizations/",
        "/party/coverage/",
        "/party/members/",
        "/party/pipeline/",
        "/party/contacts/",
        "/party/activities/",
        "/party/study-hours/",
        "/party/regular-meetings/",
        "/party/language-teams/",
        "/party/dues/",
        "/party/evaluations/",
        "/party/rules/",
        "/party/service-standard/",
        "/party/members/new/",
        "/party/pipeline/new/",
        "/party/organizations/new/",
    ],
)
def test_the_party_officer_opens_every_page(login_as, party_officer, roster, url):
    assert login_as(party_officer).get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.TOWNSHIP_LEADER, "/party/members/", 200),
        (Role.TOWNSHIP_LEADER, "/party/members/new/", 403),
        (Role.COUNTY_VIEWER, "/party/members/", 403),
        (Role.COUNTY_VIEWER, "/party/", 403),
        (Role.VILLAGE_CADRE, "/party/members/", 403),
        (Role.VILLAGE_CADRE, "/party/contacts/", 200),
        (Role.WORKING_GROUP, "/party/members/", 403),
        (Role.ENTERPRISE_LIAISON, "/party/coverage/", 403),
        (Role.DISCIPLINE_INSPECTOR, "/party/service-standard/", 200),
        (Role.DISCIPLINE_INSPECTOR, "/party/members/", 403),
        (Role.SYSTEM_ADMIN, "/party/secretaries/", 200),
        (Role.SYSTEM_ADMIN, "/party/members/", 403),
    ],
)
def test_roles_reach_what_the_issue_gives_them(
    login_as, make_user, town, village_a, enterprise_in_town, roster, role, url, status
):
    scope = (
        {"scope_enterprise": enterprise_in_town}
        if role == Role.ENTERPRISE_LIAISON
        else {"scope_region": village_a if role == Role.VILLAGE_CADRE else town}
    )
    user = make_user(f"u_{role}", role, **scope)
    assert login_as(user).get(url).status_code == status


def test_a_branch_secretary_cannot_open_another_branch_s_member_by_url_or_api(
    login_as, bearer, party_officer, township_committee, village_a, group_a1, secretary_a, roster
):
    # another branch in the secretary's own village, its member living next door: only the organisation scope
    # (not the region) keeps them apart
    neighbour = factories.branch(party_officer, township_committee, village_a, "甲马石村企业党支部", groups=[group_a1])
    other = factories.member(party_officer, neighbour, group_a1, name="邻支部党员")
    client = login_as(secretary_a)
    assert client.get(f"/party/members/{roster['a'].pk}/").status_code == 200
    for member in (other, roster["b"]):
        assert client.get(f"/party/members/{member.pk}/").status_code == 404
        assert client.get(f"/party/members/{member.pk}/steps/new/").status_code == 404
    headers = bearer(secretary_a)
    assert client.get(f"/api/party/members/{roster['a'].pk}", headers=headers).status_code == 200
    assert client.get(f"/api/party/members/{other.pk}", headers=headers).status_code == 404
    listed = client.get("/api/party/members", headers=headers).json()["items"]
    assert [row["name"] for row in listed] == ["甲党员"]
    assert client.get(f"/party/organizations/{neighbour.pk}/").status_code == 404


def test_the_roster_shows_and_exports_masked_ids_and_the_export_is_a_security_event(login_as, party_officer, roster):
    from openpyxl import load_workbook

    client = login_as(party_officer)
    html = client.get("/party/members/").content.decode()
    person = roster["a"].person
    assert person.resident_id_masked in html
    response = client.get("/party/members/export/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert person.resident_id_masked in cells
    assert not any(len(c) == 18 and c[:17].isdigit() and "*" not in c for c in cells)
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).first()
    assert event.detail["list"] == "party_members"
    assert event.detail["rows"] == 2


def test_the_step_form_shows_the_refusal_with_its_article(login_as, party_officer, branch_a, group_a1):
    person = factories.person(group_a1, birth=date(1995, 1, 1))
    applied = timezone.localdate() - timedelta(days=30)
    member = services.pipeline_start(actor=party_officer, person=person, organization=branch_a, applied_on=applied)
    response = login_as(party_officer).post(
        f"/party/members/{member.pk}/steps/new/",
        {"step": Step.ACTIVIST_DESIGNATION, "done_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "须先完成“党组织派人谈话”" in response.content.decode()
    assert not member.steps.filter(step=Step.ACTIVIST_DESIGNATION).exists()


def test_a_vote_is_typed_and_the_result_computed(login_as, party_officer, branch_a, group_a1):
    """The page's vote fields reach the service (the full pipeline is in test_services)."""
    from lianxin.party.forms import StepForm

    form = StepForm(
        {
            "step": Step.BRANCH_VOTE,
            "done_on": "2025-01-01",
            "should_attend": "9",
            "attended": "8",
            "votes_yes": "4",
            "votes_no": "4",
        },
        sponsors=Member.objects.none(),
    )
    assert form.is_valid(), form.errors
    vote = form.vote()
    assert (vote.should_attend, vote.attended, vote.yes, vote.no, vote.abstain) == (9, 8, 4, 4, 0)


def test_a_coverage_suggestion_prefills_the_temporary_branch(
    login_as, party_officer, township_committee, branch_a, group_a1, group_a2
):
    factories.member(party_officer, branch_a, group_a2, name="住二组")
    client = login_as(party_officer)
    page = client.get("/party/coverage/").content.decode()
    assert "甲马石二组:无党组织,有正式党员1名" in page
    form = client.get(f"/party/organizations/new/?suggest_group={group_a2.pk}").content.decode()
    assert 'value="甲马石二组临时党支部"' in form
    assert 'value="temporary_branch" selected' in form
    geojson = client.get("/party/coverage/map.geojson").json()
    assert geojson["type"] == "FeatureCollection"


def test_creating_from_the_form_refuses_a_temporary_branch_without_a_reason(
    login_as, party_officer, township_committee, group_a2
):
    response = login_as(party_officer).post(
        "/party/organizations/new/",
        {
            "name": "临时党支部",
            "kind": Organization.Kind.TEMPORARY_BRANCH,
            "parent": township_committee.pk,
            "region": group_a2.pk,
            "covered_groups": [group_a2.pk],
            "founded_on": timezone.localdate().isoformat(),
            "party_groups": 0,
        },
    )
    assert response.status_code == 400
    assert "须写明原因" in response.content.decode()


def test_the_household_page_shows_its_contact_to_village_cadres_of_that_village_only(
    login_as, party_officer, village_a_clerk, village_b_clerk, branch_a, group_a1, household_a
):
    member = factories.member(party_officer, branch_a, group_a1, name="联户人")
    services.household_link_set(
        actor=party_officer, member=member, households=[household_a], since=timezone.localdate()
    )
    page = login_as(village_a_clerk).get(f"/people/households/{household_a.pk}/").content.decode()
    assert "联系党员:联户人" in page
    assert login_as(village_b_clerk).get(f"/people/households/{household_a.pk}/").status_code == 404


def test_the_home_page_gains_the_party_figures(
    login_as, party_officer, town_admin, park, township_committee, branch_a, group_a1
):
    factories.member(party_officer, branch_a, group_a1)
    html = login_as(town_admin).get("/").content.decode()
    assert 'data-figure="party_organizations">2<' in html
    assert 'data-figure="party_members">1<' in html


def test_the_member_list_costs_the_same_however_many_members(
    login_as, party_officer, branch_a, group_a1, django_assert_max_num_queries
):
    client = login_as(party_officer)
    for _i in range(3):
        factories.member(party_officer, branch_a, group_a1)
    client.get("/party/members/")
    with django_assert_max_num_queries(15) as few:
        client.get("/party/members/")
    for _i in range(6):
        factories.member(party_officer, branch_a, group_a1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/party/members/")


# --- the API -------------------------------------------------------------------------------------------------------


def test_the_api_records_steps_through_the_same_rules(login_as, bearer, party_officer, branch_a, group_a1):
    client = login_as(party_officer)
    headers = bearer(party_officer)
    person = factories.person(group_a1, birth=date(1992, 2, 2))
    applied = timezone.localdate() - timedelta(days=20)
    created = client.post(
        "/api/party/pipeline",
        {"person_id": person.pk, "organization_id": branch_a.pk, "applied_on": applied.isoformat()},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    member_id = created.json()["id"]
    refused = client.post(
        f"/api/party/members/{member_id}/steps",
        {"step": "activist_designation", "done_on": timezone.localdate().isoformat()},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "pipeline_rule"
    done = client.post(
        f"/api/party/members/{member_id}/steps",
        {"step": "application_talk", "done_on": timezone.localdate().isoformat()},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 201
    steps = client.get(f"/api/party/members/{member_id}/steps", headers=headers).json()
    assert [s["step"] for s in steps] == ["application", "application_talk"]


def test_the_api_gives_coverage_and_activities_with_attendance(login_as, bearer, party_officer, branch_a, group_a1):
    member = factories.member(party_officer, branch_a, group_a1, name="出席者")
    client = login_as(party_officer)
    headers = bearer(party_officer)
    created = client.post(
        "/api/party/activities",
        {
            "organization_id": branch_a.pk,
            "kind": "party_lesson",
            "title": "党课",
            "held_on": timezone.localdate().isoformat(),
            "place": "活动室",
            "hours": "2",
            "attendance": [{"member_id": member.pk, "status": "present"}],
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["attendance"] == [
        {"member_id": member.pk, "name": "出席者", "status": "present", "leave_reason": ""}
    ]
    coverage = client.get("/api/party/coverage", headers=headers).json()
    assert coverage["covered"] == 1
    assert {g["group"] for g in coverage["groups"]} == {"甲马石一组"}


def test_the_county_viewer_sees_the_party_figures_on_the_home_page_only(
    login_as, make_user, county, party_officer, park, township_committee, branch_a, group_a1
):
    factories.member(party_officer, branch_a, group_a1)
    viewer = make_user("county_viewer", Role.COUNTY_VIEWER, scope_region=county)
    client = login_as(viewer)
    html = client.get("/").content.decode()
    assert 'data-figure="party_members">1<' in html
    assert client.get("/party/members/").status_code == 403
    assert client.get("/api/party/members").status_code == 200  # scoped to nothing: no view permission
    assert client.get("/api/party/members").json()["items"] == []
