"""Logging in through the form, and the lockout after five wrong passwords (等保 2.0)."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lianxin.accounts.models import SecurityEvent

from .pages import LockedOutPage, LoginPage

pytestmark = pytest.mark.e2e


def test_wrong_password_shows_the_error_on_the_form(e2e_db, page, village_a_clerk):
    # given
    login = LoginPage(page).goto()

    # when
    login.login(village_a_clerk.username, "Wrong-password-1")

    # then
    expect(login.error).to_contain_text("账号或密码不正确")
    expect(login.current_user).to_have_count(0)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(e2e_db, page, village_a_clerk):
    # given: five wrong passwords in a row
    login = LoginPage(page)
    for attempt in range(5):
        login.goto()
        login.login(village_a_clerk.username, f"Wrong-password-{attempt}")

    # when: the right password comes next
    login.goto()
    login.login(village_a_clerk.username, PASSWORD)

    # then: the locked-out page, not the home page, and the lockout is a security event
    locked = LockedOutPage(page)
    expect(locked.message).to_contain_text("账号已锁定")
    expect(locked.current_user).to_have_count(0)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT, username=village_a_clerk.username).exists()
