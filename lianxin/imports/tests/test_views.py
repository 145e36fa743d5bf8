"""The import pages as a clerk uses them: upload → dry-run summary → annotated download → commit → history."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.accounts.roles import Role
from lianxin.imports.models import HeaderMapping, ImportBatch
from lianxin.imports.tests.workbooks import xlsx_bytes
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

pytestmark = pytest.mark.django_db


HEADER = ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系"]


def _upload(client, rows, mode="all", name="台账.xlsx"):
    data = {"ledger": "persons", "mode": mode, "file": SimpleUploadedFile(name, xlsx_bytes(rows))}
    return client.post("/imports/new/", data)


def test_clerk_uploads_sees_the_dry_run_then_commits(client, group_a1, village_a_clerk):
    client.force_login(village_a_clerk)
    good = resident_id(sequence=501)

    # when the clerk uploads a clean sheet, the dry run runs and the summary is shown
    response = _upload(client, [HEADER, ["甲马石一组", "A-1", "王五", good, "户主"]])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-figure="to_create">1<' in page
    assert "确认导入" in page
    assert Person.objects.count() == 0

    # when they confirm, the person is written and the page says so
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Person.objects.get().name == "王五"
    history = client.get("/imports/").content.decode()
    assert "台账.xlsx" in history
    assert "已导入" in history


def test_rejected_rows_are_listed_and_the_annotated_file_downloads(client, group_a1, village_a_clerk):
    client.force_login(village_a_clerk)
    _upload(
        client,
        [
            HEADER,
            ["甲马石一组", "A-1", "王五", "123", "户主"],
            ["甲马石一组", "A-2", "李四", resident_id(sequence=502), "户主"],
        ],
    )
    batch = ImportBatch.objects.get()

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-figure="rejected">1<' in page
    assert "身份证号码应为18位" in page
    assert "确认导入" not in page  # all-or-nothing: nothing to confirm while a row is wrong

    response = client.get(f"/imports/{batch.pk}/annotated/")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "18位" in ws["D2"].comment.text


def test_unknown_header_can_be_mapped_on_the_page(client, group_a1, village_a_clerk):
    client.force_login(village_a_clerk)
    _upload(
        client,
        [
            ["村民小组", "户编号", "姓名", "身份证号码", "家中身份"],
            ["甲马石一组", "A-1", "王五", resident_id(sequence=503), "户主"],
        ],
    )
    batch = ImportBatch.objects.get()
    assert "家中身份" in client.get(f"/imports/{batch.pk}/").content.decode()

    index = next(u["index"] for u in batch.header["unmatched"] if u["text"] == "家中身份")
    client.post(
        f"/imports/{batch.pk}/map/",
        {"prefix": f"h{index}", f"h{index}-header": "家中身份", f"h{index}-column": "relation"},
    )

    assert HeaderMapping.objects.filter(ledger="persons", column="relation").exists()
    batch.refresh_from_db()
    assert not batch.header["unmatched"]


def test_batches_of_another_village_are_not_found(client, group_a1, group_b1, village_a_clerk, village_b_clerk):
    client.force_login(village_b_clerk)
    _upload(client, [HEADER, ["白革龙一组", "B-1", "赵四", resident_id(sequence=504), "户主"]])
    batch = ImportBatch.objects.get()

    client.force_login(village_a_clerk)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    assert client.post(f"/imports/{batch.pk}/commit/").status_code == 404
    assert "白革龙一组" not in client.get("/imports/").content.decode()


@pytest.mark.parametrize("role", [Role.COUNTY_VIEWER, Role.POLICE_LIAISON, Role.DISCIPLINE_INSPECTOR])
def test_roles_without_import_rights_are_refused(client, town, make_user, role):
    client.force_login(make_user(f"u_{role}", role, scope_region=town))
    assert client.get("/imports/new/").status_code == 403
    assert client.get("/imports/").status_code == 403


def test_oversized_upload_is_refused_with_the_limit(client, group_a1, village_a_clerk, settings):
    settings.LIANXIN_IMPORT_MAX_BYTES = 1024
    client.force_login(village_a_clerk)
    rows = [HEADER] + [["甲马石一组", f"A-{i}", "王五", resident_id(sequence=600 + i), "户主"] for i in range(200)]

    response = _upload(client, rows)

    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_random_bytes_upload_gets_a_message_not_an_error_page(client, village_a_clerk, group_a1):
    client.force_login(village_a_clerk)
    data = {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("x.xlsx", bytes(range(256)) * 20)}
    response = client.post("/imports/new/", data, follow=True)

    assert response.status_code == 200
    assert "表格文件" in response.content.decode()
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_the_original_file_is_kept_and_its_download_recorded(
    client, login_as, group_a1, village_a_clerk, working_group_member
):
    """Kept as uploaded; who may see IDs in full downloads it whole, as a recorded reveal (test_file_access.py)."""
    from lianxin.accounts.models import SecurityEvent

    client.force_login(village_a_clerk)
    content = xlsx_bytes([HEADER, ["甲马石一组", "A-1", "王五", resident_id(sequence=505), "户主"]])
    client.post("/imports/new/", {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("原始.xlsx", content)})
    batch = ImportBatch.objects.get()

    response = login_as(working_group_member).get(f"/imports/{batch.pk}/original/")

    assert b"".join(response.streaming_content) == content
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL, detail__import_batch=batch.pk).exists()


def test_a_running_check_shows_how_far_it_is_in_percent(login_as, working_group_member):
    from django.core.cache import cache

    from lianxin.imports.engine import progress_key
    from lianxin.imports.models import ImportBatch

    batch = ImportBatch.objects.create(
        ledger="persons",
        user=working_group_member,
        region=working_group_member.scope_region,
        file_name="台账.xlsx",
        checksum="0" * 64,
        status=ImportBatch.Status.CHECKING,
    )
    cache.set(progress_key(batch.pk), {"rows": 25_000, "total": 100_000})
    client = login_as(working_group_member)

    page = client.get(f"/imports/{batch.pk}/?poll=1", headers={"HX-Request": "true"}).content.decode()

    assert "已处理 25,000 行,共约 100,000 行(25%)" in page
    assert '<progress class="w-100" max="100" value="25"' in page
