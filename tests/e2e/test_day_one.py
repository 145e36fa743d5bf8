"""Day one for the roles that act on land and cases (issue 10), walked in Chromium:

- item 2: a working-group member proposes handing an unpaid parcel over; a township leader approves it;
- items 16 and 3: a working-group member in the village registers a dispute with the search-as-you-type
  pickers (both sides); it waits in the working group's intake (待受理) with its clock, and a colleague at the
  office accepts it, which makes it theirs;
- item 17: a leader chases the case; the handler sees it in the 待办 and answers;
- item 18: an enterprise liaison finds the resolved request waiting for a rating on the home page.
"""

from __future__ import annotations

import importlib

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from lianxin.accounts.roles import Role
from lianxin.cases import services as case_services
from lianxin.cases.models import Case, CaseParty
from lianxin.cases.tests import factories as case_factories
from lianxin.land.models import HandoverOverride, Parcel
from lianxin.land.tests import factories as land_factories
from lianxin.people.tests import factories as people_factories

from .pages import DESKTOP, PHONE, BasePage, LoginPage, ProblemRecorder

pytestmark = pytest.mark.e2e


def _login(page: Page, user) -> None:
    LoginPage(page).login_expecting_success(user.username, PASSWORD)


class ParcelPage(BasePage):
    @staticmethod
    def path_for(pk: int) -> str:
        return f"/land/parcels/{pk}/"

    @property
    def status(self):
        return self.page.get_by_test_id("parcel-status")

    def propose_override(self, category: str, reason: str) -> None:
        form = self.page.get_by_test_id("override-form")
        form.get_by_label("理由类别").select_option(label=category)
        form.get_by_label("具体理由").fill(reason)
        form.get_by_role("button", name="提请镇领导批准先行交地").click()
        self.page.wait_for_load_state()

    def approve(self, note: str) -> None:
        decision = self.page.get_by_test_id("override-decision")
        decision.get_by_label("审批意见").fill(note)
        decision.get_by_role("button", name="批准先行交地").click()
        self.page.wait_for_load_state()


class InboxPage(BasePage):
    path = "/inbox/"

    def section(self, key: str):
        return self.page.get_by_test_id(f"inbox-{key.replace('.', '')}")


class DisputeFormPage(BasePage):
    path = "/cases/new/?kind=dispute"

    def pick(self, side: str, text: str, option: str) -> None:
        """Type into a picker and click the offered household, person or enterprise."""
        self.page.locator(f"#search-{side}").fill(text)
        results = self.page.get_by_test_id(f"results-{side}")
        results.get_by_test_id("party-option").filter(has_text=option).first.click()
        expect(self.page.get_by_test_id(f"picked-{side}")).to_contain_text(option)


@pytest.fixture
def land_classes(e2e_db):
    from django.apps import apps

    importlib.import_module("lianxin.land.migrations.0002_seed_land_classes").seed(apps, None)


@pytest.fixture
def unpaid_parcel(e2e_db, land_classes, town, group_a1, household_a, person_a, working_group_member):
    project = land_factories.project(town)
    land_factories.township_standards(town)
    parcel = land_factories.parcel(project, group_a1, code="A-101", area_mu="10")
    land_factories.agreement(project, household_a, [land_factories.holding(parcel, household_a)], working_group_member)
    return parcel


def test_item2_working_group_proposes_an_early_handover_and_a_leader_approves(
    e2e_db, new_page, artifacts, unpaid_parcel, working_group_member, town_admin
):
    # given: a working-group member on the page of a parcel whose holder is not paid yet
    desk = new_page(DESKTOP)
    problems = ProblemRecorder(desk)
    _login(desk, working_group_member)
    parcel = ParcelPage(desk).goto(ParcelPage.path_for(unpaid_parcel.pk))
    expect(desk.get_by_test_id("handover")).to_contain_text("尚不满足交地条件")

    # when: they propose the hand-over with a reason category and text
    parcel.propose_override("重点项目工期紧迫,经上级同意先行用地", "县政府第12次专题会议纪要同意先行用地")

    # then: the parcel stays unhanded, waiting for a leader
    expect(desk.get_by_test_id("pending-override")).to_contain_text("先行交地申请待镇领导审批")
    expect(parcel.status).to_have_text("已签协议")
    parcel.screenshot(artifacts / "day1-2a-override-proposed.png")

    # when: the township leader sees it on the home page and in the 待办, and approves it
    chief = new_page(DESKTOP)
    leader_problems = ProblemRecorder(chief)
    _login(chief, town_admin)
    expect(chief.get_by_test_id("inbox-badge")).to_have_text("1")
    expect(chief.get_by_test_id("home-inbox")).to_contain_text("A-101")
    BasePage(chief).screenshot(artifacts / "day1-2b-leader-home.png")
    inbox = InboxPage(chief).goto()
    inbox.section("land.handover_overrides").get_by_role("link", name="A-101").click()
    chief.wait_for_load_state()
    leader_view = ParcelPage(chief)
    leader_view.approve("同意,请抓紧兑付")

    # then: the parcel is handed over, naming who approved it
    expect(leader_view.status).to_have_text("已交地")
    expect(chief.get_by_test_id("handover-done")).to_contain_text("town_admin批准")
    leader_view.screenshot(artifacts / "day1-2c-override-approved.png")
    unpaid_parcel.refresh_from_db()
    assert unpaid_parcel.status == Parcel.Status.HANDED_OVER
    assert HandoverOverride.objects.get().decided_by == town_admin
    assert problems.all() == []
    assert leader_problems.all() == []


@pytest.fixture
def dispute_people(e2e_db, group_a1, group_a2, enterprise_in_town):
    wang = people_factories.person(people_factories.household(group_a1), name="王大山", relation="head")
    zhao = people_factories.person(people_factories.household(group_a2), name="赵四", relation="head")
    return {"wang": wang.household, "zhao": zhao.household, "enterprise": enterprise_in_town}


def test_items16_3_a_dispute_with_both_sides_reaches_the_intake_and_is_accepted(
    e2e_db, new_page, artifacts, dispute_people, working_group_member, make_user, town, group_a1
):
    # given: a working-group member on the dispute form, on a phone in the village
    colleague = make_user("wg_office", Role.WORKING_GROUP, scope_region=town)
    phone = new_page(PHONE)
    problems = ProblemRecorder(phone)
    _login(phone, working_group_member)
    form = DisputeFormPage(phone).goto()

    # when: they pick the applicant and the opposing parties by typing, and register
    phone.get_by_label("标题").fill("施工扰民纠纷")
    phone.get_by_label("纠纷类别").select_option(label="施工扰民")
    phone.get_by_label("所属区域").select_option(label=group_a1.name)
    form.pick("applicant", "大山", "王大山")
    form.pick("respondent", "示例铝业", "示例铝业有限公司")
    form.pick("respondent", "赵四", "赵四")
    phone.get_by_label("对方当事人(未登记人员)").fill("张工头")
    phone.get_by_label("情况描述").fill("夜间施工噪声影响休息。")
    assert form.horizontal_overflow_px() == 0
    form.screenshot(artifacts / "day1-16a-dispute-pickers-phone.png")
    phone.get_by_test_id("dispute-form").get_by_role("button", name="登记").click()
    phone.wait_for_load_state()

    # then: the case lists every party on both sides
    parties = phone.get_by_test_id("parties")
    for name in ("王大山", "示例铝业有限公司", "赵四", "张工头"):
        expect(parties).to_contain_text(name)
    BasePage(phone).screenshot(artifacts / "day1-16b-dispute-registered-phone.png")
    case = Case.objects.get()
    roles = sorted(case.parties.values_list("role", flat=True))
    assert roles == [CaseParty.Role.APPLICANT] + [CaseParty.Role.RESPONDENT] * 3
    # the mediation agreement waits for a mediation session
    expect(phone.get_by_test_id("mediation-agreement")).to_have_count(0)

    # when: a colleague at the office opens the 待办
    desk = new_page(DESKTOP)
    desk_problems = ProblemRecorder(desk)
    _login(desk, colleague)
    expect(desk.get_by_test_id("inbox-badge")).to_have_text("1")
    inbox = InboxPage(desk).goto()
    intake = inbox.section("cases.intake")
    expect(intake).to_contain_text(case.number)
    expect(intake.get_by_test_id("inbox-clock")).to_contain_text("已等待0个工作日")
    inbox.screenshot(artifacts / "day1-3a-intake.png")

    # then: accepting takes the case, with a deadline
    intake.get_by_role("button", name="受理").click()
    desk.wait_for_load_state()
    expect(desk.get_by_test_id("case-state")).to_have_text("已受理")
    expect(desk.get_by_test_id("case-deadline")).to_contain_text("受理后30个工作日")
    BasePage(desk).screenshot(artifacts / "day1-3b-accepted.png")
    case.refresh_from_db()
    assert case.assignee == colleague
    assert problems.all() == []
    assert desk_problems.all() == []


def test_item17_a_leader_chases_and_the_handler_answers(
    e2e_db, new_page, artifacts, village_a, village_a_clerk, working_group_member, town_admin
):
    # given: an accepted dispute handled by the working group
    case = case_factories.dispute(village_a_clerk, village_a, title="补偿款分配纠纷")
    case = case_services.case_transition(case=case, to_state=Case.State.ACCEPTED, actor=working_group_member)

    # when: the leader writes an instruction on the case
    chief = new_page(DESKTOP)
    problems = ProblemRecorder(chief)
    _login(chief, town_admin)
    chief.goto(f"/cases/{case.pk}/")
    instruct = chief.get_by_test_id("instruct-form")
    instruct.get_by_label("批示内容").fill("请三日内入户核实,依法依规处理。")
    instruct.get_by_role("button", name="提交批示督办").click()
    chief.wait_for_load_state()
    expect(chief.get_by_test_id("instructions")).to_contain_text("待承办人回复")
    BasePage(chief).screenshot(artifacts / "day1-17a-leader-instructs.png")

    # then: the handler sees it in the 待办 and answers it on the case
    desk = new_page(DESKTOP)
    desk_problems = ProblemRecorder(desk)
    _login(desk, working_group_member)
    expect(desk.get_by_test_id("inbox-badge")).to_have_text("1")
    inbox = InboxPage(desk).goto()
    section = inbox.section("cases.instructions")
    expect(section).to_contain_text("请三日内入户核实")
    inbox.screenshot(artifacts / "day1-17b-handler-inbox.png")
    section.get_by_role("link", name=case.number).click()
    desk.wait_for_load_state()
    answer = desk.get_by_test_id("instructions")
    answer.get_by_label("回复").fill("已安排周三入户核实。")
    answer.get_by_role("button", name="回复批示督办").click()
    desk.wait_for_load_state()
    expect(desk.get_by_test_id("instructions")).to_contain_text("已回复")
    expect(desk.get_by_test_id("timeline")).to_contain_text("领导批示")
    BasePage(desk).screenshot(artifacts / "day1-17c-handler-answered.png")
    expect(desk.get_by_test_id("inbox-badge")).to_have_text("")
    assert problems.all() == []
    assert desk_problems.all() == []


def test_item18_the_liaison_finds_a_resolved_request_waiting_for_a_rating(
    e2e_db, new_page, artifacts, enterprise_in_town, working_group_member, make_user
):
    # given: a request of the liaison's enterprise, resolved by the working group
    liaison = make_user("liaison_e2e", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)
    case = case_factories.enterprise_request(liaison, enterprise_in_town, title="二期临时用电增容")
    for state, reason in ((Case.State.ACCEPTED, ""), (Case.State.IN_PROGRESS, ""), (Case.State.RESOLVED, "已增容送电")):
        case = case_services.case_transition(case=case, to_state=state, actor=working_group_member, reason=reason)

    # when: the liaison signs in on a phone
    phone = new_page(PHONE)
    problems = ProblemRecorder(phone)
    _login(phone, liaison)

    # then: the home page says the request waits for their rating, with the key counts
    home = BasePage(phone)
    expect(phone.get_by_test_id("home-inbox")).to_contain_text("二期临时用电增容")
    expect(phone.locator('[data-count="awaiting_rating"]')).to_have_text("1")
    assert home.horizontal_overflow_px() == 0
    home.screenshot(artifacts / "day1-18a-liaison-home-phone.png")

    # when: they follow it and rate the result
    phone.get_by_test_id("home-inbox").get_by_role("link", name=case.number).click()
    phone.wait_for_load_state()
    rating = phone.get_by_test_id("rating")
    rating.locator("input[name=satisfaction][value='5']").check()
    rating.get_by_role("button", name="提交评价").click()
    phone.wait_for_load_state()

    # then: nothing waits any more
    home.goto("/")
    expect(phone.locator('[data-count="awaiting_rating"]')).to_have_text("0")
    home.screenshot(artifacts / "day1-18b-liaison-rated-phone.png")
    assert problems.all() == []
