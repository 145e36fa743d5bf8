"""Case lists sort by urgency: overdue first, then by deadline, then the cases without a running clock
(newest first); the patrol list by the day patrolled, newest first (issue 10, item 19)."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from lianxin.cases.models import Case, PatrolLog

from .test_statistics import make_case

State = Case.State


@pytest.fixture
def mixed(village_a, working_group_member):
    today = timezone.localdate()
    running = {"state": State.IN_PROGRESS, "assignee": working_group_member}
    return [
        # in the order the list must show them
        make_case(village_a, **running, due_on=today - timedelta(days=9), title="超期九天"),
        make_case(  # another running state: the pages merge the states' deadline order
            village_a,
            state=State.ACCEPTED,
            assignee=working_group_member,
            due_on=today - timedelta(days=1),
            title="超期一天",
        ),
        make_case(village_a, **running, due_on=today + timedelta(days=1), title="明天到期"),
        make_case(village_a, **running, due_on=today + timedelta(days=20), title="二十天后到期"),
        make_case(village_a, state=State.REGISTERED, title="新登记未受理"),
        make_case(village_a, state=State.RESOLVED, due_on=today - timedelta(days=30), title="已办结"),
        make_case(village_a, state=State.SUSPENDED, due_on=today - timedelta(days=3), title="已中止"),
    ]


def titles(page) -> list[str]:
    return [case.title for case in page.items]


def expected(mixed) -> list[str]:
    clocked, rest = mixed[:4], mixed[4:]
    return [c.title for c in clocked] + [c.title for c in sorted(rest, key=lambda c: -c.pk)]


def test_overdue_first_then_by_deadline_then_unclocked_newest_first(mixed, login_as, working_group_member):
    page = login_as(working_group_member).get(reverse("cases:case-list")).context["page"]
    assert titles(page) == expected(mixed)


@override_settings(LIANXIN_PAGE_SIZE=3)
def test_pages_walk_the_urgency_order_both_ways(mixed, login_as, working_group_member):
    client = login_as(working_group_member)
    url = reverse("cases:case-list")
    pages, after = [], None
    while True:
        page = client.get(url, {"after": after} if after else {}).context["page"]
        pages.append(page)
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert [t for page in pages for t in titles(page)] == expected(mixed)
    assert [len(p.items) for p in pages] == [3, 3, 1]
    # back from the last page: the same pages, in reverse
    back = client.get(url, {"before": pages[-1].previous_cursor}).context["page"]
    assert titles(back) == titles(pages[1])
    first = client.get(url, {"before": back.previous_cursor}).context["page"]
    assert titles(first) == titles(pages[0])
    assert first.is_first


def test_overdue_filter_keeps_the_urgency_order(mixed, login_as, working_group_member):
    page = login_as(working_group_member).get(reverse("cases:case-list"), {"overdue": "1"}).context["page"]
    assert titles(page) == ["超期九天", "超期一天"]


def test_patrols_by_date_newest_first(village_a, police, login_as):
    for day, team in ((date(2026, 3, 5), "三月五日"), (date(2026, 3, 9), "三月九日"), (date(2026, 3, 1), "三月一日")):
        PatrolLog.objects.create(team=team, patrolled_on=day, route="一标段", region=village_a, recorded_by=police)
    page = login_as(police).get(reverse("cases:patrol-list")).context["page"]
    assert [log.team for log in page.items] == ["三月九日", "三月五日", "三月一日"]


def test_a_plain_id_cursor_pages_the_cases_without_a_clock(mixed, login_as, working_group_member):
    unclocked = sorted(mixed[4:], key=lambda c: -c.pk)
    page = login_as(working_group_member).get(reverse("cases:case-list"), {"after": unclocked[0].pk}).context["page"]
    assert titles(page) == [c.title for c in unclocked[1:]]
