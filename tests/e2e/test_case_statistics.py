"""What a township leader sees of deadlines and figures: the inbox badge, the inbox, the statistics
page with its charts (CSP-clean, no sideways scrolling on a phone); and the holiday notice page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from conftest import PASSWORD
from lianxin.cases.models import Case
from lianxin.cases.tests.test_statistics import make_case
from lianxin.core.workdays import KNOWN_LAST_YEAR

from .pages import DESKTOP, PHONE, BasePage, HomePage, LoginPage, ProblemRecorder

pytestmark = pytest.mark.e2e
State, Kind = Case.State, Case.Kind


class StatisticsPage(HomePage):
    path = "/cases/statistics/"

    @property
    def overdue_rows(self) -> Locator:
        return self.page.get_by_test_id("overdue-list").locator("tbody tr")

    def show_period(self, start: date, end: date) -> None:
        self.page.get_by_label("登记日期自").fill(start.isoformat())
        self.page.get_by_label("至", exact=True).fill(end.isoformat())
        self.page.get_by_role("button", name="统计").click()


class InboxPage(BasePage):
    path = "/inbox/"

    @property
    def deadline_rows(self) -> Locator:
        return self.page.get_by_test_id("inbox-casesdeadlines").get_by_test_id("inbox-row")

    @property
    def overdue_rows(self) -> Locator:
        """Rows of the deadline section whose clock is marked overdue (超期)."""
        return self.deadline_rows.filter(has=self.page.locator("[data-testid=inbox-clock].text-danger"))

    @property
    def due_soon_rows(self) -> Locator:
        return self.deadline_rows.filter(has_not=self.page.locator("[data-testid=inbox-clock].text-danger"))


class HolidayPage(BasePage):
    path = "/holidays/"

    def enter(self, day: date, kind_label: str, name: str) -> None:
        form = self.page.get_by_test_id("holiday-form")
        form.locator("#id_date_from").fill(day.isoformat())
        form.locator("#id_kind").select_option(label=kind_label)
        form.locator("#id_name").fill(name)
        form.get_by_role("button", name="录入").click()

    @property
    def rows(self) -> Locator:
        return self.page.get_by_test_id("holiday-table").locator("tbody tr")


@pytest.fixture
def a_year_of_cases(e2e_db, village_a, village_b, group_a1, town_admin, working_group_member):
    today = timezone.localdate()
    start = today - timedelta(days=300)
    for i in range(36):
        registered = start + timedelta(days=8 * i)
        kind = (Kind.DISPUTE, Kind.ENTERPRISE_REQUEST, Kind.SECURITY_INCIDENT)[i % 3]
        extra = {}
        if kind == Kind.SECURITY_INCIDENT:
            extra = {
                "incident_type": Case.IncidentType.THEFT,
                "solved": i % 2 == 0,
                "suspects_caught": 2 if i % 2 == 0 else 0,
            }
        make_case(
            group_a1 if i % 2 else village_b,
            kind=kind,
            state=State.CLOSED,
            registered=registered,
            accepted_on=registered,
            due_on=registered + timedelta(days=40),
            resolved_at=timezone.make_aware(timezone.datetime(registered.year, registered.month, registered.day, 10))
            + timedelta(days=10 + i % 40),
            satisfaction=5 - i % 3 if kind == Kind.ENTERPRISE_REQUEST else None,
            assignee=working_group_member,
            title=f"历史案件{i}",
            **extra,
        )
    for days, title in ((-5, "超期的纠纷"), (-1, "昨天到期"), (0, "今天到期")):
        make_case(
            village_a,
            state=State.IN_PROGRESS,
            registered=today - timedelta(days=40),
            accepted_on=today - timedelta(days=40),
            due_on=today + timedelta(days=days),
            assignee=working_group_member,
            title=title,
        )


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_leader_sees_the_inbox_badge_and_the_statistics(
    e2e_db, new_page, artifacts, a_year_of_cases, town_admin, device, viewport
):
    # given: a township leader's browser recording CSP violations and script errors
    mobile = {"is_mobile": True, "has_touch": True} if device == "phone" else {}
    page = new_page(viewport, **mobile)
    problems = ProblemRecorder(page)
    home = LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)

    # then: the navbar counts the three cases due by now
    if device == "phone":
        home.open_menu()
    expect(page.get_by_test_id("inbox-badge")).to_have_text("3")

    # when: the leader opens the inbox
    inbox = InboxPage(page).goto()
    expect(inbox.overdue_rows).to_have_count(2)
    expect(inbox.due_soon_rows).to_have_count(1)
    inbox.screenshot(artifacts / f"{device}-case-inbox.png")
    assert inbox.horizontal_overflow_px() == 0

    # and the statistics page
    stats = StatisticsPage(page).goto()
    expect(stats.charts).to_have_count(4)
    stats.settle_charts()
    expect(stats.figure("thefts_solved")).to_have_text("6")
    expect(stats.figure("suspects_caught")).to_have_text("12")
    expect(stats.overdue_rows).to_have_count(2)
    stats.screenshot(artifacts / f"{device}-case-statistics.png")
    assert stats.horizontal_overflow_px() == 0

    # when: a shorter period is chosen
    today = timezone.localdate()
    stats.show_period(today - timedelta(days=30), today)
    expect(stats.figure("total")).to_have_text("2")  # the last two historical cases
    expect(stats.figure("thefts_solved")).to_have_text("0")

    assert problems.all() == []


def test_working_group_enters_a_holiday_for_a_year_not_yet_known(e2e_db, page, artifacts, working_group_member):
    LoginPage(page).login_expecting_success(working_group_member.username, PASSWORD)
    holidays = HolidayPage(page).goto()
    new_year = date(KNOWN_LAST_YEAR + 1, 1, 1)
    holidays.enter(new_year, "放假", "元旦")
    expect(page.get_by_role("alert")).to_contain_text("已录入1天")
    expect(holidays.rows).to_have_count(1)
    expect(holidays.rows.first).to_contain_text("元旦")
    # a make-up day on a weekday is refused with the rule named
    monday = new_year + timedelta(days=(7 - new_year.weekday()) % 7)
    holidays.enter(monday + timedelta(days=7), "调休上班", "调休")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("只能是周六或周日")
    holidays.screenshot(artifacts / "desktop-holidays.png")
