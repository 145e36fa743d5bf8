"""Every filter of the cases pages (list, export, patrols, statistics) takes garbage without a 500: a bad
value is ignored and named on a styled page (issue 10, item 4). Also run on PostgreSQL, which refuses NUL
characters and integers past bigint where SQLite shrugs."""

import pytest
from django.urls import reverse

from . import factories

GARBAGE = ["abc", "1.5", "-1", "9" * 30, "\x00", "x" * 10_000, "2026-13-45", ""]
# The figure filters of the case list (drill-down links of the figure catalogue).
FIGURE_FILTERS = [
    *("registered_from", "registered_to", "resolved", "timed", "on_time", "open"),
    *("dispute_category", "dispute_outcome", "incident_type", "solved", "rated", "project"),
]
PAGES = {
    "cases:case-list": [
        *("q", "kind", "state", "region", "enterprise", "assignee", "overdue", "after", "before"),
        *FIGURE_FILTERS,
    ],
    "cases:case-export": ["q", "kind", "state", "region", "enterprise", "assignee", "overdue", *FIGURE_FILTERS],
    "cases:patrol-list": ["region", "patrolled_from", "patrolled_to", "after", "before"],
    "cases:statistics": ["date_from", "date_to"],
}
HTML_PAGES = {"cases:case-list", "cases:patrol-list", "cases:statistics"}


@pytest.fixture
def some_cases(handler, village_a, police):
    factories.dispute(handler, village_a)
    factories.security_incident(police, village_a)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_garbage_in_every_filter_is_never_a_server_error(name, login_as, town_admin, working_group_member, some_cases):
    client = login_as(working_group_member if name != "cases:statistics" else town_admin)
    url = reverse(name)
    for param in PAGES[name]:
        for value in GARBAGE:
            response = client.get(url, {param: value})
            assert response.status_code == 200, (param, value[:20], response.status_code)
            if name in HTML_PAGES:
                html = response.content.decode()
                assert 'class="navbar' in html, (param, value[:20])  # the styled layout, not a bare error page
    response = client.get(url, {"unknown": "1", "kind[]": "x", "page": "abc"})
    assert response.status_code == 200


def test_a_bad_value_is_ignored_and_named(login_as, working_group_member, some_cases):
    html = login_as(working_group_member).get(reverse("cases:case-list"), {"region": "abc"}).content.decode()
    assert 'data-testid="ignored-filters"' in html
    assert "区域" in html.split('data-testid="ignored-filters"')[1].split("</div>")[0]


def test_liaisons_see_only_the_filters_that_make_sense_for_them(login_as, liaison, police):
    html = login_as(liaison).get(reverse("cases:case-list")).content.decode()
    assert 'name="kind"' not in html  # one kind only
    assert 'name="region"' not in html  # scoped to an enterprise, not an area
    assert 'id="f-mine"' not in html  # they handle nothing
    assert "导出Excel" not in html
    police_html = login_as(police).get(reverse("cases:case-list")).content.decode()
    assert 'name="kind"' not in police_html
    assert 'id="f-mine"' in police_html
    assert 'name="region"' in police_html


def test_the_figure_filters_narrow_the_list(login_as, working_group_member, handler, village_a, police):
    from datetime import timedelta

    from django.utils import timezone

    from lianxin.cases.models import Case

    land = factories.dispute(handler, village_a)
    boundary = factories.dispute(handler, village_a, title="地界纠纷", category=Case.DisputeCategory.BOUNDARY)
    theft = factories.security_incident(police, village_a)
    Case.objects.filter(pk=boundary.pk).update(
        registered_at=timezone.now() - timedelta(days=40), dispute_outcome=Case.DisputeOutcome.REFERRED_COURT
    )
    Case.objects.filter(pk=theft.pk).update(suspects_caught=3)
    today = timezone.localdate().isoformat()
    client = login_as(working_group_member)

    def numbers(**params) -> set[str]:
        response = client.get(reverse("cases:case-list"), params)
        assert response.status_code == 200
        return {case.number for case in response.context["page"].items}

    assert numbers(kind="dispute", registered_from=today, registered_to=today) == {land.number}
    assert numbers(dispute_category="boundary") == {boundary.number}
    assert numbers(dispute_outcome="referred") == {boundary.number}
    assert numbers(incident_type="theft") == {theft.number}
    assert numbers(resolved="1") == set()
    assert numbers(open="1", kind="dispute") == {land.number, boundary.number}
    html = client.get(reverse("cases:case-list"), {"kind": "security_incident"}).content.decode()
    assert ">抓获嫌疑人</th>" in html
    assert '<td class="text-end">3</td>' in html
