"""New cases reach somebody: unassigned cases in a user's area and kind form an intake queue (待受理) in the
待办 of whoever may accept them, with the time they have waited; accepting takes the case (issue 10, item 3)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.cases.models import Case
from lianxin.core import inbox
from lianxin.core.workdays import workdays_between

from . import factories

Kind, State = Case.Kind, Case.State


def intake(user) -> list[str]:
    sections = {s.key: s for s in inbox.sections(user=user)}
    return [row.number for row in sections["cases.intake"].rows] if "cases.intake" in sections else []


def test_each_new_case_reaches_the_role_that_accepts_it(
    village_a, working_group_member, police, discipline, liaison, enterprise_in_town, village_a_clerk
):
    dispute = factories.dispute(village_a_clerk, village_a)
    request = factories.enterprise_request(liaison, enterprise_in_town)
    incident = factories.security_incident(police, village_a)
    report, _code, _passphrase = factories.integrity_report(None, village_a, anonymous=True)

    assert intake(working_group_member) == [dispute.number, request.number]
    assert intake(police) == [incident.number]
    assert intake(discipline) == [report.number]  # anonymous reports included
    assert inbox.inbox_badge(discipline) == "1"
    assert intake(liaison) == []


def test_intake_is_scoped_to_the_users_area(village_a, village_b, make_user, village_a_clerk):
    workgroup_b = make_user("wg_b", Role.WORKING_GROUP, scope_region=village_b)
    factories.dispute(village_a_clerk, village_a)
    assert intake(workgroup_b) == []


def test_the_clock_shows_how_long_a_case_has_waited(village_a, working_group_member, village_a_clerk):
    case = factories.dispute(village_a_clerk, village_a)
    registered = timezone.now() - timedelta(days=14)
    Case.objects.filter(pk=case.pk).update(registered_at=registered)
    [row] = [s for s in inbox.sections(user=working_group_member) if s.key == "cases.intake"][0].rows
    waited = workdays_between(timezone.localtime(registered).date(), timezone.localdate())
    assert waited >= 8
    assert row.clock_text.endswith(f"登记,已等待{waited}个工作日")


def test_accepting_from_the_inbox_takes_the_case(village_a, working_group_member, village_a_clerk, login_as):
    case = factories.dispute(village_a_clerk, village_a)
    client = login_as(working_group_member)
    page = client.get(reverse("core:inbox")).content.decode()
    assert case.number in page
    assert reverse("cases:case-transition", args=[case.pk]) in page  # the 受理 button
    response = client.post(reverse("cases:case-transition", args=[case.pk]), {"to_state": State.ACCEPTED})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.ACCEPTED, working_group_member)
    assert case.due_on is not None
    assert intake(working_group_member) == []
