"""What the API takes in (issue 11, "the API tells the truth"): clean text, bounded numbers, dates,
ids and search terms, object bodies; one documented error body; the description behind a login.

Run on both databases: a NUL in text is a 500 on PostgreSQL when it reaches the database, and is
stored silently on SQLite.
"""

import json

import pytest

from lianxin.enterprises.models import EnterpriseIndicator
from lianxin.people.models import Household

pytestmark = pytest.mark.django_db


def _post_json(client, url, body, headers):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=text, content_type="application/json", headers=headers)


def _assert_error_body(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    assert body["code"]
    if field is not None:
        assert field in body["errors"], body
        assert field in body["message"]
    return body


# -- text: NUL and lone surrogates ------------------------------------------------------------------
def test_nul_in_a_json_text_is_refused_naming_the_field(client, bearer, working_group_member, group_a1):
    response = _post_json(
        client,
        "/api/people/households",
        {"village_group_id": group_a1.pk, "address": "甲马石\u0000一组"},
        bearer(working_group_member),
    )

    body = _assert_error_body(response, 422, field="address")
    assert "空字符" in body["message"]
    assert not Household.objects.exists()


def test_lone_surrogate_in_a_json_text_is_refused(client, bearer, working_group_member, group_a1):
    raw = '{"village_group_id": ' + str(group_a1.pk) + ', "address": "\\ud800"}'  # a JSON escape, not UTF-8

    response = _post_json(client, "/api/people/households", raw, bearer(working_group_member))

    body = _assert_error_body(response, 422, field="address")
    assert "U+D800" in body["message"]
    assert not Household.objects.exists()


def test_nul_in_a_nested_text_and_in_a_key_is_refused(client, bearer, working_group_member, village_a):
    url = "/api/cases/cases"
    nested = {
        "kind": "dispute",
        "title": "t",
        "description": "d",
        "region_id": village_a.pk,
        "parties": [{"role": "a\x00"}],
    }

    _assert_error_body(_post_json(client, url, nested, bearer(working_group_member)), 422, field="parties.0.role")
    keyed = {"kind": "dispute", "title": "t", "description": "d", "x\x00": 1}
    _assert_error_body(_post_json(client, url, keyed, bearer(working_group_member)), 422)


def test_nul_in_a_query_parameter_is_refused(client, bearer, working_group_member):
    response = client.get("/api/cases/cases", {"q": "a\x00b"}, headers=bearer(working_group_member))

    _assert_error_body(response, 422, field="q")


def test_nul_in_the_anonymous_report_is_refused(client, village_a):
    response = _post_json(
        client, "/api/cases/reports", {"title": "t\x00", "description": "d", "region_id": village_a.pk}, {}
    )

    _assert_error_body(response, 422, field="title")


# -- search terms ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/api/cases/cases",
        "/api/people/households",
        "/api/enterprises/enterprises",
        "/api/enterprises/projects",
        "/api/land/parcels",
        "/api/regions/regions",
        "/api/land/gis/parcels.geojson",
    ],
)
def test_search_longer_than_the_limit_is_refused_not_passed_to_like(client, bearer, working_group_member, url):
    headers = bearer(working_group_member)

    assert client.get(url, {"q": "甲" * 100}, headers=headers).status_code == 200
    _assert_error_body(client.get(url, {"q": "甲" * 101}, headers=headers), 422, field="q")
    _assert_error_body(client.get(url, {"q": "a%" * 50_000}, headers=headers), 422, field="q")


def test_person_search_in_the_body_is_bounded_too(client, bearer, working_group_member):
    response = _post_json(client, "/api/people/persons/search", {"q": "王" * 101}, bearer(working_group_member))

    _assert_error_body(response, 422, field="q")


# -- numbers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("1e27", "位数"),
        (1e27, "位数"),
        ("NaN", "有限"),
        ("Infinity", "有限"),
        ("-Infinity", "有限"),
        ("123456789012345678901234567890", "位数"),
        ("1.005", "小数"),
        ("abc", "数字"),
    ],
)
def test_unbounded_decimals_are_refused_with_a_chinese_message(
    client, bearer, working_group_member, enterprise_in_town, value, rule
):
    body = {"year": 2025, "output_value": value, "tax_paid": "1"}

    response = _post_json(
        client, f"/api/enterprises/enterprises/{enterprise_in_town.pk}/indicators", body, bearer(working_group_member)
    )

    error = _assert_error_body(response, 422, field="output_value")
    assert rule in error["message"]
    assert not EnterpriseIndicator.objects.exists()


def test_negative_zero_is_stored_as_zero(client, bearer, working_group_member, enterprise_in_town):
    body = {"year": 2025, "output_value": "-0", "tax_paid": "-0.00"}

    response = _post_json(
        client, f"/api/enterprises/enterprises/{enterprise_in_town.pk}/indicators", body, bearer(working_group_member)
    )

    assert response.status_code == 200, response.content
    assert response.json()["output_value"] == "0"
    indicator = EnterpriseIndicator.objects.get()
    assert str(indicator.output_value) in ("0", "0.00")
    assert not str(indicator.tax_paid).startswith("-")


def test_payment_amount_of_1e27_is_refused_not_a_server_error(client, bearer, working_group_member):
    # Before: decimal.InvalidOperation in the service's quantize (a 500), whatever the agreement.
    response = _post_json(
        client,
        "/api/land/agreements/1/payments",
        {"amount": "1e27", "paid_on": "2026-03-01", "voucher_no": "V1"},
        bearer(working_group_member),
    )

    _assert_error_body(response, 422, field="amount")


@pytest.mark.parametrize("query", [{"assignee": "1183121249996146919604224"}, {"region": str(2**63)}])
def test_ids_no_key_can_reach_are_refused_not_a_server_error(client, bearer, working_group_member, query):
    response = client.get("/api/cases/cases", query, headers=bearer(working_group_member))

    _assert_error_body(response, 422, field=next(iter(query)))


def test_path_id_no_key_can_reach_is_refused(client, bearer, working_group_member):
    response = client.get(f"/api/cases/cases/{10**30}", headers=bearer(working_group_member))

    _assert_error_body(response, 422, field="case_id")


@pytest.mark.parametrize("value", ["0", "9999-12-31", "0001-01-01", "2026-13-01"])
def test_dates_must_be_iso_and_within_the_calendar(client, bearer, town_admin, value):
    # "0" was read as 1970-01-01 (a Unix time); 9999-12-31 overflowed the time zone conversion (a 500).
    response = client.get("/api/cases/statistics/", {"date_from": value}, headers=bearer(town_admin))

    _assert_error_body(response, 422, field="date_from")


# -- bodies -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", ["[null, null]", '"abc"', "42", '{"q": ["x"]}'])
def test_schema_violating_bodies_are_refused_with_422(client, bearer, working_group_member, body):
    # ninja's Schema reads attributes from any object: [null, null] used to pass as an empty search.
    response = _post_json(client, "/api/people/persons/search", body, bearer(working_group_member))

    _assert_error_body(response, 422)


def test_nested_non_object_is_refused(client, bearer, working_group_member, village_a):
    body = {"kind": "dispute", "title": "t", "description": "d", "region_id": village_a.pk, "parties": [[None]]}

    response = _post_json(client, "/api/cases/cases", body, bearer(working_group_member))

    _assert_error_body(response, 422, field="parties.0")


@pytest.mark.parametrize("raw", ["{not json", b"\xff\xfe{}", "[" * 100_000 + "]" * 100_000])
def test_unreadable_or_too_deep_json_is_refused_in_the_error_body(client, bearer, working_group_member, raw):
    response = client.post(
        "/api/people/persons/search", data=raw, content_type="application/json", headers=bearer(working_group_member)
    )

    body = _assert_error_body(response, 400)
    assert body["code"] == "malformed_body"


def test_boolean_in_a_body_must_be_a_boolean(client, bearer, working_group_member):
    body = {"step": "pre_announcement", "started_on": "2026-01-01", "not_required": 0}

    response = _post_json(client, "/api/land/projects/1/procedure", body, bearer(working_group_member))

    _assert_error_body(response, 422, field="not_required")


def test_unknown_ledger_is_not_found(client, bearer, village_a_clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.csv", "姓名\n王\n".encode())
    response = client.post(
        "/api/imports/batches", {"ledger": "no-such-ledger", "file": upload}, headers=bearer(village_a_clerk)
    )

    body = _assert_error_body(response, 404, field="ledger")
    assert "no-such-ledger" in body["message"]


# -- authentication ---------------------------------------------------------------------------------
def test_unauthenticated_write_without_a_session_is_401_not_a_csrf_failure(client, group_a1):
    response = _post_json(client, "/api/people/households", {"village_group_id": group_a1.pk}, {})

    body = _assert_error_body(response, 401)
    assert body["code"] == "not_authenticated"


def test_unknown_object_is_404_in_the_error_body(client, bearer, working_group_member):
    body = _assert_error_body(client.get("/api/cases/cases/987654", headers=bearer(working_group_member)), 404)

    assert body["code"] == "not_found"


def test_api_description_and_its_page_need_a_login(client, bearer, working_group_member):
    assert client.get("/api/openapi.json").status_code == 401
    page = client.get("/api/docs")
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]

    assert client.get("/api/openapi.json", headers=bearer(working_group_member)).status_code == 200
    assert client.get("/api/docs", headers=bearer(working_group_member)).status_code == 200


def test_a_repeated_query_parameter_is_refused_not_the_last_one_kept(client, bearer, working_group_member):
    response = client.get("/api/cases/cases?q=a&q=b", headers=bearer(working_group_member))

    body = _assert_error_body(response, 422, field="q")
    assert "一个值" in body["message"]


def test_an_amount_the_embedded_database_cannot_give_back_is_refused(
    client, bearer, working_group_member, enterprise_in_town
):
    # SQLite keeps decimals as doubles: 99999999999999.99 (16 digits, within the column) came back
    # as 1E+14, and the list of figures failed (a 500) from then on.
    url = f"/api/enterprises/enterprises/{enterprise_in_town.pk}/indicators"
    body = {"year": 2025, "output_value": "99999999999999.99", "tax_paid": "1"}

    response = _post_json(client, url, body, bearer(working_group_member))

    _assert_error_body(response, 422, field="output_value")
    assert client.get(url, headers=bearer(working_group_member)).status_code == 200
    largest = {"year": 2025, "output_value": "9999999999999.99", "tax_paid": "1"}
    assert _post_json(client, url, largest, bearer(working_group_member)).status_code == 200
    assert client.get(url, headers=bearer(working_group_member)).json()[0]["output_value"] == "9999999999999.99"


def test_a_write_with_a_stale_session_cookie_is_401_too(client, group_a1):
    client.cookies["sessionid"] = "no-such-session"

    response = _post_json(client, "/api/people/households", {"village_group_id": group_a1.pk}, {})

    _assert_error_body(response, 401)


def test_a_signed_in_session_still_needs_its_csrf_token(login_as, working_group_member, group_a1):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(working_group_member)

    response = _post_json(client, "/api/people/households", {"village_group_id": group_a1.pk}, {})

    body = _assert_error_body(response, 403)
    assert body["code"] == "csrf_failed"
    assert not Household.objects.exists()
