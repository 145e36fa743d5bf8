"""Deployment hardening (等保 2.0): headers on every response, idle logout, and a clean `check --deploy`."""

import base64
import os
import secrets
import string
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

BASE_DIR = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("url_name", ["accounts:login", "reports:home"])
def test_every_page_carries_a_content_security_policy(client, village_a_clerk, login_as, url_name):
    browser = login_as(village_a_clerk) if url_name != "accounts:login" else client

    response = browser.get(reverse(url_name))

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_api_responses_carry_the_policy_too(login_as, village_a_clerk):
    response = login_as(village_a_clerk).get("/api/accounts/me")

    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_idle_sessions_end_after_30_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # every request restarts the 30 minutes
    assert settings.SESSION_COOKIE_HTTPONLY is True


def _session_row(browser):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=browser.session.session_key)


def test_each_request_restarts_the_idle_clock(login_as, village_a_clerk):
    browser = login_as(village_a_clerk)
    row = _session_row(browser)
    row.expire_date = timezone.now() + timedelta(minutes=1)  # 29 minutes idle
    row.save()

    assert browser.get(reverse("reports:home")).status_code == 200

    remaining = _session_row(browser).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_idle_session_is_logged_out(login_as, village_a_clerk):
    browser = login_as(village_a_clerk)
    row = _session_row(browser)
    row.expire_date = timezone.now() - timedelta(seconds=1)  # 30 minutes idle
    row.save()

    response = browser.get(reverse("reports:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def _random_secret(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "LIANXIN_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=_random_secret(),
        FIELD_ENCRYPTION_KEY=base64.b64encode(os.urandom(32)).decode(),
        BLIND_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
        DJANGO_ALLOWED_HOSTS="example.org",
        LIANXIN_VAR_DIR=str(tmp_path),  # nothing written next to the real installation
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
