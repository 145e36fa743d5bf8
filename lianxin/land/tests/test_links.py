"""The pages link what belongs together (issue 10, item 20): one household's people page and land page both
ways, an enterprise to its requests, a project to its land progress."""

from django.urls import reverse

from lianxin.cases.tests import factories as case_factories


def test_household_pages_link_both_ways(signed, household_a, working_group_member, login_as):
    client = login_as(working_group_member)
    people = client.get(reverse("people:household-detail", args=[household_a.pk])).content.decode()
    assert reverse("land:household-detail", args=[household_a.pk]) in people
    land = client.get(reverse("land:household-detail", args=[household_a.pk])).content.decode()
    assert reverse("people:household-detail", args=[household_a.pk]) in land


def test_a_household_without_land_has_no_land_link(household_b, working_group_member, login_as):
    people = login_as(working_group_member).get(reverse("people:household-detail", args=[household_b.pk]))
    assert 'data-testid="land-household-link"' not in people.content.decode()


def test_enterprise_links_to_its_requests(enterprise_in_town, make_user, working_group_member, login_as):
    from lianxin.accounts.roles import Role

    liaison = make_user("liaison_l", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)
    request = case_factories.enterprise_request(liaison, enterprise_in_town)
    client = login_as(working_group_member)
    html = client.get(reverse("enterprises:enterprise-detail", args=[enterprise_in_town.pk])).content.decode()
    link = html.split('data-testid="enterprise-requests-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    listed = client.get(link.replace("&amp;", "&")).context["page"].items
    assert [c.pk for c in listed] == [request.pk]


def test_project_links_to_its_land_progress(signed, land_project, working_group_member, login_as):
    html = login_as(working_group_member).get(reverse("enterprises:project-detail", args=[land_project.pk]))
    assert reverse("land:progress", args=[land_project.pk]) in html.content.decode()
