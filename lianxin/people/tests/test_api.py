"""People API: the same scope and permissions as the pages, by session or bearer token; JSON carries masked numbers."""

import json

import pytest
from auditlog.models import LogEntry
from django.test import Client

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import api_token_create, api_token_revoke
from lianxin.accounts.tests.factories import totp_device
from lianxin.people.models import Person
from lianxin.people.tests import factories


def _post(client: Client, url: str, payload: dict, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "person_a_status", "person_b_status"),
    [
        ("village_a_clerk", 200, 404),
        ("town_admin", 200, 200),
        ("outsider", 404, 404),
        ("system_admin", 404, 404),
    ],
)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_person_detail_obeys_scope_by_session_and_by_token(
    request, login_as, bearer, auth, role, person_a_status, person_b_status, person_a, person_b
):
    user = request.getfixturevalue(role)
    client, headers = (login_as(user), {}) if auth == "session" else (Client(), {"headers": bearer(user)})

    assert client.get(f"/api/people/persons/{person_a.pk}", **headers).status_code == person_a_status
    assert client.get(f"/api/people/persons/{person_b.pk}", **headers).status_code == person_b_status


def test_person_json_carries_masked_numbers_only(client, bearer, town_admin, household_a):
    number = factories.resident_id()
    person = factories.person(household_a, name="王小明", resident_id=number, phone="13912345678")

    response = client.get(f"/api/people/persons/{person.pk}", headers=bearer(town_admin))

    body = response.json()
    assert body["resident_id_masked"] == number[:6] + "********" + number[-4:]
    assert body["phone_masked"] == "139****5678"
    assert number not in response.content.decode()
    assert "13912345678" not in response.content.decode()
    assert not {"resident_id_ciphertext", "resident_id_digest", "phone_ciphertext"} & set(body)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("village_a_clerk", {"王小明"}), ("town_admin", {"王小明", "李秀英"}), ("outsider", set())],
)
def test_person_list_obeys_scope(request, client, bearer, role, expected, person_a, person_b):
    response = client.get("/api/people/persons", headers=bearer(request.getfixturevalue(role)))

    assert response.status_code == 200
    assert {p["name"] for p in response.json()["items"]} == expected


def test_search_by_full_resident_id_in_the_body(client, bearer, village_a_clerk, household_a, person_b):
    number = factories.resident_id()
    factories.person(household_a, name="王小明", resident_id=number)

    response = _post(client, "/api/people/persons/search", {"q": number}, headers=bearer(village_a_clerk))

    assert [p["name"] for p in response.json()["items"]] == ["王小明"]


def test_search_does_not_reach_outside_scope(client, bearer, village_a_clerk, household_b):
    number = factories.resident_id()
    factories.person(household_b, name="李秀英", resident_id=number)

    response = _post(client, "/api/people/persons/search", {"q": number}, headers=bearer(village_a_clerk))

    assert response.json()["items"] == []


def test_person_list_pages_with_the_next_cursor(client, bearer, town_admin, household_a):
    everyone = [factories.person(household_a, name=f"村民{i:02d}") for i in range(53)]
    headers = bearer(town_admin)

    first = client.get("/api/people/persons", headers=headers).json()
    second = client.get(f"/api/people/persons?after={first['next_cursor']}", headers=headers).json()

    ids = [p["id"] for p in first["items"] + second["items"]]
    assert len(first["items"]) == 50
    assert len(second["items"]) == 3
    assert second["next_cursor"] is None
    assert ids == sorted((p.pk for p in everyone), reverse=True)


# --- authentication -----------------------------------------------------------------------


def test_anonymous_request_is_refused(client, person_a):
    assert client.get(f"/api/people/persons/{person_a.pk}").status_code == 401


def test_revoked_or_unknown_token_is_refused(client, village_a_clerk, person_a):
    totp_device(village_a_clerk)
    token, raw = api_token_create(user=village_a_clerk, name="脚本")
    api_token_revoke(token=token, actor=village_a_clerk)

    assert client.get("/api/people/persons", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert client.get("/api/people/persons", headers={"Authorization": "Bearer lx_guess"}).status_code == 401


def test_token_of_a_disabled_account_is_refused(client, bearer, village_a_clerk, person_a):
    headers = bearer(village_a_clerk)
    village_a_clerk.is_active = False
    village_a_clerk.save(update_fields=["is_active"])

    assert client.get("/api/people/persons", headers=headers).status_code == 401


def test_session_writes_need_the_csrf_token(village_a_clerk, household_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(village_a_clerk)
    payload = {"household_id": household_a.pk, "name": "王小红", "resident_id": factories.resident_id()}

    response = _post(browser, "/api/people/persons", payload)

    assert response.status_code == 403
    assert not Person.objects.filter(name="王小红").exists()


def test_token_writes_need_no_csrf_token(bearer, village_a_clerk, household_a):
    browser = Client(enforce_csrf_checks=True)
    payload = {"household_id": household_a.pk, "name": "王小红", "resident_id": factories.resident_id()}

    response = _post(browser, "/api/people/persons", payload, headers=bearer(village_a_clerk))

    assert response.status_code == 201


# --- writing ------------------------------------------------------------------------------


def test_village_cadre_registers_a_person_through_the_api(client, bearer, village_a_clerk, household_a):
    number = factories.resident_id(male=False)
    payload = {"household_id": household_a.pk, "name": "王小红", "resident_id": number, "relation": "child"}

    response = _post(client, "/api/people/persons", payload, headers=bearer(village_a_clerk), REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["gender"], body["resident_id_masked"]) == (
        "王小红",
        "female",
        number[:6] + "********" + number[-4:],
    )
    assert number not in response.content.decode()
    entry = LogEntry.objects.get_for_object(Person.objects.get(pk=body["id"])).get(action=LogEntry.Action.CREATE)
    assert (entry.actor, entry.remote_addr) == (village_a_clerk, "10.0.0.9")  # token users are named too


def test_village_cadre_cannot_register_into_another_villages_household(client, bearer, village_a_clerk, household_b):
    payload = {"household_id": household_b.pk, "name": "王小红", "resident_id": factories.resident_id()}

    response = _post(client, "/api/people/persons", payload, headers=bearer(village_a_clerk))

    assert response.status_code == 404
    assert not Person.objects.filter(name="王小红").exists()


@pytest.mark.parametrize("role", ["town_admin", "system_admin", "outsider"])
def test_roles_without_the_add_permission_are_refused_in_chinese(request, client, bearer, role, household_a):
    payload = {"household_id": household_a.pk, "name": "王小红", "resident_id": factories.resident_id()}

    response = _post(client, "/api/people/persons", payload, headers=bearer(request.getfixturevalue(role)))

    assert response.status_code == 403
    assert response.json()["message"] == "您的角色无权执行此操作"
    assert not Person.objects.filter(name="王小红").exists()


def test_bad_resident_id_is_refused_naming_the_field(client, bearer, village_a_clerk, household_a):
    payload = {"household_id": household_a.pk, "name": "王小红", "resident_id": "532621198005170010"}

    response = _post(client, "/api/people/persons", payload, headers=bearer(village_a_clerk))

    body = response.json()
    assert response.status_code == 400
    assert "校验位不正确" in body["errors"]["resident_id"][0]
    assert body["message"] == body["errors"]["resident_id"][0]


def test_duplicate_resident_id_is_refused(client, bearer, village_a_clerk, household_a, person_a):
    number = factories.resident_id()
    factories.person(household_a, name="王大山", resident_id=number)
    payload = {"household_id": household_a.pk, "name": "王小红", "resident_id": number}

    response = _post(client, "/api/people/persons", payload, headers=bearer(village_a_clerk))

    assert response.status_code == 400
    assert "已登记" in response.json()["errors"]["resident_id"][0]


def test_village_cadre_cannot_correct_a_person_of_another_village(client, bearer, village_a_clerk, person_b):
    payload = {"name": "改名", "relation": "head", "ethnicity": "01"}

    response = client.put(
        f"/api/people/persons/{person_b.pk}",
        json.dumps(payload),
        content_type="application/json",
        headers=bearer(village_a_clerk),
    )

    assert response.status_code == 404
    assert Person.objects.get(pk=person_b.pk).name == "李秀英"


# --- revealing ----------------------------------------------------------------------------


def test_reveal_returns_the_full_number_and_is_audited(client, bearer, town_admin, household_a):
    number = factories.resident_id()
    person = factories.person(household_a, name="王小明", resident_id=number)

    response = client.post(f"/api/people/persons/{person.pk}/reveal", headers=bearer(town_admin))

    assert response.status_code == 200
    assert response.json() == {"resident_id": number}
    assert LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.ACCESS).actor == town_admin
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.ID_REVEAL).username == town_admin.username


@pytest.mark.parametrize(("role", "status"), [("village_a_clerk", 403), ("outsider", 404), ("system_admin", 404)])
def test_reveal_without_permission_is_refused_and_reveals_nothing(request, client, bearer, role, status, household_a):
    number = factories.resident_id()
    person = factories.person(household_a, name="王小明", resident_id=number)

    response = client.post(f"/api/people/persons/{person.pk}/reveal", headers=bearer(request.getfixturevalue(role)))

    assert response.status_code == status
    assert number not in response.content.decode()
    if status == 403:
        assert response.json()["message"] == "您没有查看完整身份证号码的权限"
    assert not LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).exists()
