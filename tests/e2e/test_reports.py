"""Reports in the browser: the leader's dashboard, where every number and chart bar opens the rows
behind it (desktop and phone, CSP-clean); the office rewording a sentence of the work report and
getting it in the regenerated .docx."""

from __future__ import annotations

import importlib
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Locator, expect

from conftest import PASSWORD
from lianxin.accounts.roles import Role
from lianxin.cases.tests import factories as case_factories
from lianxin.land.tests import factories as land_factories

from .pages import DESKTOP, PHONE, BasePage, LoginPage, ProblemRecorder

pytestmark = pytest.mark.e2e


class DashboardPage(BasePage):
    path = "/reports/dashboard/"

    def figure(self, name: str) -> Locator:
        return self.page.locator(f'[data-figure="{name}"]')

    def chart(self, key: str) -> Locator:
        return self.page.get_by_test_id(f"chart-{key}")

    def wait_for_chart(self, key: str) -> None:
        expect(self.chart(key).locator("canvas")).to_have_count(1)
        self.page.wait_for_timeout(1200)  # ECharts animates the bars in

    def click_bar(self, key: str, index: int, count: int) -> None:
        """Click the middle of bar ``index`` of ``count`` in the chart (grid: 56 px left, 16 right, 64 bottom)."""
        box = self.chart(key).bounding_box()
        assert box is not None
        width = box["width"] - 56 - 16
        x = box["x"] + 56 + width * (index + 0.5) / count
        y = box["y"] + box["height"] - 64 - 6
        self.page.mouse.click(x, y)


class RowsPage(BasePage):
    @property
    def rows(self) -> Locator:
        return self.page.locator("main table tbody tr")


class SentencePage(BasePage):
    path = "/reports/sentences/"

    def edit(self, key: str) -> None:
        self.page.locator(f'[data-sentence="{key}"]').get_by_role("link", name="编辑").click()

    def reword(self, text: str) -> None:
        self.page.get_by_label("语句").fill(text)
        self.page.get_by_role("button", name="保存").click()


class WorkReportPage(BasePage):
    path = "/reports/work-report/"

    @property
    def preview(self) -> Locator:
        return self.page.get_by_test_id("report-preview")


@pytest.fixture
def land_classes(e2e_db):
    """The seeded classes: transactional_db empties every table after a test, data migrations included."""
    from django.apps import apps

    seed = importlib.import_module("lianxin.land.migrations.0002_seed_land_classes")
    seed.seed(apps, None)


@pytest.fixture
def township_figures(land_classes, park_data, town, group_a1, group_a2, group_b1, village_a, working_group_member):
    """Seven parcels of the park's project (all only surveyed) and three overdue disputes."""
    land_factories.township_standards(town)
    project = land_factories.project(town, name="示例园区项目")
    for group, areas in ((group_a1, ["12.5", "8", "20"]), (group_a2, ["15", "6.5"]), (group_b1, ["30", "9"])):
        for area in areas:
            land_factories.parcel(project, group, area_mu=area)
    from lianxin.cases.models import Case

    long_ago = timezone.now() - timedelta(days=120)
    for title in ("征地补偿款分配争议", "地界纠纷", "青苗补偿争议"):
        case = case_factories.dispute(working_group_member, village_a, title=title, registered_at=long_ago)
        Case.objects.filter(pk=case.pk).update(
            state=Case.State.IN_PROGRESS, due_on=timezone.localdate() - timedelta(days=10)
        )
    return project


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_leader_clicks_a_figure_and_a_bar_and_lands_on_their_rows(
    e2e_db, new_page, artifacts, township_figures, town_admin, device, viewport
):
    # given the township leader on the dashboard
    mobile = {"is_mobile": True, "has_touch": True} if device == "phone" else {}
    page = new_page(viewport, **mobile)
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)
    dashboard = DashboardPage(page).goto()
    expect(dashboard.figure("land_surveyed_mu")).to_have_text("101亩")
    expect(dashboard.figure("cases_overdue")).to_have_text("3件")
    dashboard.wait_for_chart("land")
    dashboard.screenshot(artifacts / f"{device}-reports-dashboard.png")
    assert dashboard.horizontal_overflow_px() == 0

    # when the leader clicks the overdue figure, the list shows exactly those cases
    dashboard.figure("cases_overdue").click()
    page.wait_for_url(re.compile(r"/cases/\?overdue=1"))
    expect(RowsPage(page).rows).to_have_count(3)

    # and the area figure opens the parcels it sums
    dashboard.goto()
    dashboard.figure("land_surveyed_mu").click()
    page.wait_for_url(re.compile(r"/land/parcels/$"))
    expect(RowsPage(page).rows).to_have_count(7)

    # and the chart's 已测量 bar (the first of four statuses) opens the parcels of that status
    dashboard.goto()
    dashboard.wait_for_chart("land")
    dashboard.chart("land").scroll_into_view_if_needed()
    dashboard.click_bar("land", 0, 4)
    page.wait_for_url(re.compile(r"/land/parcels/\?status=surveyed"))
    expect(RowsPage(page).rows).to_have_count(7)

    assert problems.all() == []


def test_office_rewords_a_sentence_and_the_regenerated_report_says_it(
    e2e_db, new_page, artifacts, township_figures, make_user, town
):
    # given the Party affairs officer (the office that drafts the report)
    officer = make_user("dangzheng", Role.PARTY_OFFICER, scope_region=town)
    page = new_page()
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(officer.username, PASSWORD)

    # when the officer rewords the overview's first sentence
    sentences = SentencePage(page).goto()
    sentences.edit("overview.villages")
    sentences.reword("本镇工业园区涉及{villages}村委会、{village_groups}村民小组,群众{population}。")
    expect(page.locator('[data-sentence="overview.villages"]')).to_contain_text("群众{population}")

    # then the preview says it, its figures link to their rows
    report = WorkReportPage(page).goto()
    expect(report.preview).to_contain_text("本镇工业园区涉及2个村委会、3个村民小组,群众8人。")
    expect(report.preview.locator('a[data-figure="population"]')).to_have_attribute(
        "href", "/people/persons/?in_park=1"
    )
    report.screenshot(artifacts / "desktop-work-report.png")

    # and the regenerated Word document too
    with page.expect_download() as download:
        page.get_by_test_id("download-docx").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert any("群众8人" in p.text for p in document.paragraphs)

    assert problems.all() == []
