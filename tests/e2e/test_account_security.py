"""我的账号 shows each API token's last use and expiry; a token dies with a password change (issue 11)."""

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from lianxin.accounts.tests.factories import totp_device

from .pages import LockedOutPage, LoginPage, ProfilePage

pytestmark = pytest.mark.e2e


def test_a_cadre_sees_when_a_token_was_last_used_and_until_when_it_works(e2e_db, page, village_a_clerk, artifacts):
    # given: the cadre creates a token on 我的账号 (a token needs the second factor) and a script uses it
    LoginPage(page).login_expecting_success(village_a_clerk.username, PASSWORD)
    totp_device(village_a_clerk)
    profile = ProfilePage(page).goto()
    profile.token_name.fill("手机端")
    profile.create_token.click()
    raw = profile.new_token.inner_text()
    assert Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    # when: the page is opened again
    profile.goto()

    # then: the row says when it was last used and when it expires
    token = village_a_clerk.api_tokens.get()
    row = profile.token_row("手机端")
    expect(row).to_contain_text(timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M"))
    expect(row).to_contain_text(timezone.localtime(token.expires_at).strftime("%Y-%m-%d"))
    expect(page.locator("main")).to_contain_text("令牌自创建起90天内有效")
    profile.screenshot(artifacts / "account-tokens.png")


def test_the_lockout_page_says_the_lock_holds_at_this_address(e2e_db, page, village_a_clerk, artifacts):
    login = LoginPage(page)
    for attempt in range(5):
        login.goto()
        login.login(village_a_clerk.username, f"Wrong-password-{attempt}")
    login.goto()
    expect(page.locator("main")).to_contain_text("在同一网络地址连续输错5次密码")

    login.login(village_a_clerk.username, PASSWORD)

    locked = LockedOutPage(page)
    expect(locked.message).to_contain_text("该账号在您所在的网络地址已锁定15分钟")
    locked.screenshot(artifacts / "lockout-per-address.png")
