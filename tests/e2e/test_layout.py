"""How the main pages look and behave in a real browser: phone menu, CSP cleanliness, no sideways
scrolling on phones, and screenshots of every main page (test-artifacts/) for a person to look at."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

from .pages import CSP_RECORDER, DESKTOP, PHONE, AuditLogPage, EnterpriseListPage, HomePage, LoginPage, PersonListPage

pytestmark = pytest.mark.e2e

# Recorded in the page itself: Chrome reports blocked inline scripts/styles as console errors, but
# the securitypolicyviolation event also catches reports Chrome does not print.


def test_phone_menu_collapses_into_the_toggler_and_opens_when_tapped(e2e_db, new_page, artifacts, town_admin):
    # given: a township leader on a phone
    page = new_page(PHONE, has_touch=True, is_mobile=True)
    home = LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)
    expect(home.nav_toggler).to_be_visible()
    expect(home.nav_link("人口")).to_be_hidden()

    # when: the menu button is tapped
    home.open_menu()

    # then: the menu opens, its groups open, and they lead to the pages
    expect(home.nav_group("台账")).to_be_visible()
    expect(home.nav_toggler).to_have_attribute("aria-expanded", "true")
    home.open_group("台账")
    expect(home.nav_link("人口")).to_be_visible()
    home.screenshot(artifacts / "phone-menu-open.png")
    home.nav_link("人口").tap()
    expect(page).to_have_url(re.compile(r"/people/persons/$"))
    expect(PersonListPage(page).heading).to_have_text("人口台账")


def test_desktop_menu_is_shown_without_the_toggler(e2e_db, page, town_admin):
    # when
    home = LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)

    # then: the menu is one line of links and drop-downs
    expect(home.nav_toggler).to_be_hidden()
    expect(home.nav_link("企业")).to_be_hidden()
    home.open_group("台账")
    expect(home.nav_link("企业")).to_be_visible()
    home.nav_link("企业").click()
    expect(page).to_have_url(re.compile(r"/enterprises/$"))


def test_main_pages_raise_no_csp_violations_and_draw_the_charts(e2e_db, page, park_data, town_admin):
    # given: a township leader's browser listening for console errors, page errors and CSP reports
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.add_init_script(CSP_RECORDER)
    LoginPage(page).login_expecting_success(town_admin.username, PASSWORD)

    # when / then: each page loads clean
    home = HomePage(page).goto()
    assert "default-src 'self'" in home.response.headers.get("content-security-policy", "")
    expect(home.charts).to_have_count(2)
    home.wait_for_charts()
    home.hover_first_bar()  # the tooltip is where inline styles would appear
    expect(home.figure("enterprises")).to_have_text("5")
    violations = page.evaluate("window.__cspViolations")
    persons = PersonListPage(page).goto()
    expect(persons.rows).to_have_count(8)
    violations += page.evaluate("window.__cspViolations")
    enterprises = EnterpriseListPage(page).goto()
    expect(enterprises.rows).to_have_count(6)
    violations += page.evaluate("window.__cspViolations")

    assert violations == []
    assert [p for p in problems if "Content Security Policy" in p or "Refused to" in p] == []
    assert problems == []


@pytest.mark.parametrize(
    ("device", "viewport"), [pytest.param("desktop", DESKTOP, id="desktop"), pytest.param("phone", PHONE, id="phone")]
)
def test_screenshots_of_main_pages_without_sideways_scrolling(
    e2e_db, new_page, artifacts, park_data, town_admin, system_admin, household_a, device, viewport
):
    """Saves test-artifacts/<device>-<page>.png; on a phone, no page may be wider than the screen."""
    mobile = {"is_mobile": True, "has_touch": True} if device == "phone" else {}
    overflow: dict[str, int] = {}

    def shoot(page_object, name: str) -> None:
        page_object.page.wait_for_load_state("networkidle")
        page_object.screenshot(artifacts / f"{device}-{name}.png")
        overflow[name] = page_object.horizontal_overflow_px()

    # the login page, as anyone arrives
    page = new_page(viewport, **mobile)
    login = LoginPage(page).goto()
    shoot(login, "login")

    # a township leader's day: overview, people, one person, enterprises
    home = login.login_expecting_success(town_admin.username, PASSWORD)
    home.goto()
    home.settle_charts()
    shoot(home, "home")
    persons = PersonListPage(page).goto()
    shoot(persons, "person-list")
    detail = persons.open("赵建国")
    expect(detail.resident_id).to_be_visible()
    shoot(detail, "person-detail")
    shoot(EnterpriseListPage(page).goto(), "enterprise-list")

    # the system administrator's audit log
    admin_page = new_page(viewport, **mobile)
    LoginPage(admin_page).login_expecting_success(system_admin.username, PASSWORD)
    audit = AuditLogPage(admin_page).goto()
    expect(audit.rows.first).to_be_visible()
    shoot(audit, "audit-log")

    assert {name: px for name, px in overflow.items() if px > 0} == {}
