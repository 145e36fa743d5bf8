"""Livelihood at work: a village cadre opens the income alert list and registers a follow-up case with one click;
an enterprise liaison posts a job and accepts the landless farmer a cadre proposed; the township leader sees
targets against actuals with their charts."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from lianxin.accounts.roles import Role
from lianxin.livelihood import services
from lianxin.livelihood.models import FollowUp, IncomeSurvey, JobPosting, JobSeeker, Placement
from lianxin.livelihood.tests import factories

from .pages import BasePage, LoginPage, ProblemRecorder

pytestmark = pytest.mark.e2e


@pytest.fixture
def land(e2e_db, working_group_member, town):
    """Land classes (seeded by a migration the flush removed), standards, a project and the local rule."""
    from lianxin.land.tests import factories as land_factories

    importlib.import_module("lianxin.land.migrations.0002_seed_land_classes").seed(apps, None)
    land_factories.township_standards(town)
    factories.rule(working_group_member)
    return land_factories.project(town, name="氧化铝项目")


def _landless(actor, group, project, number: str):
    household = factories.household_with_land(group, contracted="1", number=number)
    factories.take_land(project, household, actor, mu="1", signed_on=date(2020, 5, 1))
    return household


def test_cadre_registers_a_follow_up_from_the_alert_list(
    e2e_db, page, artifacts, working_group_member, village_a_clerk, group_a1, land
):
    household = _landless(working_group_member, group_a1, land, "JMS-007")
    year = timezone.localdate().year - 1
    for survey_year, kind, wages in (
        (2019, IncomeSurvey.Kind.BASELINE, "30000"),
        (year, IncomeSurvey.Kind.YEARLY, "9000"),
    ):
        services.survey_record(
            actor=working_group_member,
            household=household,
            year=survey_year,
            kind=kind,
            surveyed_on=date(survey_year + 1, 1, 10),
            persons=2,
            wages=Decimal(wages),
        )
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(village_a_clerk.username, PASSWORD)

    alerts = BasePage(page).goto("/livelihood/income/alerts/")
    row = page.get_by_test_id("alert-table").locator(f'tr[data-household="{household.pk}"]')
    expect(row).to_contain_text("JMS-007")
    expect(row).to_contain_text("21000")
    row.get_by_test_id("follow-up").click()
    page.wait_for_load_state()

    case_link = page.get_by_test_id("alert-table").get_by_test_id("follow-up-case")
    expect(case_link).to_be_visible()
    follow_up = FollowUp.objects.get(household=household, year=year)
    expect(case_link).to_have_text(follow_up.case.number)
    alerts.screenshot(artifacts / "livelihood-alert-follow-up.png")
    case_link.click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("收入下降跟进")
    assert problems.all() == []


def test_liaison_posts_a_job_and_accepts_the_proposed_landless_farmer(
    e2e_db, page, artifacts, make_user, working_group_member, group_a1, land
):
    liaison = make_user("liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=land.enterprise)
    household = _landless(working_group_member, group_a1, land, "JMS-021")
    person = household.members.order_by("pk").first()
    services.job_seeker_register(
        actor=working_group_member, person=person, reason=JobSeeker.Reason.LAND_TAKEN, registered_on=date(2024, 3, 1)
    )
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(liaison.username, PASSWORD)
    page.wait_for_load_state("networkidle")

    # the liaison posts a job for their enterprise
    # Each step waits for the page's own requests (the 待办 badge loads after the page) before the next click,
    # as a person does: a click during that request once left the badge's answer a 400 in the console.
    BasePage(page).goto("/livelihood/postings/")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("posting-create").click()
    page.wait_for_load_state("networkidle")
    form = page.get_by_test_id("posting-form")
    form.get_by_label("岗位 *", exact=True).fill("叉车司机")
    form.get_by_label("招聘人数 *", exact=True).fill("3")
    form.get_by_label("月工资下限(元) *", exact=True).fill("3200")
    form.get_by_label("月工资上限(元) *", exact=True).fill("4500")
    form.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    posting = JobPosting.objects.get(title="叉车司机")
    assert posting.enterprise == land.enterprise

    # a cadre proposes the landless farmer (the ranking puts them first), the liaison accepts
    services.placement_propose(actor=working_group_member, posting=posting, person=person, on=timezone.localdate())
    BasePage(page).goto(f"/livelihood/postings/{posting.pk}/")
    page.wait_for_load_state("networkidle")
    row = page.get_by_test_id("placement-table").locator("tr[data-placement]")
    expect(row).to_contain_text(person.name)
    row.get_by_test_id("accept-form").get_by_role("button", name="录用").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("placement-table").get_by_test_id("placement-status")).to_have_text("已录用")
    BasePage(page).screenshot(artifacts / "livelihood-placement-accepted.png")
    assert Placement.objects.get(posting=posting).status == Placement.Status.ACCEPTED
    assert JobSeeker.objects.get(person=person).status == JobSeeker.Status.PLACED
    assert problems.all() == []


def test_leader_sees_targets_against_actuals_with_charts(
    e2e_db, page, artifacts, working_group_member, town_admin, village_a, village_b
):
    year = timezone.localdate().year
    for village, share in ((village_a, Decimal("0.6")), (village_b, Decimal("0.4"))):
        for indicator, target, actual in (
            ("total_income", "62000000", "63850000"),
            ("net_income", "18000000", "18620000"),
            ("cattle", "120", "124"),
            ("corn", "3000", "3050"),
        ):
            services.indicator_set(
                actor=working_group_member,
                region=village,
                year=year,
                indicator=indicator,
                target=(Decimal(target) * share).quantize(Decimal("0.01")),
                actual=(Decimal(actual) * share).quantize(Decimal("0.01")),
            )
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)

    indicators = BasePage(page).goto("/livelihood/indicators/")
    table = page.get_by_test_id("indicator-table")
    expect(table.locator('tr[data-indicator="total_income"]')).to_contain_text("6200万元")
    expect(table.locator('tr[data-indicator="cattle"]')).to_contain_text("124")
    for chart in ("chart-income", "chart-industry"):
        expect(page.get_by_test_id(chart)).to_have_attribute("data-drawn", "1")
        expect(page.get_by_test_id(chart).locator("canvas")).to_have_count(1)
    indicators.screenshot(artifacts / "livelihood-targets.png")
    assert problems.all() == []
