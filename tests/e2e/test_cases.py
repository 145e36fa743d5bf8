"""An enterprise request end to end in the browser: the liaison submits it from the catalogue on a phone,
a working-group cadre accepts and resolves it, the liaison rates it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from conftest import PASSWORD
from lianxin.accounts.roles import Role
from lianxin.cases.models import Case
from lianxin.cases.tests import factories as case_factories

from .pages import PHONE, BasePage, LoginPage

pytestmark = pytest.mark.e2e


class CaseListPage(BasePage):
    path = "/cases/"

    def row_for(self, text: str) -> Locator:
        return self.page.get_by_test_id("case-table").locator("tr", has_text=text)


class RequestFormPage(BasePage):
    path = "/cases/request/"

    def submit(self, *, item: str, title: str, details: str) -> None:
        self.page.get_by_label("服务事项").select_option(label=item)
        self.page.get_by_label("诉求标题").fill(title)
        self.page.get_by_label("诉求内容").fill(details)
        self.page.locator("main form").get_by_role("button", name="提交诉求").click()


class CaseDetailPage(BasePage):
    @staticmethod
    def path_for(pk: int) -> str:
        return f"/cases/{pk}/"

    @property
    def state(self) -> Locator:
        return self.page.get_by_test_id("case-state")

    @property
    def deadline(self) -> Locator:
        return self.page.get_by_test_id("case-deadline")

    @property
    def actions(self) -> Locator:
        return self.page.get_by_test_id("actions")

    def act(self, button: str, note: str | None = None) -> None:
        form = self.actions.locator("form", has=self.page.get_by_role("button", name=button, exact=True))
        if note is not None:
            form.locator("textarea").fill(note)
        form.get_by_role("button", name=button, exact=True).click()

    def rate(self, score: int, comment: str) -> None:
        rating = self.page.get_by_test_id("rating")
        rating.locator(f"input[name=satisfaction][value='{score}']").check()
        rating.get_by_label("评价意见").fill(comment)
        rating.get_by_role("button", name="提交评价").click()


def _login(page: Page, user) -> None:
    LoginPage(page).login_expecting_success(user.username, PASSWORD)


def test_liaison_submits_cadre_accepts_and_resolves_liaison_rates(
    e2e_db, new_page, artifacts, enterprise_in_town, working_group_member, make_user
):
    # given: a service catalogue with the committed time limit, and the alumina plant's liaison on a phone
    case_factories.service_item("施工用电用水报装协调", days=5)
    liaison = make_user("aluminium_liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)
    phone = new_page(viewport=PHONE)
    _login(phone, liaison)

    # when: the liaison submits a request from the catalogue
    form = RequestFormPage(phone).goto()
    form.submit(
        item="施工用电用水报装协调(5个工作日)", title="二期临时用电增容", details="请协调供电所增容到2000千伏安。"
    )

    # then: the request is registered with a number and waits for acceptance
    detail = CaseDetailPage(phone)
    expect(detail.state).to_have_text("已登记")
    case = Case.objects.get()
    assert case.number.startswith("QS-")
    expect(phone.get_by_test_id("case-number")).to_have_text(case.number)
    assert detail.horizontal_overflow_px() == 0
    detail.screenshot(artifacts / "cases-1-liaison-submitted-phone.png")

    # when: a working-group cadre accepts, starts and resolves it on the office laptop
    desk = new_page()
    _login(desk, working_group_member)
    listing = CaseListPage(desk).goto()
    listing.screenshot(artifacts / "cases-0-list.png")
    listing.row_for(case.number).get_by_role("link", name=case.number).click()
    office = CaseDetailPage(desk)
    office.act("受理")
    expect(office.state).to_have_text("已受理")
    expect(office.deadline).to_contain_text("受理后5个工作日")
    office.act("开始办理")
    expect(office.state).to_have_text("办理中")
    office.act("办结", note="已协调供电所完成增容,现场已送电。")
    expect(office.state).to_have_text("已办结")
    office.screenshot(artifacts / "cases-2-cadre-resolved.png")

    # then: the liaison sees the result and rates it
    detail.goto(CaseDetailPage.path_for(case.pk))
    expect(phone.get_by_role("definition").filter(has_text="已协调供电所完成增容")).to_be_visible()
    detail.rate(5, "办理很快,谢谢!")
    expect(detail.state).to_have_text("已回访")
    expect(phone.get_by_test_id("satisfaction")).to_contain_text("5分")
    detail.screenshot(artifacts / "cases-3-liaison-rated-phone.png")
    case.refresh_from_db()
    assert (case.state, case.satisfaction, case.assignee) == (Case.State.REVISITED, 5, working_group_member)
    assert list(case.events.values_list("to_state", flat=True)) == [
        "registered",
        "accepted",
        "in_progress",
        "resolved",
        "revisited",
    ]


def _solve(question: str) -> int:
    """The answer to the report page's human check, as a person reads it."""
    from lianxin.cases.report_guard import read_answer

    sum_ = question.split(":", 1)[1].split("等于")[0]
    operator = "加" if "加" in sum_ else "减"
    a, b = (read_answer(part) for part in sum_.split(operator))
    return a + b if operator == "加" else a - b


def test_anonymous_report_on_a_phone_is_tracked_without_an_account(
    e2e_db, new_page, artifacts, village_a, make_user, town
):
    # given: a discipline inspector, and someone without an account on a phone
    inspector = make_user("jijian_e2e", Role.DISCIPLINE_INSPECTOR, scope_region=town)
    phone = new_page(viewport=PHONE)

    # when: they report a cadre asking for favours, anonymously
    phone.goto("/cases/report/")
    phone.get_by_label("举报事项").fill("验收时索要烟酒")
    phone.get_by_label("具体情况").fill("某站所人员在消防验收时暗示企业送烟酒。")
    phone.get_by_label("发生地").select_option(label=village_a.name)
    question = phone.locator("label", has_text="验证题").inner_text()  # e.g. 验证题:三加五等于几? *
    phone.get_by_label(question.rstrip(" *")).fill(str(_solve(question)))
    BasePage(phone).screenshot(artifacts / "cases-4-report-form-phone.png")
    phone.locator("main form").get_by_role("button", name="提交举报").click()

    # then: the tracking code and passphrase are shown once
    code = phone.get_by_test_id("tracking-code").inner_text()
    passphrase = phone.get_by_test_id("tracking-passphrase").inner_text()
    assert BasePage(phone).horizontal_overflow_px() == 0
    BasePage(phone).screenshot(artifacts / "cases-4-report-codes-phone.png")

    # when: the inspector accepts it, and the reporter looks it up with code and passphrase
    case = Case.objects.get()
    from lianxin.cases import services

    services.case_transition(case=case, to_state=Case.State.ACCEPTED, actor=inspector)
    phone.goto("/cases/track/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_label("查询密码").fill(passphrase)
    phone.locator("main form").get_by_role("button", name="查询").click()

    # then: the progress shows, without any account
    expect(phone.get_by_test_id("track-result")).to_contain_text("已受理")
    BasePage(phone).screenshot(artifacts / "cases-5-track-phone.png")
