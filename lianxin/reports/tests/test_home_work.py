"""Role home pages are not a bare welcome: every role sees its 待办 and a few key counts within its scope; an
enterprise liaison is told when a request is resolved and waits for their rating (issue 10, item 18)."""

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.cases import services
from lianxin.cases.models import Case
from lianxin.cases.tests import factories

State = Case.State


@pytest.fixture
def liaison(make_user, enterprise_in_town):
    return make_user("liaison_h", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)


@pytest.fixture
def resolved_request(liaison, enterprise_in_town, working_group_member):
    case = factories.enterprise_request(liaison, enterprise_in_town, title="二期临时用电增容")
    for state, reason in ((State.ACCEPTED, ""), (State.IN_PROGRESS, ""), (State.RESOLVED, "已协调供电所增容")):
        case = services.case_transition(case=case, to_state=state, actor=working_group_member, reason=reason)
    return case


def test_a_liaison_is_told_a_request_waits_for_their_rating(resolved_request, liaison, login_as):
    client = login_as(liaison)
    html = client.get(reverse("reports:home")).content.decode()
    inbox = html.split('data-testid="home-inbox"')[1]
    assert "待评价" in inbox
    assert resolved_request.number in inbox
    assert 'data-count="awaiting_rating">1<' in html
    assert client.get(reverse("core:inbox-badge")).content.decode().count(">1<") == 1
    services.case_rate(case=resolved_request, actor=liaison, satisfaction=5)
    html = client.get(reverse("reports:home")).content.decode()
    assert resolved_request.number not in html.split('data-testid="home-inbox"')[1]
    assert 'data-count="awaiting_rating">0<' in html


ROLES = [
    (Role.TOWNSHIP_LEADER, "town", ["open", "overdue", "parcels", "overrides"]),
    (Role.WORKING_GROUP, "town", ["mine_open", "mine_overdue", "intake", "parcels"]),
    (Role.VILLAGE_CADRE, "village_a", ["mine_open", "mine_overdue", "parcels"]),
    (Role.POLICE_LIAISON, "town", ["mine_open", "mine_overdue", "intake"]),
    (Role.DISCIPLINE_INSPECTOR, "town", ["mine_open", "mine_overdue", "intake"]),
    (Role.ENTERPRISE_LIAISON, "enterprise", ["requests_open", "awaiting_rating"]),
    (Role.SYSTEM_ADMIN, "town", ["users", "first_login"]),
]


@pytest.mark.parametrize(("role", "scope", "counts"), ROLES)
def test_every_role_home_shows_its_counts_and_its_inbox(
    role, scope, counts, make_user, login_as, town, village_a, enterprise_in_town
):
    where = {"town": {"scope_region": town}, "village_a": {"scope_region": village_a}}.get(
        scope, {"scope_enterprise": enterprise_in_town}
    )
    user = make_user(f"home_{role}", role, **where)
    html = login_as(user).get(reverse("reports:home")).content.decode()
    assert [c for c in counts if f'data-count="{c}"' in html] == counts
    assert "请从上方菜单进入您负责的工作" not in html
    if role != Role.SYSTEM_ADMIN:
        assert 'data-testid="home-inbox"' in html
