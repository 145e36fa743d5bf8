from decimal import Decimal

import pytest
from django.utils import timezone

from lianxin.land.models import Payment

from . import factories

TODAY = timezone.localdate


@pytest.fixture
def api(client):
    def call(method: str, path: str, headers: dict, json=None):
        kwargs = {"headers": headers}
        if json is not None:
            kwargs.update(data=json, content_type="application/json")
        return getattr(client, method)(f"/api/land{path}", **kwargs)

    return call


def test_parcel_list_is_scoped(api, bearer, village_b_clerk, working_group_member, signed):
    _agreement, parcel = signed
    assert [p["id"] for p in api("get", "/parcels", bearer(working_group_member)).json()["items"]] == [parcel.pk]
    assert api("get", "/parcels", bearer(village_b_clerk)).json()["items"] == []
    assert api("get", f"/parcels/{parcel.pk}", bearer(village_b_clerk)).status_code == 404


def test_payment_by_api_for_the_working_group_only(api, bearer, working_group_member, village_a_clerk, signed):
    agreement, _parcel = signed
    body = {"amount": "1000", "paid_on": TODAY().isoformat(), "voucher_no": "A-1", "payee_name": "王小明"}
    refused = api("post", f"/agreements/{agreement.pk}/payments", bearer(village_a_clerk), body)
    assert refused.status_code == 403
    created = api("post", f"/agreements/{agreement.pk}/payments", bearer(working_group_member), body)
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == "1000.00"


def test_api_refuses_over_payment_with_a_chinese_message(api, bearer, working_group_member, signed):
    agreement, _parcel = signed
    body = {"amount": "600000", "paid_on": TODAY().isoformat(), "voucher_no": "A-1", "payee_name": "王小明"}
    response = api("post", f"/agreements/{agreement.pk}/payments", bearer(working_group_member), body)
    assert response.status_code == 400
    assert response.json()["code"] == "over_payment"
    assert "超过协议总金额" in response.json()["message"]


def test_api_refuses_update_and_delete_of_payments_and_allows_reversal(api, bearer, working_group_member, signed):
    agreement, _parcel = signed
    headers = bearer(working_group_member)
    body = {"amount": "1000", "paid_on": TODAY().isoformat(), "voucher_no": "A-1", "payee_name": "王小明"}
    payment_id = api("post", f"/agreements/{agreement.pk}/payments", headers, body).json()["id"]
    assert api("put", f"/payments/{payment_id}", headers, {}).json()["code"] == "append_only"
    assert api("delete", f"/payments/{payment_id}", headers).status_code == 400
    reversal = api("post", f"/payments/{payment_id}/reversal", headers, {"reason": "录错"})
    assert reversal.status_code == 201
    assert reversal.json()["amount"] == "-1000.00"
    assert Payment.objects.count() == 2


def test_agreement_quote_and_create_by_api(
    api, bearer, working_group_member, land_project, group_a1, household_a, standards
):
    factories.holding(factories.parcel(land_project, group_a1, area_mu="1"), household_a)
    headers = bearer(working_group_member)
    body = {"project_id": land_project.pk, "household_id": household_a.pk, "signed_on": TODAY().isoformat()}
    quote = api("post", "/agreements/quote", headers, body)
    assert quote.status_code == 200, quote.content
    assert quote.json()["items_total"] == "55000.00"
    created = api("post", "/agreements", headers, body)
    assert created.status_code == 201
    detail = api("get", f"/agreements/{created.json()['id']}", headers).json()
    assert len(detail["items"]) == 3


def test_handover_by_api_refused_until_paid(api, bearer, working_group_member, signed):
    _agreement, parcel = signed
    response = api(
        "post", f"/parcels/{parcel.pk}/handover", bearer(working_group_member), {"handed_over_on": TODAY().isoformat()}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_paid"


def test_progress_by_api(api, bearer, working_group_member, signed, land_project):
    data = api("get", f"/projects/{land_project.pk}/progress", bearer(working_group_member)).json()
    assert data["money_agreed"] == "550000.00"
    assert data["households_signed"] == 1
    assert Decimal(data["area_total_mu"]) == Decimal("10")


def test_standard_create_by_api_refuses_overlap(api, bearer, working_group_member, town, standards):
    body = {"region_id": town.pk, "item": "land_compensation", "unit_price": "1", "effective_from": "2025-01-01"}
    response = api("post", "/standards", bearer(working_group_member), body)
    assert response.status_code == 400
    assert response.json()["code"] == "overlap"
