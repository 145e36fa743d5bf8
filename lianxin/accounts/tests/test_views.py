"""Account pages: the audit trail and security events for the administrator only, the first-login password change."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from conftest import PASSWORD
from lianxin.accounts.models import SecurityEvent, User
from lianxin.accounts.roles import Role
from lianxin.accounts.services import security_event_record, user_create
from lianxin.accounts.tests.factories import totp_device
from lianxin.enterprises.services import enterprise_update
from lianxin.people.services import person_resident_id_reveal, person_update
from lianxin.people.tests import factories as people_factories

# --- audit trail page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("system_admin", 200), ("town_admin", 403), ("village_a_clerk", 403), ("outsider", 403)],
)
@pytest.mark.parametrize("url_name", ["accounts:audit-list", "accounts:security-event-list"])
def test_audit_pages_are_for_the_system_administrator(request, login_as, role, status, url_name):
    response = login_as(request.getfixturevalue(role)).get(reverse(url_name))

    assert response.status_code == status
    if status == 403:
        assert "无权访问" in response.content.decode()


def test_audit_page_shows_who_changed_what_from_where(login_as, system_admin, village_a_clerk, person_a):
    login_as(village_a_clerk).post(
        reverse("people:person-edit", args=[person_a.pk]),
        {"name": "王晓明", "resident_id": "", "relation": "head", "ethnicity": "01", "phone": ""},
        REMOTE_ADDR="10.7.7.7",
    )

    html = login_as(system_admin).get(reverse("accounts:audit-list")).content.decode()

    assert "village_a_clerk" in html
    assert "10.7.7.7" in html
    assert "王小明 → 王晓明" in html


def test_audit_page_filters_by_actor(
    login_as, system_admin, village_a_clerk, working_group_member, person_a, enterprise_in_town
):
    person_update(
        person=person_a, name="王晓明", relation="head", ethnicity="01", keep_phone=True, actor=village_a_clerk
    )
    enterprise_update(
        enterprise=enterprise_in_town,
        credit_code=enterprise_in_town.credit_code,
        name="示例铝业集团",
        actor=working_group_member,
    )

    response = login_as(system_admin).get(reverse("accounts:audit-list"), {"actor": "village_a"})

    entries = response.context["page"].items
    assert entries
    assert {e.actor for e in entries} == {village_a_clerk}
    assert "示例铝业集团" not in response.content.decode()
    unfiltered = login_as(system_admin).get(reverse("accounts:audit-list")).context["page"].items
    assert working_group_member in {e.actor for e in unfiltered}


def test_audit_page_filters_by_action(login_as, system_admin, town_admin, person_a):
    person_resident_id_reveal(person=person_a, actor=town_admin)

    response = login_as(system_admin).get(reverse("accounts:audit-list"), {"action": LogEntry.Action.ACCESS})

    entries = response.context["page"].items
    assert [(e.action, e.actor, e.object_pk) for e in entries] == [
        (LogEntry.Action.ACCESS, town_admin, str(person_a.pk))
    ]


AUDIT_LIST_QUERIES = 10  # session, user, 2× permissions, one joined page of entries, the related rows named (one per model: here the village groups), scope region, session save (3)


@pytest.mark.parametrize("rows", [3, 20])
def test_audit_page_query_count_does_not_grow_with_rows(
    login_as, system_admin, group_a1, village_a_clerk, settings, django_assert_num_queries, rows
):
    settings.LIANXIN_PAGE_SIZE = 10
    for i in range(rows):
        people_factories.household(group_a1, number=f"Q{i}")
    browser = login_as(system_admin)
    browser.get(reverse("accounts:audit-list"))  # the content-type cache is process-wide: measure it warm

    with django_assert_num_queries(AUDIT_LIST_QUERIES):
        response = browser.get(reverse("accounts:audit-list"))

    assert len(response.context["page"].items) == 10


def test_security_event_page_lists_and_filters_events(login_as, system_admin):
    security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILED, username="guesser", ip_address="10.8.8.8")
    security_event_record(kind=SecurityEvent.Kind.LOGIN, username="someone")

    response = login_as(system_admin).get(reverse("accounts:security-event-list"), {"kind": "login_failed"})

    html = response.content.decode()
    assert "guesser" in html
    assert "10.8.8.8" in html
    assert "登录失败" in html
    assert "someone" not in html


# --- first login: the one-time password must be replaced ----------------------------------


@pytest.fixture
def newcomer(village_a):
    user, _password = user_create(
        username="newcomer", full_name="新村干部", role=Role.VILLAGE_CADRE, scope_region=village_a, password=PASSWORD
    )
    return user


@pytest.mark.parametrize("url", [reverse("reports:home"), reverse("people:person-list"), reverse("accounts:profile")])
def test_account_on_a_one_time_password_is_sent_to_change_it_from_any_page(login_as, newcomer, url):
    response = login_as(newcomer).get(url)

    assert response.status_code == 302
    assert response.url == reverse("accounts:password-change")


def test_account_on_a_one_time_password_is_refused_by_the_api_session(login_as, newcomer):
    assert login_as(newcomer).get("/api/accounts/me").status_code == 401


def test_after_changing_the_password_the_account_gets_through(login_as, newcomer):
    browser = login_as(newcomer)
    page = browser.get(reverse("accounts:password-change"))
    assert "您正在使用一次性密码" in page.content.decode()

    response = browser.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Qz7-tongyuan-river", "new_password2": "Qz7-tongyuan-river"},
    )

    assert response.status_code == 302
    assert browser.get(reverse("people:person-list")).status_code == 200  # still signed in, and let through
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert newcomer.check_password("Qz7-tongyuan-river")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED, username="newcomer").exists()


def test_weak_new_password_is_refused_in_chinese(login_as, newcomer):
    response = login_as(newcomer).post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )

    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    assert User.objects.get(pk=newcomer.pk).must_change_password is True


# --- API: who am I ------------------------------------------------------------------------


def test_me_describes_the_token_holder(client, bearer, village_a_clerk):
    response = client.get("/api/accounts/me", headers=bearer(village_a_clerk))

    body = response.json()
    assert response.status_code == 200
    assert (body["username"], body["role"], body["role_label"], body["scope"]) == (
        "village_a_clerk",
        "village_cadre",
        "村干部",
        "甲马石村",
    )
    assert "people.add_person" in body["permissions"]
    assert "people.reveal_resident_id" not in body["permissions"]


def test_issuing_a_token_is_a_security_event_and_only_its_digest_is_kept(login_as, village_a_clerk):
    totp_device(village_a_clerk)  # a token needs the second factor
    response = login_as(village_a_clerk).post(reverse("accounts:profile"), {"name": "手机"})

    raw = response.context["new_token"]
    token = village_a_clerk.api_tokens.get()
    assert raw.startswith(token.prefix)
    assert raw != token.digest
    assert raw not in token.digest
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.TOKEN_CREATED).username == "village_a_clerk"
