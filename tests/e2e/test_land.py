"""The land ledger as a working-group member uses it: record a payment on an agreement and see the project's
progress page count it; every land page usable on a phone (no sideways scrolling, no CSP violations)."""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from conftest import PASSWORD
from lianxin.land import services
from lianxin.land.tests import factories

from .pages import DESKTOP, PHONE, BasePage, LoginPage, ProblemRecorder

pytestmark = pytest.mark.e2e


class AgreementPage(BasePage):
    @property
    def payment_form(self) -> Locator:
        return self.page.get_by_test_id("payment-form")

    @property
    def paid(self) -> Locator:
        return self.page.get_by_test_id("agreement-paid")

    def record_payment(self, amount: str, voucher: str) -> None:
        form = self.payment_form
        form.get_by_label("金额(元)").fill(amount)
        form.get_by_label("凭证号").fill(voucher)
        form.get_by_label("收款人").fill("王小明")
        form.get_by_role("button", name="记录兑付").click()
        self.page.wait_for_load_state()


class ProgressPage(BasePage):
    @property
    def money_paid(self) -> Locator:
        return self.page.get_by_test_id("money-paid")

    @property
    def statuses(self) -> Locator:
        return self.page.get_by_test_id("progress-statuses")


@pytest.fixture
def land_classes(e2e_db):
    """The seeded classes: transactional_db empties every table after a test, data migrations included."""
    from django.apps import apps

    seed = importlib.import_module("lianxin.land.migrations.0002_seed_land_classes")
    seed.seed(apps, None)


@pytest.fixture
def land(
    e2e_db,
    land_classes,
    town,
    group_a1,
    group_a2,
    household_a,
    household_b,
    person_a,
    working_group_member,
):
    project = factories.project(town)
    factories.township_standards(town)
    signed = factories.parcel(project, group_a1, code="A-001", area_mu="10")
    agreement = factories.agreement(
        project, household_a, [factories.holding(signed, household_a)], working_group_member
    )
    paid = factories.parcel(project, group_a1, code="A-002", area_mu="2")
    earlier = factories.agreement(project, household_a, [factories.holding(paid, household_a)], working_group_member)
    services.payment_record(
        agreement=earlier,
        amount=earlier.total_amount,
        paid_on=timezone.localdate() - timedelta(days=3),
        voucher_no="记-0001",
        payee_name="王小明",
        bank_account="6228480123456789012",
        actor=working_group_member,
    )
    factories.holding(
        factories.parcel(project, group_a2, code="A-003", area_mu="12", surveyed_days_ago=90), household_b
    )
    return {"project": project, "agreement": agreement, "earlier": earlier, "unsigned": household_b}


def test_working_group_member_records_a_payment_and_progress_counts_it(
    e2e_db, new_page, artifacts, land, working_group_member
):
    # given: a working-group member signed in, on the project's progress page (110,000 yuan paid so far)
    page = new_page(DESKTOP)
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(working_group_member.username, PASSWORD)
    progress = ProgressPage(page).goto(f"/land/projects/{land['project'].pk}/progress/")
    expect(progress.money_paid).to_have_text("110,000.00")

    # when: the member records the 550,000 yuan of the other agreement
    agreement = AgreementPage(page).goto(f"/land/agreements/{land['agreement'].pk}/")
    agreement.record_payment("550000", "记-0002")

    # then: the agreement shows it paid, and the progress page counts it
    expect(agreement.paid).to_have_text("550,000.00")
    expect(page.get_by_test_id("payments")).to_contain_text("记-0002")
    agreement.page.screenshot(path=str(artifacts / "desktop-land-agreement.png"), full_page=True)
    progress.goto()
    progress.goto(f"/land/projects/{land['project'].pk}/progress/")
    expect(progress.money_paid).to_have_text("660,000.00")
    expect(progress.statuses).to_contain_text("12 亩")  # paid: A-001 10 mu + A-002 2 mu
    page.screenshot(path=str(artifacts / "desktop-land-progress.png"), full_page=True)
    assert problems.all() == []


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_land_pages_fit_the_screen(e2e_db, new_page, artifacts, land, working_group_member, device, viewport):
    page = new_page(viewport)
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(working_group_member.username, PASSWORD)
    project, agreement = land["project"], land["agreement"]
    pages = {
        "home": "/land/",
        "parcels": "/land/parcels/",
        "parcel": f"/land/parcels/{agreement.holdings.first().parcel_id}/",
        "agreement": f"/land/agreements/{agreement.pk}/",
        "progress": f"/land/projects/{project.pk}/progress/",
        "procedure": f"/land/projects/{project.pk}/procedure/",
        "household": f"/land/households/{agreement.household_id}/",
        "standards": "/land/standards/",
        "new-agreement": f"/land/agreements/new/?project={project.pk}&household={land['unsigned'].pk}",
    }
    for name, path in pages.items():
        view = BasePage(page).goto(path)
        assert view.response.status == 200, path
        page.screenshot(path=str(artifacts / f"{device}-land-{name}.png"), full_page=True)
        if device == "phone":
            assert view.horizontal_overflow_px() == 0, name
    assert problems.all() == []
