"""The cases API: same permissions and visibility as the pages."""

import json

from lianxin.cases.models import Case

from . import factories

State = Case.State


def _post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def test_create_transition_comment_and_list(client, bearer, handler, village_a, household_a):
    headers = bearer(handler)
    response = _post(
        client,
        "/api/cases/cases",
        {
            "kind": "dispute",
            "title": "补偿纠纷",
            "description": "面积有异议",
            "region_id": village_a.pk,
            "dispute_category": "land_compensation",
            "parties": [{"household_id": household_a.pk}],
        },
        **headers,
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    response = _post(client, f"/api/cases/cases/{case_id}/transitions", {"to_state": "accepted"}, **headers)
    assert response.json()["state"] == "accepted"
    assert response.json()["due_on"]
    response = _post(client, f"/api/cases/cases/{case_id}/transitions", {"to_state": "closed"}, **headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    assert _post(client, f"/api/cases/cases/{case_id}/comments", {"text": "已约谈"}, **headers).status_code == 201
    events = client.get(f"/api/cases/cases/{case_id}/events", headers=headers).json()
    assert [e["type"] for e in events] == ["transition", "transition", "comment"]
    items = client.get("/api/cases/cases", {"kind": "dispute"}, headers=headers).json()["items"]
    assert [i["id"] for i in items] == [case_id]


def test_scope_and_kind_visibility(client, bearer, handler, police, village_b, village_a_clerk, liaison):
    case = factories.dispute(handler, village_b)
    assert client.get(f"/api/cases/cases/{case.pk}", headers=bearer(village_a_clerk)).status_code == 404
    assert client.get(f"/api/cases/cases/{case.pk}", headers=bearer(police)).status_code == 404
    assert client.get(f"/api/cases/cases/{case.pk}", headers=bearer(liaison)).status_code == 404
    assert client.get(f"/api/cases/cases/{case.pk}", headers=bearer(handler)).status_code == 200


def test_leader_cannot_transition(client, bearer, handler, town_admin, village_a):
    case = factories.dispute(handler, village_a)
    response = _post(client, f"/api/cases/cases/{case.pk}/transitions", {"to_state": "accepted"}, **bearer(town_admin))
    assert response.status_code == 403


def test_liaison_submits_and_rates(client, bearer, liaison, handler, enterprise_in_town):
    item = factories.service_item()
    headers = bearer(liaison)
    response = _post(
        client,
        "/api/cases/cases",
        {"kind": "enterprise_request", "title": "用地手续", "description": "请协调", "service_item_id": item.pk},
        **headers,
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    for step, reason in (("accepted", ""), ("in_progress", ""), ("resolved", "已办")):
        _post(
            client, f"/api/cases/cases/{case_id}/transitions", {"to_state": step, "reason": reason}, **bearer(handler)
        )
    response = _post(client, f"/api/cases/cases/{case_id}/rating", {"satisfaction": 5, "comment": "好"}, **headers)
    assert response.json()["state"] == "revisited"
    assert response.json()["satisfaction"] == 5


def test_anonymous_report_and_tracking_api(client, village_a, answered_challenge):
    report = {"title": "吃拿卡要", "description": "索要烟酒", "region_id": village_a.pk, **answered_challenge()}
    response = _post(client, "/api/cases/reports", report)
    assert response.status_code == 201
    body = response.json()
    response = _post(
        client, "/api/cases/reports/track", {"code": body["tracking_code"], "passphrase": body["passphrase"]}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "registered"
    response = _post(client, "/api/cases/reports/track", {"code": body["tracking_code"], "passphrase": "x"})
    assert response.status_code == 404
    assert client.get("/api/cases/cases").status_code == 401
