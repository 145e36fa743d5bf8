"""Login security (等保 2.0): lockout after 5 failures, Chinese errors, a new session at login, logout ends it."""

from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from lianxin.accounts.models import SecurityEvent
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
    assert "账号或密码不正确。连续失败5次,账号将被锁定15分钟。" in response.content.decode()
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
