"""API tokens expire, are refused for disabled accounts and one-time passwords, end at a password change,
and show their holder when they were last used."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from lianxin.accounts.models import ApiToken, SecurityEvent
from lianxin.accounts.services import api_token_create, password_change, user_set_active
from lianxin.accounts.tests.factories import totp_device

ME = "/api/accounts/me"


@pytest.fixture(autouse=True)
def _second_factor(village_a_clerk):
    """A token needs the second factor (test_two_factor.py checks the refusal)."""
    totp_device(village_a_clerk)


def _get(client, raw: str):
    return client.get(ME, headers={"Authorization": f"Bearer {raw}"})


def test_a_new_token_expires_after_the_configured_days(village_a_clerk, settings):
    settings.LIANXIN_API_TOKEN_DAYS = 90

    token, _raw = api_token_create(user=village_a_clerk, name="手机")

    assert timedelta(days=89, hours=23) < token.expires_at - timezone.now() <= timedelta(days=90)


def test_a_token_works_until_it_expires_and_not_after(client, village_a_clerk):
    token, raw = api_token_create(user=village_a_clerk, name="手机")
    assert _get(client, raw).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _get(client, raw).status_code == 401


def test_a_token_is_refused_while_its_account_must_change_its_password(client, village_a_clerk):
    _token, raw = api_token_create(user=village_a_clerk, name="脚本")
    village_a_clerk.must_change_password = True
    village_a_clerk.save(update_fields=["must_change_password"])

    assert _get(client, raw).status_code == 401


def test_a_token_is_refused_for_a_disabled_account(client, village_a_clerk):
    _token, raw = api_token_create(user=village_a_clerk, name="脚本")
    village_a_clerk.is_active = False
    village_a_clerk.save(update_fields=["is_active"])

    assert _get(client, raw).status_code == 401


def test_changing_the_password_revokes_every_token(client, village_a_clerk):
    _first, raw_first = api_token_create(user=village_a_clerk, name="手机")
    _second, raw_second = api_token_create(user=village_a_clerk, name="脚本")

    password_change(user=village_a_clerk, new_password="Another-pass-2026")

    assert _get(client, raw_first).status_code == 401
    assert _get(client, raw_second).status_code == 401
    assert not ApiToken.objects.filter(user=village_a_clerk, revoked_at__isnull=True).exists()
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).get()
    assert event.detail == {"tokens_revoked": 2}


def test_changing_the_password_on_the_page_revokes_the_tokens_too(login_as, client, village_a_clerk):
    _token, raw = api_token_create(user=village_a_clerk, name="手机")

    login_as(village_a_clerk).post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"},
    )

    assert _get(client, raw).status_code == 401


@pytest.mark.parametrize("expired", [False, True])
def test_my_account_page_shows_when_each_token_was_last_used_and_until_when_it_works(
    client, login_as, village_a_clerk, expired
):
    token, raw = api_token_create(user=village_a_clerk, name="手机")
    _get(client, raw)
    if expired:
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    token.refresh_from_db()

    page = login_as(village_a_clerk).get(reverse("accounts:profile")).content.decode()

    assert token.last_used_at is not None
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in page
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page
    assert "到期时间" in page
    assert ("已过期" in page) is expired


# --- disabled accounts lose their tokens (issue 16) -----------------------------------------------------


def test_disabling_an_account_revokes_its_tokens_for_good(client, village_a_clerk, system_admin):
    _first, raw_first = api_token_create(user=village_a_clerk, name="手机")
    _second, raw_second = api_token_create(user=village_a_clerk, name="脚本")

    user_set_active(user=village_a_clerk, active=False, actor=system_admin)
    user_set_active(user=village_a_clerk, active=True, actor=system_admin)

    assert _get(client, raw_first).status_code == 401  # enabling the account again does not bring them back
    assert _get(client, raw_second).status_code == 401
    assert not ApiToken.objects.filter(user=village_a_clerk, revoked_at__isnull=True).exists()
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_CHANGED, detail__active=False).get()
    assert event.username == "sysadmin"
    assert event.detail == {"account": "village_a_clerk", "active": False, "tokens_revoked": 2}


def test_disabling_on_the_account_page_revokes_the_tokens(client, login_as, village_a_clerk, system_admin, village_a):
    _token, raw = api_token_create(user=village_a_clerk, name="手机")

    response = login_as(system_admin).post(
        reverse("accounts:user-edit", args=[village_a_clerk.pk]),
        {"role": village_a_clerk.role, "scope_region": village_a.pk, "active": "0"},
    )

    assert response.status_code == 302
    village_a_clerk.refresh_from_db()
    assert village_a_clerk.is_active is False
    assert _get(client, raw).status_code == 401
    assert ApiToken.objects.get(user=village_a_clerk).revoked_at is not None
