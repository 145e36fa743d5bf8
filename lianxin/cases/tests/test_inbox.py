"""The deadline inbox (待办提醒), its navbar badge and the daily reminder e-mail."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.cases.inbox import deadline_cases as inbox_cases
from lianxin.cases.models import Case
from lianxin.cases.tests.test_statistics import make_case
from lianxin.core.inbox import due_soon_limit, inbox_badge
from lianxin.core.models import DeadlineReminder
from lianxin.core.workdays import add_workdays

Kind, State = Case.Kind, Case.State
FRIDAY = date(2024, 3, 8)  # due soon = by Tuesday 2024-03-12 (two working days after a Friday)


@pytest.fixture
def clerk_cases(village_a, village_b, village_a_clerk, village_b_clerk):
    clerk = village_a_clerk
    running = {"state": State.IN_PROGRESS, "assignee": clerk}
    return {
        "overdue": make_case(village_a, **running, due_on=FRIDAY - timedelta(days=1), title="已超期"),
        "today": make_case(village_a, **running, due_on=FRIDAY, title="今天到期"),
        "tuesday": make_case(village_a, **running, due_on=date(2024, 3, 12), title="周二到期"),
        "wednesday": make_case(village_a, **running, due_on=date(2024, 3, 13), title="周三到期"),
        "suspended": make_case(village_a, state=State.SUSPENDED, assignee=clerk, due_on=FRIDAY, title="已中止"),
        "resolved": make_case(village_a, state=State.RESOLVED, assignee=clerk, due_on=FRIDAY, title="已办结"),
        "other": make_case(village_b, state=State.ACCEPTED, assignee=village_b_clerk, due_on=FRIDAY, title="别人的"),
    }


def titles(qs) -> list[str]:
    return [case.title for case in qs]


def test_due_soon_counts_working_days_not_calendar_days():
    assert due_soon_limit(FRIDAY) == date(2024, 3, 12)
    # before Spring Festival 2024: Thursday 02-08 + 2 working days = Fri 09, make-up Sun 18
    assert due_soon_limit(date(2024, 2, 8)) == date(2024, 2, 18)


def test_assignee_sees_overdue_and_due_within_two_working_days(clerk_cases, village_a_clerk):
    assert titles(inbox_cases(user=village_a_clerk, today=FRIDAY)) == ["已超期", "今天到期", "周二到期"]


def test_co_handler_sees_the_case_too(clerk_cases, village_a, make_user):
    helper = make_user("helper", Role.VILLAGE_CADRE, scope_region=village_a)
    clerk_cases["tuesday"].co_handlers.add(helper)
    assert titles(inbox_cases(user=helper, today=FRIDAY)) == ["周二到期"]


def test_leader_sees_every_due_case_in_the_jurisdiction(clerk_cases, town_admin):
    assert titles(inbox_cases(user=town_admin, today=FRIDAY)) == ["已超期", "今天到期", "别人的", "周二到期"]


def test_leader_never_sees_integrity_reports(village_a, town_admin):
    make_case(village_a, kind=Kind.INTEGRITY_REPORT, state=State.IN_PROGRESS, due_on=FRIDAY)
    assert titles(inbox_cases(user=town_admin, today=FRIDAY)) == []


def test_navbar_badge_counts_the_inbox(village_a, village_a_clerk, login_as):
    today = timezone.localdate()
    make_case(village_a, state=State.IN_PROGRESS, assignee=village_a_clerk, due_on=today - timedelta(days=3))
    make_case(village_a, state=State.ACCEPTED, assignee=village_a_clerk, due_on=add_workdays(today, 1).date)
    make_case(village_a, state=State.ACCEPTED, assignee=village_a_clerk, due_on=add_workdays(today, 3).date)
    assert inbox_badge(village_a_clerk) == "2"
    browser = login_as(village_a_clerk)
    # the page only carries the placeholder htmx fills after loading, so no page pays for the count
    assert 'hx-get="/inbox/badge/"' in browser.get("/").content.decode()
    assert 'data-testid="inbox-badge">2<' in browser.get("/inbox/badge/").content.decode()


def test_badge_is_empty_for_roles_without_cases(system_admin, login_as):
    html = login_as(system_admin).get("/inbox/badge/").content.decode()
    assert 'data-testid="inbox-badge"></span>' in html


def test_badge_is_capped_and_empty_inbox_shows_none(village_a, village_a_clerk, village_b_clerk):
    today = timezone.localdate()
    for _i in range(101):
        make_case(village_a, state=State.ACCEPTED, assignee=village_a_clerk, due_on=today)
    assert inbox_badge(village_a_clerk) == "99+"
    assert inbox_badge(village_b_clerk) == ""


def test_inbox_page_lists_overdue_and_due_soon(village_a, village_a_clerk, login_as):
    today = timezone.localdate()
    make_case(
        village_a, state=State.IN_PROGRESS, assignee=village_a_clerk, due_on=today - timedelta(days=1), title="超期的"
    )
    make_case(village_a, state=State.ACCEPTED, assignee=village_a_clerk, due_on=today, title="快到期的")
    response = login_as(village_a_clerk).get("/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('data-testid="inbox-casesdeadlines"')[1]
    overdue_row, soon_row = section.split("</li>")[:2]
    assert "超期的" in overdue_row
    assert ">超期<" in overdue_row
    assert "快到期的" in soon_row
    assert ">超期<" not in soon_row


def test_inbox_page_refused_without_case_permission(system_admin, login_as):
    assert login_as(system_admin).get("/inbox/").status_code == 403


@pytest.fixture
def mailed_cases(village_a, village_a_clerk, town_admin):
    today = timezone.localdate()
    for user in (village_a_clerk, town_admin):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    make_case(
        village_a, state=State.IN_PROGRESS, assignee=village_a_clerk, due_on=today - timedelta(days=1), title="超期的"
    )


def test_no_mail_without_smtp(mailed_cases, capsys):
    call_command("send_deadline_reminders")
    assert mail.outbox == []
    assert DeadlineReminder.objects.count() == 0
    assert "SMTP" in capsys.readouterr().out


@override_settings(EMAIL_HOST="smtp.example.cn", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_reminders_go_out_once_a_day(mailed_cases, village_a_clerk, town_admin):
    call_command("send_deadline_reminders")
    assert sorted(m.to[0] for m in mail.outbox) == ["town_admin@example.cn", "village_a_clerk@example.cn"]
    assert "超期1件" in mail.outbox[0].subject
    assert "超期的" in mail.outbox[0].body
    call_command("send_deadline_reminders")  # the cron runs again the same day
    assert len(mail.outbox) == 2
    DeadlineReminder.objects.update(sent_on=timezone.localdate() - timedelta(days=1))  # as if sent yesterday
    call_command("send_deadline_reminders")
    assert len(mail.outbox) == 4


@override_settings(EMAIL_HOST="smtp.example.cn", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_users_without_due_cases_get_no_mail(village_a, village_b_clerk):
    village_b_clerk.email = "b@example.cn"
    village_b_clerk.save(update_fields=["email"])
    make_case(village_a, state=State.IN_PROGRESS, due_on=timezone.localdate() + timedelta(days=30))
    call_command("send_deadline_reminders")
    assert mail.outbox == []


def test_a_case_both_assigned_and_co_handled_counts_once(clerk_cases, village_a_clerk):
    clerk_cases["today"].co_handlers.add(village_a_clerk)
    assert titles(inbox_cases(user=village_a_clerk, today=FRIDAY)) == ["已超期", "今天到期", "周二到期"]
