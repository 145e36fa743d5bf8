"""First login with a one-time password, in a real browser (issue 10, item 1).

On the forced password-change page the 待办 badge, loaded by htmx, was redirected to the password page,
whose HTML was swapped into the badge, which loaded its own badge…: 63 nested copies in 10 s at about
6 requests a second, and the form the user filled was in the wrong copy.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create
from lianxin.cases.models import Case
from lianxin.cases.tests.test_statistics import make_case

from .pages import HomePage, LoginPage

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Qz7-tongyuan-river"


@pytest.fixture
def newcomer(e2e_db, town, village_a):
    """A township leader (the 待办 badge counts every due case of the township) on a one-time password,
    with two overdue cases waiting."""
    for title in ("补偿款分配纠纷", "施工便道纠纷"):
        make_case(village_a, state=Case.State.IN_PROGRESS, due_on=timezone.localdate() - timedelta(days=3), title=title)
    user, password = user_create(username="newleader", full_name="新书记", role=Role.TOWNSHIP_LEADER, scope_region=town)
    return user, password


def test_first_login_changes_the_password_and_lands_on_the_home_page_with_the_badge(page, artifacts, newcomer):
    user, one_time = newcomer
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # when: the newcomer signs in with the one-time password
    login = LoginPage(page).goto()
    login.login(user.username, one_time)

    # then: the password page, once — no menu, no badge, no request storm
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    page.wait_for_timeout(2500)
    LoginPage(page).screenshot(artifacts / "first-login-password-page.png")
    assert page.locator("nav.navbar").count() == 1
    assert page.locator("form input[name=old_password]").count() == 1
    assert not [url for url in requests if "/inbox/badge/" in url]
    assert len([url for url in requests if "/accounts/password/" in url]) == 1

    # when: they set their own password
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    requests.clear()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # then: the home page, one page, with the badge counting the two overdue cases
    home = HomePage(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(home.page.get_by_text("密码已修改")).to_be_visible()
    badge = page.get_by_test_id("inbox-badge")
    expect(badge).to_have_text("2")
    page.wait_for_timeout(2500)
    home.screenshot(artifacts / "first-login-home.png")
    assert page.locator("nav.navbar").count() == 1  # not a page nested in the badge
    assert badge.locator("nav, form, main").count() == 0
    badge_requests = [url for url in requests if "/inbox/badge/" in url]
    assert len(badge_requests) == 1
    pages = [url for url in requests if "/static/" not in url]
    assert len(pages) <= 4, pages  # the form post, its redirect target, the badge (no storm)
    user.refresh_from_db()
    assert user.must_change_password is False
