"""Login security (等保 2.0): lockout after 5 failures, Chinese errors, a new session at login, logout ends it."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_unlock

LOGIN = reverse("accounts:login")


def _login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return client.get(reverse("reports:home")).status_code == 200


def test_right_password_signs_in_and_is_recorded(client, village_a_clerk):
    response = _login(client, "village_a_clerk", PASSWORD, REMOTE_ADDR="10.5.5.5")

    assert response.status_code == 302
    assert _signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN)
    assert (event.username, event.ip_address) == ("village_a_clerk", "10.5.5.5")


def test_wrong_password_is_refused_with_a_chinese_message(client, village_a_clerk):
    response = _login(client, "village_a_clerk", "wrong-password")

    assert response.status_code == 200
    assert "账号或密码不正确。在同一网络地址连续失败5次,该账号在此地址将被锁定15分钟。" in response.content.decode()
    assert not _signed_in(client)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, username="village_a_clerk").count() == 1


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, village_a_clerk):
    for _ in range(5):
        _login(client, "village_a_clerk", "wrong-password")

    response = _login(client, "village_a_clerk", PASSWORD)

    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert not _signed_in(client)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT, username="village_a_clerk").exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, username="village_a_clerk").count() >= 5
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN).exists()


def test_lockout_is_per_account_not_per_office_address(client, village_a_clerk, village_b_clerk):
    """A township office shares one NAT address: one cadre's typos must not lock out the others."""
    for _ in range(5):
        _login(client, "village_a_clerk", "wrong-password", REMOTE_ADDR="10.6.6.6")

    colleague = Client()
    response = _login(colleague, "village_b_clerk", PASSWORD, REMOTE_ADDR="10.6.6.6")

    assert response.status_code == 302
    assert _signed_in(colleague)


def test_four_failures_do_not_lock_and_a_success_resets_the_count(client, village_a_clerk):
    for _ in range(4):
        _login(client, "village_a_clerk", "wrong-password")
    assert _login(client, "village_a_clerk", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    for _ in range(4):
        _login(client, "village_a_clerk", "wrong-password")

    assert _login(client, "village_a_clerk", PASSWORD).status_code == 302


def test_administrator_can_lift_a_lockout(client, village_a_clerk, system_admin):
    for _ in range(5):
        _login(client, "village_a_clerk", "wrong-password")

    user_unlock(user=village_a_clerk, actor=system_admin)

    assert _login(client, "village_a_clerk", PASSWORD).status_code == 302
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PERMISSION_CHANGED, username="sysadmin", detail__unlocked=True
    ).exists()


def test_login_starts_a_new_session(client, village_a_clerk):
    """Session fixation: a session id planted before login must not become the signed-in session."""
    client.get(LOGIN)
    session = client.session
    session["planted"] = "yes"
    session.save()
    planted_key = session.session_key

    _login(client, "village_a_clerk", PASSWORD)

    assert client.cookies["sessionid"].value != planted_key
    assert not SessionStore().exists(planted_key)
    assert _signed_in(client)


def test_logout_by_post_ends_the_session(login_as, village_a_clerk):
    browser = login_as(village_a_clerk)
    key = browser.session.session_key

    response = browser.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert not SessionStore().exists(key)
    after = browser.get(reverse("people:person-list"))
    assert after.status_code == 302
    assert after.url.startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGOUT, username="village_a_clerk").exists()


def test_logout_by_get_is_refused(login_as, village_a_clerk):
    """A link or image on another page cannot log a cadre out."""
    browser = login_as(village_a_clerk)

    assert browser.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in(browser)


def test_disabled_account_cannot_sign_in(client, village_a_clerk):
    village_a_clerk.is_active = False
    village_a_clerk.save(update_fields=["is_active"])

    response = _login(client, "village_a_clerk", PASSWORD)

    assert response.status_code == 200
    assert not _signed_in(client)


# --- lockout without a denial of service ---------------------------------------------------------


def test_a_locked_account_still_signs_in_from_an_address_that_has_not_failed(client, village_a_clerk):
    """Anyone can type a cadre's name with wrong passwords; that locks the name at *their* address only."""
    attacker = Client()
    for _ in range(5):
        _login(attacker, "village_a_clerk", "wrong-password", REMOTE_ADDR="203.0.113.9")
    assert _login(attacker, "village_a_clerk", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429

    response = _login(client, "village_a_clerk", PASSWORD, REMOTE_ADDR="10.6.6.6")

    assert response.status_code == 302
    assert _signed_in(client)
    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT)
    assert {(e.username, e.ip_address, e.detail["by"]) for e in lockouts} == {
        ("village_a_clerk", "203.0.113.9", "account_address")
    }


def test_the_lockout_page_says_the_lock_holds_at_this_address(client, village_a_clerk):
    for _ in range(5):
        _login(client, "village_a_clerk", "wrong-password")

    page = _login(client, "village_a_clerk", PASSWORD).content.decode()

    assert "密码连续输错5次,该账号在您所在的网络地址已锁定15分钟" in page


@pytest.fixture
def address_limit(settings):
    from django.core.cache import cache

    settings.LIANXIN_LOGIN_ADDRESS_FAILURES = 6
    cache.clear()
    yield 6
    cache.clear()


def test_one_address_trying_many_names_is_throttled_with_a_chinese_429(client, address_limit, village_a_clerk):
    for i in range(address_limit):
        _login(client, f"guess{i}", "wrong-password", REMOTE_ADDR="203.0.113.7")

    response = _login(client, "village_a_clerk", PASSWORD, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert "从您所在网络地址登录失败的次数过多,该地址暂停登录15分钟" in response.content.decode()
    assert not _signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT)
    assert (event.username, event.ip_address, event.detail) == ("", "203.0.113.7", {"by": "address", "minutes": 15})


def test_the_address_throttle_leaves_other_addresses_alone(client, address_limit, village_a_clerk):
    for i in range(address_limit):
        _login(Client(), f"guess{i}", "wrong-password", REMOTE_ADDR="203.0.113.7")

    assert _login(client, "village_a_clerk", PASSWORD, REMOTE_ADDR="10.6.6.6").status_code == 302


def test_a_township_office_behind_one_address_signs_in_despite_typos(settings, make_user, village_a):
    """The NAT case, with the shipped per-address limit: a dozen cadres behind one address mistype twice
    each and one locks their own account; every other cadre still gets in."""
    from django.core.cache import cache

    from config.settings import base

    settings.LIANXIN_LOGIN_ADDRESS_FAILURES = base.LIANXIN_LOGIN_ADDRESS_FAILURES
    cache.clear()
    cadres = [make_user(f"cadre{i}", Role.VILLAGE_CADRE, scope_region=village_a) for i in range(12)]
    for _ in range(5):
        _login(Client(), "cadre0", "wrong-password", REMOTE_ADDR="10.6.6.6")
    results = []
    for cadre in cadres[1:]:
        browser = Client()
        for _ in range(2):
            _login(browser, cadre.username, "wrong-password", REMOTE_ADDR="10.6.6.6")
        results.append(_login(browser, cadre.username, PASSWORD, REMOTE_ADDR="10.6.6.6").status_code)
    cache.clear()

    assert results == [302] * 11
    assert _login(Client(), "cadre0", PASSWORD, REMOTE_ADDR="10.6.6.6").status_code == 429
