"""Administrator's account care: resetting a password, scopes at every level of the tree, one-time passwords
that can be read aloud (issue 10, items 22–24)."""

import re

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from lianxin.accounts.models import ApiToken, SecurityEvent, User
from lianxin.accounts.roles import Role
from lianxin.accounts.services import LOOK_ALIKES, api_token_create, password_generate
from lianxin.accounts.tests.factories import totp_code, totp_device

NEW_PASSWORD = "Qz7-tongyuan-river"

# --- item 24: one-time passwords without look-alike characters ------------------------------


def test_one_time_passwords_never_use_look_alike_characters():
    passwords = [password_generate() for _i in range(400)]

    used = set("".join(passwords))
    assert not used & set("lI1O0o")
    assert LOOK_ALIKES >= set("lI1O0")
    assert all(len(p) == 14 for p in passwords)
    assert len(set(passwords)) == len(passwords)


def test_accounts_created_on_the_page_get_passwords_without_look_alikes(login_as, system_admin, village_a):
    browser = login_as(system_admin)
    passwords = []
    for i in range(12):
        response = browser.post(
            reverse("accounts:user-create"),
            {
                "username": f"newcadre{i}",
                "full_name": "新村干部",
                "role": Role.VILLAGE_CADRE,
                "scope_region": village_a.pk,
            },
        )
        passwords.append(re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode()).group(1))

    assert not set("".join(passwords)) & set("lI1O0o")


# --- item 22: an administrator resets a password -----------------------------------------------


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, "the login form refused the password"
    if response.url == reverse("accounts:login-verify"):  # the account has a second factor
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert client.post(response.url, {"code": totp_code(device)}).status_code == 302
    return client


def test_administrator_resets_a_password_shown_once_and_forced_to_change(login_as, system_admin, village_a_clerk):
    # given: the cadre is signed in in a browser and holds an API token
    old_browser = _sign_in(village_a_clerk.username, PASSWORD)
    assert old_browser.get(reverse("people:household-list")).status_code == 200
    totp_device(village_a_clerk)
    _token, raw = api_token_create(user=village_a_clerk, name="手机")
    assert Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    # when: the administrator resets the password
    response = login_as(system_admin).post(reverse("accounts:user-password-reset", args=[village_a_clerk.pk]))

    # then: a new one-time password, shown on this page and not cached
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)
    village_a_clerk.refresh_from_db()
    assert village_a_clerk.check_password(password)
    assert not village_a_clerk.check_password(PASSWORD)
    assert village_a_clerk.must_change_password is True
    # the old session and the old token no longer work
    assert old_browser.get(reverse("people:household-list")).url.startswith(reverse("accounts:login"))
    assert Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert ApiToken.objects.get(user=village_a_clerk).revoked_at is not None
    # the new password signs in, and the first page is the forced change
    fresh = _sign_in(village_a_clerk.username, password)
    assert fresh.get(reverse("reports:home")).url == reverse("accounts:password-change")
    # the page shows it once: the account page never shows it again
    assert (
        password
        not in login_as(system_admin).get(reverse("accounts:user-edit", args=[village_a_clerk.pk])).content.decode()
    )


def test_password_reset_is_audited_and_a_security_event(login_as, system_admin, village_a_clerk):
    login_as(system_admin).post(
        reverse("accounts:user-password-reset", args=[village_a_clerk.pk]), REMOTE_ADDR="10.1.2.3"
    )

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_CHANGED)
    assert event.username == system_admin.username
    assert event.detail["account"] == village_a_clerk.username
    assert event.detail["reset"] is True
    (entry,) = [e for e in LogEntry.objects.get_for_object(village_a_clerk) if "password" in e.changes_dict]
    assert entry.actor == system_admin
    assert entry.remote_addr == "10.1.2.3"
    assert "password" in entry.changes_dict
    assert all(len(str(value)) < 20 for values in entry.changes_dict.values() for value in values)  # never a hash
    audit_html = login_as(system_admin).get(reverse("accounts:audit-list")).content.decode()
    assert "已重置" in audit_html
    events_html = login_as(system_admin).get(reverse("accounts:security-event-list")).content.decode()
    assert f"重置了账号 {village_a_clerk.username} 的密码" in events_html


def test_a_second_reset_is_audited_too(login_as, system_admin, village_a_clerk):
    browser = login_as(system_admin)
    browser.post(reverse("accounts:user-password-reset", args=[village_a_clerk.pk]))
    browser.post(reverse("accounts:user-password-reset", args=[village_a_clerk.pk]))

    resets = [e for e in LogEntry.objects.get_for_object(village_a_clerk) if "password" in e.changes_dict]
    assert len(resets) == 2
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).count() == 2


@pytest.mark.parametrize("role", ["town_admin", "village_a_clerk", "outsider"])
def test_only_an_administrator_resets_passwords(request, login_as, role, village_b_clerk):
    response = login_as(request.getfixturevalue(role)).post(
        reverse("accounts:user-password-reset", args=[village_b_clerk.pk])
    )

    assert response.status_code == 403
    assert User.objects.get(pk=village_b_clerk.pk).check_password(PASSWORD)


def test_reset_is_a_post_only(login_as, system_admin, village_a_clerk):
    response = login_as(system_admin).get(reverse("accounts:user-password-reset", args=[village_a_clerk.pk]))

    assert response.status_code == 405
    assert User.objects.get(pk=village_a_clerk.pk).check_password(PASSWORD)


def test_the_account_page_offers_the_reset(login_as, system_admin, village_a_clerk):
    html = login_as(system_admin).get(reverse("accounts:user-edit", args=[village_a_clerk.pk])).content.decode()

    assert reverse("accounts:user-password-reset", args=[village_a_clerk.pk]) in html
    assert "重置密码" in html


# --- item 23: every level of the region tree is a scope -----------------------------------------


@pytest.fixture
def county_viewer(make_user, county):
    return make_user("county_viewer", Role.COUNTY_VIEWER, scope_region=county)


def _options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {value: label.strip() for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)}


def test_every_level_of_the_tree_is_offered_as_a_scope(login_as, system_admin, county, town, village_a, group_a1):
    html = login_as(system_admin).get(reverse("accounts:user-create")).content.decode()

    options = _options(html, "scope_region")
    assert {str(county.pk), str(town.pk), str(village_a.pk), str(group_a1.pk)} <= set(options)
    assert options[str(county.pk)] == county.name


def test_a_county_account_can_be_created(login_as, system_admin, county):
    response = login_as(system_admin).post(
        reverse("accounts:user-create"),
        {"username": "county2", "full_name": "县里", "role": Role.COUNTY_VIEWER, "scope_region": county.pk},
    )

    assert response.status_code == 200
    assert User.objects.get(username="county2").scope_region == county


def test_editing_the_county_account_keeps_its_scope(login_as, system_admin, county_viewer, county):
    browser = login_as(system_admin)
    url = reverse("accounts:user-edit", args=[county_viewer.pk])
    html = browser.get(url).content.decode()
    selected = re.search(r'<select name="scope_region"[^>]*>.*?<option value="(\d+)" selected>', html, re.S)
    assert selected is not None
    assert selected.group(1) == str(county.pk)

    # when: the administrator saves the form as shown (only the status touched)
    response = browser.post(url, {"role": Role.COUNTY_VIEWER, "scope_region": selected.group(1), "active": "1"})

    assert response.status_code == 302
    county_viewer.refresh_from_db()
    assert county_viewer.scope_region == county


def test_regions_of_another_county_are_not_offered(login_as, system_admin, county):
    from lianxin.regions.tests import factories

    other = factories.township(factories.county("别县"), "别镇")

    options = _options(login_as(system_admin).get(reverse("accounts:user-create")).content.decode(), "scope_region")

    assert str(other.pk) not in options
    assert str(county.pk) in options


def test_saving_an_unchanged_account_records_no_permission_change(login_as, system_admin, village_a_clerk, village_a):
    url = reverse("accounts:user-edit", args=[village_a_clerk.pk])
    browser = login_as(system_admin)
    before = SecurityEvent.objects.count()

    browser.post(url, {"role": Role.VILLAGE_CADRE, "scope_region": village_a.pk, "active": "1"})

    assert SecurityEvent.objects.count() == before  # not "启用账号 …" for an account that was active
