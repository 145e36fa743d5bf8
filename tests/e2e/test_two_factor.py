"""The system administrator's first login (issue 16): the one-time password, their own password, enrolment
of the authenticator app (the code computed here from the key the page shows, as the app would), the
recovery codes, the home page; then a second login asks for the code after the password."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create
from lianxin.accounts.two_factor import two_factor_enabled

from .pages import HomePage, LoginPage, SecondFactorPage, TwoFactorEnrolPage

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Qz7-tongyuan-river"


def _app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in by hand (base32, in groups of four)."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.fixture
def new_admin(e2e_db, settings, town):
    settings.LIANXIN_2FA_REQUIRED_ROLES = [Role.SYSTEM_ADMIN, Role.TOWNSHIP_LEADER, Role.WORKING_GROUP]
    return user_create(username="newadmin", full_name="新管理员", role=Role.SYSTEM_ADMIN, scope_region=town)


def test_the_administrator_changes_the_password_enrols_and_lands_on_the_home_page(page, artifacts, new_admin):
    user, one_time = new_admin

    # when: the administrator signs in with the one-time password and sets their own
    page.set_default_navigation_timeout(30_000)  # the live server's first page, on a busy machine, took > 10 s
    login = LoginPage(page).goto()
    login.login(user.username, one_time)
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # then: enrolment, before anything else: a QR code and the key, no menu
    enrol = TwoFactorEnrolPage(page)
    expect(page).to_have_url(re.compile(r"/accounts/me/two-factor/$"))
    expect(page.get_by_test_id("two-factor-required")).to_be_visible()
    expect(enrol.qr_code).to_be_visible()
    assert enrol.qr_code.evaluate("img => img.naturalWidth") > 100  # the SVG drew
    assert page.locator("#nav .nav-link").count() == 0
    secret = enrol.secret.inner_text()
    enrol.screenshot(artifacts / "two-factor-enrol.png")

    # when: they type the code their app shows
    enrol.confirm(_app_code(secret))

    # then: ten recovery codes, shown once
    expect(enrol.recovery_codes).to_have_count(10)
    enrol.screenshot(artifacts / "two-factor-recovery-codes.png")
    assert two_factor_enabled(user)
    page.get_by_role("link", name="我已保存,继续").click()
    page.wait_for_load_state()

    # then: the home page, with the menu
    home = HomePage(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(home.current_user).to_contain_text("新管理员")
    expect(home.nav_link("园区概况")).to_be_attached()
    home.screenshot(artifacts / "two-factor-home.png")

    # when: they sign out and in again, the code is asked after the password
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    LoginPage(page).goto().login(user.username, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
    second = SecondFactorPage(page)
    second.screenshot(artifacts / "two-factor-login-step.png")
    second.verify(_app_code(secret, steps_ahead=1))  # the enrolment's code is used: the app's next one
    expect(page).to_have_url(re.compile(r"/$"))
    expect(HomePage(page).current_user).to_contain_text("新管理员")
    kinds = list(SecurityEvent.objects.filter(username=user.username).values_list("kind", flat=True))
    assert SecurityEvent.Kind.TWO_FACTOR_ENROLLED in kinds
    assert kinds.count(SecurityEvent.Kind.LOGIN) == 2
