"""Enterprise API: scope by region or own enterprise, permissions, credit-code refusals naming the field."""

import json

import pytest

from lianxin.enterprises.models import Enterprise, EnterpriseIndicator
from lianxin.enterprises.tests import factories


def _post(client, url: str, payload: dict, headers: dict):
    return client.post(url, json.dumps(payload), content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("town_admin", {"示例铝业有限公司", "外部企业"}),
        ("outsider", {"外部企业"}),
        ("village_a_clerk", set()),  # no enterprise permission
        ("system_admin", {"示例铝业有限公司", "外部企业"}),
    ],
)
def test_enterprise_list_obeys_scope(request, client, bearer, outsider, enterprise_in_town, role, expected):
    response = client.get("/api/enterprises/enterprises", headers=bearer(request.getfixturevalue(role)))

    assert response.status_code == 200
    assert {e["name"] for e in response.json()["items"]} == expected


def test_liaison_gets_404_for_another_enterprise(client, bearer, outsider, enterprise_in_town):
    headers = bearer(outsider)

    assert client.get(f"/api/enterprises/enterprises/{enterprise_in_town.pk}", headers=headers).status_code == 404
    assert (
        client.get(f"/api/enterprises/enterprises/{outsider.scope_enterprise_id}", headers=headers).status_code == 200
    )


def test_invalid_credit_code_is_refused_naming_the_field(client, bearer, working_group_member, town):
    payload = {"name": "示例硅业", "credit_code": "91532621MA00000010", "region_id": town.pk}

    response = _post(client, "/api/enterprises/enterprises", payload, bearer(working_group_member))

    assert response.status_code == 400
    assert "统一社会信用代码校验位不正确" in response.json()["errors"]["credit_code"][0]
    assert not Enterprise.objects.filter(name="示例硅业").exists()


def test_working_group_registers_an_enterprise(client, bearer, working_group_member, town):
    code = factories.credit_code()
    payload = {"name": "示例硅业", "credit_code": code.lower(), "region_id": town.pk}

    response = _post(client, "/api/enterprises/enterprises", payload, bearer(working_group_member))

    assert response.status_code == 201
    assert response.json()["credit_code"] == code


@pytest.mark.parametrize("role", ["town_admin", "outsider", "village_a_clerk"])
def test_roles_without_the_add_permission_are_refused(request, client, bearer, role, town):
    payload = {"name": "示例硅业", "credit_code": factories.credit_code(), "region_id": town.pk}

    response = _post(client, "/api/enterprises/enterprises", payload, bearer(request.getfixturevalue(role)))

    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="示例硅业").exists()


def test_indicator_with_too_many_local_jobs_is_refused(client, bearer, outsider):
    payload = {"year": 2024, "output_value": "1000", "tax_paid": "10", "employees": 5, "local_employees": 6}

    response = _post(
        client, f"/api/enterprises/enterprises/{outsider.scope_enterprise_id}/indicators", payload, bearer(outsider)
    )

    assert response.status_code == 400
    assert response.json()["errors"]["local_employees"] == ["本地就业人数不能大于就业人数"]
    assert not EnterpriseIndicator.objects.exists()


def test_liaison_cannot_record_figures_for_another_enterprise(client, bearer, outsider, enterprise_in_town):
    payload = {"year": 2024, "output_value": "1000", "tax_paid": "10", "employees": 5, "local_employees": 5}

    response = _post(
        client, f"/api/enterprises/enterprises/{enterprise_in_town.pk}/indicators", payload, bearer(outsider)
    )

    assert response.status_code == 404
    assert not EnterpriseIndicator.objects.exists()
