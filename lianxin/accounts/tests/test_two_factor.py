"""Two-factor login (issue 16): enrolment with a QR code, the code after the password, recovery codes used
once, lockout on wrong codes, the roles that must use it, no API token without it, the administrator's reset."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from lianxin.accounts import two_factor
from lianxin.accounts.models import ApiToken, SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.accounts.services import api_token_create, password_change, user_create
from lianxin.accounts.tests.factories import totp_code, totp_device
from lianxin.core.errors import DomainError

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login-verify")
ENROL = reverse("accounts:two-factor-enrol")
HOME = reverse("reports:home")


def _password(client: Client, user, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password}, **extra)


def _code(client: Client, code: str, **extra):
    return client.post(VERIFY, {"code": code}, **extra)


def _signed_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def _enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """``user`` enrolled as the page does it: a key, one current code, the recovery codes."""
    device = two_factor.two_factor_enrol_start(user=user)
    codes = two_factor.two_factor_enrol_confirm(user=user, device=device, code=totp_code(device))
    device.refresh_from_db()
    return device, codes


def _wrong(device: TOTPDevice) -> str:
    """A code the authenticator does not show now."""
    return "000000" if totp_code(device) != "000000" else "111111"


def _after_waiting(device: TOTPDevice) -> None:
    """As if the back-off after a wrong code (1 s, 2 s, 4 s…) had passed, for the authenticator and the
    recovery codes."""
    earlier = timezone.now() - timedelta(minutes=10)
    TOTPDevice.objects.filter(user_id=device.user_id).update(throttling_failure_timestamp=earlier)
    StaticDevice.objects.filter(user_id=device.user_id).update(throttling_failure_timestamp=earlier)


def _verified(login_as, user) -> Client:
    """A browser signed in as ``user`` with both factors."""
    device, _codes = _enrolled(user)
    browser = login_as(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


@pytest.fixture
def required(settings):
    """The shipped rule: the system administrator, leaders, the working group and discipline inspectors."""
    settings.LIANXIN_2FA_REQUIRED_ROLES = [
        Role.SYSTEM_ADMIN,
        Role.TOWNSHIP_LEADER,
        Role.WORKING_GROUP,
        Role.DISCIPLINE_INSPECTOR,
    ]


# --- enrolment on the account page ---------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_key_and_a_current_code_confirms_it(login_as, village_a_clerk):
    browser = login_as(village_a_clerk)

    page = browser.get(ENROL)

    html = page.content.decode()
    device = TOTPDevice.objects.get(user=village_a_clerk)
    assert device.confirmed is False
    assert 'src="data:image/svg+xml' in html  # drawn on the server, no script or CDN
    assert two_factor.secret_text(device) in html
    assert "no-store" in page["Cache-Control"]
    assert browser.get(ENROL).content.decode().count(two_factor.secret_text(device)) == 1  # same key on reload

    wrong = browser.post(ENROL, {"code": _wrong(device)})
    assert "验证码不正确" in wrong.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    _after_waiting(device)

    done = browser.post(ENROL, {"code": totp_code(device)})

    codes = re.findall(r'<li class="col">([a-z2-7]{8})</li>', done.content.decode())
    assert len(codes) == 10
    assert "no-store" in done["Cache-Control"]
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    assert sorted(StaticToken.objects.filter(device__user=village_a_clerk).values_list("token", flat=True)) == sorted(
        codes
    )
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED)
    assert (event.username, event.detail) == ("village_a_clerk", {"recovery_codes": 10})
    profile = browser.get(reverse("accounts:profile")).content.decode()
    assert "已启用" in profile
    assert not any(code in profile for code in codes)  # shown once


def test_a_code_in_the_wrong_shape_is_refused_in_chinese(login_as, village_a_clerk):
    response = login_as(village_a_clerk).post(ENROL, {"code": "12ab"})

    assert "验证码应为验证器App当前显示的6位数字" in response.content.decode()
    assert not two_factor.two_factor_enabled(village_a_clerk)


# --- the login asks for the code -------------------------------------------------------------------


def test_an_enrolled_account_signs_in_with_password_then_code(client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)

    first = _password(client, village_a_clerk, REMOTE_ADDR="10.5.5.5")

    assert first.status_code == 302
    assert first.url == VERIFY
    assert not _signed_in(client)  # the password alone signs nobody in
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN).exists()
    assert "双因素验证" in client.get(VERIFY).content.decode()

    second = _code(client, totp_code(device), REMOTE_ADDR="10.5.5.5")

    assert second.status_code == 302
    assert second.url == HOME
    assert _signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN)
    assert (event.username, event.ip_address) == ("village_a_clerk", "10.5.5.5")


def test_the_login_comes_back_to_the_page_asked_for_after_the_code(client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)
    people = reverse("people:household-list")

    client.post(f"{LOGIN}?next={people}", {"username": village_a_clerk.username, "password": PASSWORD, "next": people})

    assert _code(client, totp_code(device)).url == people


def test_a_wrong_code_is_refused_in_chinese_and_recorded(client, village_a_clerk):
    _enrolled(village_a_clerk)
    _password(client, village_a_clerk)

    response = _code(client, _wrong(village_a_clerk.totpdevice_set.get()))

    assert response.status_code == 200
    assert (
        "验证码不正确。在同一网络地址连续失败5次(含密码错误),该账号在此地址将被锁定15分钟。"
        in response.content.decode()
    )
    assert not _signed_in(client)
    failure = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED)
    assert failure.username == "village_a_clerk"
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).exists()


def test_a_quick_retry_after_a_wrong_code_waits_for_the_back_off(client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)
    _password(client, village_a_clerk)
    _code(client, _wrong(device))

    too_soon = _code(client, totp_code(device))

    assert "验证码错误次数过多,请1秒后再试" in too_soon.content.decode()
    assert not _signed_in(client)
    _after_waiting(device)
    assert _code(client, totp_code(device)).status_code == 302
    assert _signed_in(client)


def test_a_code_is_never_accepted_twice(client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)
    code = totp_code(device)
    _password(client, village_a_clerk)
    assert _code(client, code).status_code == 302

    other = Client()
    _password(other, village_a_clerk)
    response = _code(other, code)

    assert response.status_code == 200
    assert not _signed_in(other)


def test_a_recovery_code_signs_in_once(village_a_clerk):
    device, codes = _enrolled(village_a_clerk)
    first = Client()
    _password(first, village_a_clerk)

    response = _code(first, codes[0].upper())  # typed in capitals: still the code

    assert response.status_code == 302
    home = first.get(HOME)
    assert home.status_code == 200
    assert "您使用了一个恢复码(每个只能用一次),还剩9个" in home.content.decode()
    again = Client()
    _password(again, village_a_clerk)
    assert _code(again, codes[0]).status_code == 200
    assert not _signed_in(again)
    assert "请1秒后再试" in _code(again, codes[1]).content.decode()  # the back-off holds for recovery codes too
    _after_waiting(device)
    assert _code(again, codes[1]).status_code == 302


def test_regenerated_recovery_codes_replace_the_old_ones(login_as, village_a_clerk):
    _device, old = _enrolled(village_a_clerk)

    page = login_as(village_a_clerk).post(reverse("accounts:recovery-codes-regenerate"))

    new = re.findall(r'<li class="col">([a-z2-7]{8})</li>', page.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    kept = set(StaticToken.objects.filter(device__user=village_a_clerk).values_list("token", flat=True))
    assert kept == set(new)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RECOVERY_CODES_ISSUED, username="village_a_clerk")
    client = Client()
    _password(client, village_a_clerk)
    assert _code(client, old[0]).status_code == 200
    assert not _signed_in(client)


def test_the_code_step_expires_and_asks_for_the_password_again(client, village_a_clerk, settings):
    device, _codes = _enrolled(village_a_clerk)
    _password(client, village_a_clerk)
    session = client.session
    session["accounts:second-factor-pending"]["at"] -= settings.LIANXIN_2FA_STEP_MINUTES * 60 + 1
    session.save()

    response = _code(client, totp_code(device))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert not _signed_in(client)


def test_without_a_password_the_code_page_sends_to_the_login(client):
    response = client.get(VERIFY)

    assert response.status_code == 302
    assert response.url == LOGIN


# --- lockout applies to the second factor ---------------------------------------------------------------


def test_five_wrong_codes_lock_the_account_at_this_address(client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)
    wrong = _wrong(device)
    _password(client, village_a_clerk, REMOTE_ADDR="203.0.113.5")
    responses = [_code(client, wrong, REMOTE_ADDR="203.0.113.5") for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "账号已锁定" in responses[-1].content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED).count() == 5
    lockout = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT)
    assert (lockout.username, lockout.ip_address) == ("village_a_clerk", "203.0.113.5")
    assert lockout.detail == {"by": "account_address", "second_factor": True}
    # the right password and the right code no longer help at this address…
    _after_waiting(device)
    assert _password(client, village_a_clerk, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert _code(client, totp_code(device), REMOTE_ADDR="203.0.113.5").url == LOGIN  # the step was dropped
    assert not _signed_in(client)
    # …but the cadre still signs in from the township office
    office = Client()
    _password(office, village_a_clerk, REMOTE_ADDR="10.6.6.6")
    assert _code(office, totp_code(device), REMOTE_ADDR="10.6.6.6").status_code == 302
    assert _signed_in(office)


def test_wrong_passwords_and_wrong_codes_count_together(client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)
    for _ in range(3):
        _password(client, village_a_clerk, "wrong-password")
    _password(client, village_a_clerk)
    wrong = _wrong(device)

    statuses = [_code(client, wrong).status_code for _ in range(2)]

    assert statuses == [200, 429]


def test_wrong_codes_count_against_the_address_too(client, village_a_clerk, settings):
    from django.core.cache import cache

    settings.LIANXIN_LOGIN_ADDRESS_FAILURES = 3
    cache.clear()
    device, _codes = _enrolled(village_a_clerk)
    wrong = _wrong(device)
    _password(client, village_a_clerk, REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        _code(client, wrong, REMOTE_ADDR="203.0.113.8")

    response = _code(client, wrong, REMOTE_ADDR="203.0.113.8")
    cache.clear()

    assert response.status_code == 429
    assert "从您所在网络地址登录失败的次数过多" in response.content.decode()


# --- the roles that must use it -------------------------------------------------------------------------


def test_the_shipped_settings_require_it_for_the_administrator_leaders_working_group_and_discipline():
    from config.settings import base

    assert set(base.LIANXIN_2FA_REQUIRED_ROLES) == {
        Role.SYSTEM_ADMIN,
        Role.TOWNSHIP_LEADER,
        Role.WORKING_GROUP,
        Role.DISCIPLINE_INSPECTOR,
    }


def test_the_embedded_demo_requires_it_for_the_administrator_only():
    from config.settings import dev

    assert dev.LIANXIN_2FA_REQUIRED_ROLES == [Role.SYSTEM_ADMIN]


def test_a_required_role_without_a_factor_is_sent_to_enrolment_and_can_do_nothing_else(required, client, town_admin):
    assert _password(client, town_admin).status_code == 302

    home = client.get(HOME)
    enrol = client.get(ENROL)
    api = client.get("/api/accounts/me")

    assert home.status_code == 302
    assert home.url == ENROL
    assert client.get(reverse("people:household-list")).url == ENROL
    assert api.status_code == 401
    html = enrol.content.decode()
    assert "您的角色须使用双因素认证登录" in html
    assert 'data-testid="inbox-badge"' not in html  # no menu before enrolment
    assert "退出" in html


def test_fragments_before_enrolment_are_no_page(required, login_as, town_admin):
    browser = login_as(town_admin)
    elsewhere = {"HX-Request": "true", "HX-Current-URL": "http://testserver/people/households/"}
    here = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{ENROL}"}

    redirected = browser.get(reverse("core:inbox-badge"), headers=elsewhere)
    from_the_page = browser.get(reverse("core:inbox-badge"), headers=here)

    assert redirected.status_code == 200
    assert redirected["HX-Redirect"] == ENROL
    assert "<nav" not in redirected.content.decode()
    assert from_the_page.status_code == 204
    assert from_the_page.content == b""


def test_after_enrolment_a_required_role_uses_the_site(required, client, town_admin):
    _password(client, town_admin)
    client.get(ENROL)

    client.post(ENROL, {"code": totp_code(TOTPDevice.objects.get(user=town_admin))})

    assert _signed_in(client)
    assert client.get("/api/accounts/me").status_code == 200


def test_a_session_of_a_required_role_that_skipped_the_code_is_asked_for_it(required, login_as, town_admin):
    device, _codes = _enrolled(town_admin)
    browser = login_as(town_admin)  # signed in without the code (as a session from before would be)

    assert browser.get(HOME).url == VERIFY
    assert browser.post(VERIFY, {"code": totp_code(device)}).url == HOME
    assert browser.get(HOME).status_code == 200


def test_roles_outside_the_rule_need_no_factor(required, client, village_a_clerk):
    _password(client, village_a_clerk)

    assert _signed_in(client)


def test_a_newcomer_of_a_required_role_changes_the_password_then_enrols(required, town):
    user, one_time = user_create(username="newleader", full_name="新书记", role=Role.TOWNSHIP_LEADER, scope_region=town)
    client = Client()
    _password(client, user, one_time)
    assert client.get(HOME).url == reverse("accounts:password-change")

    client.post(
        reverse("accounts:password-change"),
        {"old_password": one_time, "new_password1": "Qz7-tongyuan-river", "new_password2": "Qz7-tongyuan-river"},
    )
    assert client.get(HOME).url == ENROL
    client.get(ENROL)
    client.post(ENROL, {"code": totp_code(TOTPDevice.objects.get(user=user))})

    assert _signed_in(client)


def test_a_required_role_cannot_turn_it_off(required, login_as, town_admin):
    device, _codes = _enrolled(town_admin)

    with pytest.raises(DomainError, match="您的角色必须使用双因素认证"):
        two_factor.two_factor_disable(user=town_admin, code=totp_code(device))

    assert two_factor.two_factor_enabled(town_admin)


def test_others_turn_it_off_with_a_current_code_and_lose_their_tokens(login_as, client, village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)
    _token, raw = api_token_create(user=village_a_clerk, name="手机")
    browser = login_as(village_a_clerk)

    browser.post(reverse("accounts:two-factor-disable"), {"code": _wrong(device)})
    assert two_factor.two_factor_enabled(village_a_clerk)
    _after_waiting(device)
    browser.post(reverse("accounts:two-factor-disable"), {"code": totp_code(device)})

    assert not two_factor.two_factor_enabled(village_a_clerk)
    assert client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_DISABLED)
    assert (event.username, event.detail) == ("village_a_clerk", {"tokens_revoked": 1})


# --- no API token without the second factor ----------------------------------------------------------


def test_no_token_is_issued_without_a_second_factor(login_as, village_a_clerk):
    with pytest.raises(DomainError, match="创建API令牌前须先启用双因素认证"):
        api_token_create(user=village_a_clerk, name="脚本")

    page = login_as(village_a_clerk).post(reverse("accounts:profile"), {"name": "手机"})

    assert "创建API令牌前须先启用双因素认证(“我的账号”页面)" in page.content.decode()
    assert page.context["new_token"] is None
    with pytest.raises(CommandError, match="创建API令牌前须先启用双因素认证"):
        call_command("create_api_token", village_a_clerk.username)
    assert not ApiToken.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_CREATED).exists()


def test_an_unconfirmed_authenticator_does_not_count(village_a_clerk):
    totp_device(village_a_clerk, confirmed=False)

    with pytest.raises(DomainError):
        api_token_create(user=village_a_clerk, name="脚本")


def test_with_the_second_factor_the_command_issues_a_token(village_a_clerk, capsys):
    _enrolled(village_a_clerk)

    call_command("create_api_token", village_a_clerk.username)

    assert capsys.readouterr().out.startswith("lx_")
    assert ApiToken.objects.filter(user=village_a_clerk).count() == 1


# --- the administrator's reset ---------------------------------------------------------------------------


def test_an_administrator_resets_a_lost_phone_audited_and_the_holder_enrols_again(
    required, login_as, client, system_admin, town_admin
):
    _enrolled(town_admin)
    _token, raw = api_token_create(user=town_admin, name="手机")
    admin = _verified(login_as, system_admin)
    edit = reverse("accounts:user-edit", args=[town_admin.pk])
    assert "已启用" in admin.get(edit).content.decode()

    response = admin.post(reverse("accounts:user-two-factor-reset", args=[town_admin.pk]), REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=town_admin).exists()
    assert not StaticToken.objects.filter(device__user=town_admin).exists()
    assert client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_RESET)
    assert (event.username, event.ip_address) == ("sysadmin", "10.1.2.3")
    assert event.detail == {"account": "town_admin", "had_factor": True, "tokens_revoked": 1}
    entry = LogEntry.objects.filter(object_pk=str(town_admin.pk), changes__icontains="two_factor").get()
    assert entry.actor == system_admin
    audit = admin.get(reverse("accounts:audit-list")).content.decode()
    assert "双因素认证" in audit
    assert "已重置" in audit
    events = admin.get(reverse("accounts:security-event-list")).content.decode()
    assert "重置了账号 town_admin 的双因素认证(下次登录须重新绑定),吊销API令牌1个" in events
    # the holder's next login goes to enrolment
    holder = Client()
    _password(holder, town_admin)
    assert holder.get(HOME).url == ENROL


@pytest.mark.parametrize("who", ["town_admin", "village_a_clerk"])
def test_only_an_administrator_resets_the_second_factor(request, login_as, working_group_member, who):
    _enrolled(working_group_member)

    response = login_as(request.getfixturevalue(who)).post(
        reverse("accounts:user-two-factor-reset", args=[working_group_member.pk])
    )

    assert response.status_code in (403, 404)
    assert two_factor.two_factor_enabled(working_group_member)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TWO_FACTOR_RESET).exists()


def test_an_administrator_does_not_reset_their_own(login_as, system_admin):
    _enrolled(system_admin)

    login_as(system_admin).post(reverse("accounts:user-two-factor-reset", args=[system_admin.pk]))

    assert two_factor.two_factor_enabled(system_admin)


def test_a_password_change_keeps_the_second_factor(village_a_clerk):
    device, _codes = _enrolled(village_a_clerk)

    password_change(user=village_a_clerk, new_password="Another-pass-2026")

    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_factor_removed_between_password_and_code_sends_back_to_the_login(client, village_a_clerk):
    _enrolled(village_a_clerk)
    _password(client, village_a_clerk)
    TOTPDevice.objects.filter(user=village_a_clerk).delete()

    response = _code(client, "123456")

    assert response.url == LOGIN
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED).exists()
