"""Password expiry (issue 16): a banner some days before, a forced change after, through the first-login flow."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from lianxin.accounts.models import User

HOME = reverse("reports:home")
CHANGE = reverse("accounts:password-change")
NEW_PASSWORD = "Qz7-tongyuan-river"


@pytest.fixture
def expiry(settings):
    settings.LIANXIN_PASSWORD_MAX_AGE_DAYS = 90
    settings.LIANXIN_PASSWORD_WARNING_DAYS = 14


def _changed_days_ago(user, days: float) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


def _signed_in(user) -> Client:
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_every_page_warns_in_the_last_days_before_expiry(expiry, village_a_clerk):
    _changed_days_ago(village_a_clerk, 80)
    expires_on = timezone.localtime(timezone.now() + timedelta(days=10)).date()

    html = _signed_in(village_a_clerk).get(HOME).content.decode()

    assert 'data-testid="password-expiry-warning"' in html
    assert f"您的密码将于{expires_on:%Y-%m-%d}过期(还有10天)" in html
    assert f'href="{CHANGE}"' in html


@pytest.mark.parametrize(("days_ago", "max_age"), [(70, 90), (80, 0)])
def test_no_warning_before_the_window_or_when_passwords_do_not_expire(
    expiry, settings, village_a_clerk, days_ago, max_age
):
    settings.LIANXIN_PASSWORD_MAX_AGE_DAYS = max_age
    _changed_days_ago(village_a_clerk, days_ago)

    html = _signed_in(village_a_clerk).get(HOME).content.decode()

    assert "password-expiry-warning" not in html


def test_an_expired_password_must_be_changed_before_anything_else(expiry, village_a_clerk):
    _changed_days_ago(village_a_clerk, 91)
    client = _signed_in(village_a_clerk)

    home = client.get(HOME)
    page = client.get(CHANGE).content.decode()

    assert home.status_code == 302
    assert home.url == CHANGE
    assert client.get(reverse("people:household-list")).url == CHANGE
    assert client.get("/api/accounts/me").status_code == 401
    assert "您的密码已使用超过90天,已过期" in page
    assert 'data-testid="inbox-badge"' not in page  # the first-login page: no menu, no badge
    badge = client.get(reverse("core:inbox-badge"), headers={"HX-Request": "true"})
    assert badge["HX-Redirect"] == CHANGE


def test_the_change_ends_the_expiry_and_the_warning(expiry, village_a_clerk):
    _changed_days_ago(village_a_clerk, 91)
    client = _signed_in(village_a_clerk)
    before = timezone.now()

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    village_a_clerk.refresh_from_db()
    assert village_a_clerk.password_changed_at >= before
    home = client.get(HOME)
    assert home.status_code == 200
    assert "password-expiry-warning" not in home.content.decode()


def test_the_same_password_again_is_refused(expiry, village_a_clerk):
    _changed_days_ago(village_a_clerk, 91)
    client = _signed_in(village_a_clerk)

    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})

    assert "新密码不能与当前密码相同" in response.content.decode()
    assert client.get(HOME).url == CHANGE


def test_a_new_account_starts_its_password_age_now(village_a_clerk):
    assert timezone.now() - village_a_clerk.password_changed_at < timedelta(minutes=1)
