"""The import flow through the JSON API (scripts, the mobile client): upload, poll, commit, scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.imports.models import ImportBatch
from lianxin.imports.tests.workbooks import xlsx_bytes
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

pytestmark = pytest.mark.django_db


def test_script_uploads_polls_and_commits_with_a_token(client, group_a1, village_a_clerk, bearer):
    headers = bearer(village_a_clerk)
    sheet = xlsx_bytes(
        [["村民小组", "户编号", "姓名", "身份证号码"], ["甲马石一组", "A-1", "王五", resident_id(sequence=701)]]
    )

    created = client.post(
        "/api/imports/batches",
        {"ledger": "persons", "file": SimpleUploadedFile("a.xlsx", sheet)},
        headers=headers,
    )
    assert created.status_code == 202, created.content
    batch_id = created.json()["id"]
    polled = client.get(f"/api/imports/batches/{batch_id}", headers=headers).json()
    assert (polled["status"], polled["to_create"], polled["rejected"]) == ("checked", 1, 0)

    committed = client.post(f"/api/imports/batches/{batch_id}/commit", headers=headers)

    assert committed.status_code == 202
    assert client.get(f"/api/imports/batches/{batch_id}", headers=headers).json()["status"] == "committed"
    assert Person.objects.get().name == "王五"


def test_rejected_rows_come_back_with_row_column_and_rule(client, group_a1, village_a_clerk, bearer):
    headers = bearer(village_a_clerk)
    sheet = xlsx_bytes([["村民小组", "户编号", "姓名", "身份证号码"], ["甲马石一组", "A-1", "王五", "5.32622E+17"]])

    batch_id = client.post(
        "/api/imports/batches", {"ledger": "persons", "file": SimpleUploadedFile("a.xlsx", sheet)}, headers=headers
    ).json()["id"]
    body = client.get(f"/api/imports/batches/{batch_id}", headers=headers).json()

    assert body["rejected"] == 1
    assert body["errors"][0]["row"] == 2
    assert body["errors"][0]["column"] == "D"
    assert "Excel" in body["errors"][0]["message"]
    commit = client.post(f"/api/imports/batches/{batch_id}/commit", headers=headers)
    assert commit.status_code == 400


def test_another_villages_batch_is_404_through_the_api(client, group_b1, village_a_clerk, village_b_clerk, bearer):
    sheet = xlsx_bytes(
        [["村民小组", "户编号", "姓名", "身份证号码"], ["白革龙一组", "B-1", "赵四", resident_id(sequence=702)]]
    )
    batch_id = client.post(
        "/api/imports/batches",
        {"ledger": "persons", "file": SimpleUploadedFile("b.xlsx", sheet)},
        headers=bearer(village_b_clerk),
    ).json()["id"]

    assert client.get(f"/api/imports/batches/{batch_id}", headers=bearer(village_a_clerk)).status_code == 404
    assert ImportBatch.objects.count() == 1
