"""Uploaded ledgers are personal data (原始文件与标注文件): full only with the reveal permission, and then audited
as a reveal; masked for other readers of the ledger; nothing for the system administrator; deleted after
the retention period."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.imports import services
from lianxin.imports.masking import Masker, masked_copy
from lianxin.imports.models import ImportBatch
from lianxin.people.tests.factories import resident_id

pytestmark = pytest.mark.django_db

ID_1, ID_2, _ID_3 = resident_id(sequence=701), resident_id(sequence=702), resident_id(sequence=703)
ID_BAD = _ID_3[:-1] + ("1" if _ID_3[-1] != "1" else "2")  # a wrong check digit
PHONE = "13912345678"


def _person_workbook() -> bytes:
    """The clerk's workbook: the ledger sheet (one row with a wrong check digit), and a notes sheet
    with an ID and a phone written into free text and a number cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "人口"
    sheet.append(["村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "手机号码"])
    sheet.append(["甲马石一组", "A-1", "王五", ID_1, "户主", PHONE])
    sheet.append(["甲马石一组", "A-1", "王小五", ID_2, "子女", ""])
    sheet.append(["甲马石一组", "A-2", "李四", ID_BAD, "户主", ""])
    sheet.append(["甲马石一组", "A-3", "赵六", _ID_3, "户主", "1391234"])  # a phone too short
    sheet.column_dimensions["D"].width = 24
    notes = workbook.create_sheet("备注")
    notes["A1"] = f"王五的身份证{ID_1},电话{PHONE}"
    notes["A2"] = 13987654321
    notes["A3"] = 68000
    notes["A4"] = "2026-03-20"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def person_batch(client, group_a1, village_a_clerk) -> ImportBatch:
    client.force_login(village_a_clerk)
    content = _person_workbook()
    client.post(
        "/imports/new/", {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("户籍台账.xlsx", content)}
    )
    client.logout()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.rejected == 2  # the rows of 李四 and 赵六
    return batch


def _cells(content: bytes) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    values.append(str(cell.value))
                if cell.comment is not None:
                    values.append(cell.comment.text)
    return values


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- who gets what --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["original", "annotated"])
def test_the_system_administrator_gets_neither_file(login_as, person_batch, system_admin, which):
    """The administrator holds no people permission and sees no person: no person ledger, masked or not."""
    response = login_as(system_admin).get(f"/imports/{person_batch.pk}/{which}/")

    assert response.status_code in (403, 404)
    assert not SecurityEvent.objects.filter(detail__import_batch=person_batch.pk).exists()


def test_the_administrator_sees_neither_the_download_links_nor_the_rejected_rows(login_as, person_batch, system_admin):
    page = login_as(system_admin).get(f"/imports/{person_batch.pk}/").content.decode()

    assert "download-original" not in page
    assert f"/imports/{person_batch.pk}/annotated/" not in page
    assert 'data-testid="errors"' not in page
    assert "李四" not in page


def test_the_api_gives_the_administrator_no_rejected_rows_either(client, bearer, person_batch, system_admin):
    body = client.get(f"/api/imports/batches/{person_batch.pk}", headers=bearer(system_admin)).json()

    assert body["rejected"] == 2
    assert body["errors"] == []


def test_a_cadre_without_the_reveal_permission_gets_a_masked_original(login_as, person_batch, village_a_clerk):
    response = login_as(village_a_clerk).get(f"/imports/{person_batch.pk}/original/")

    assert response.status_code == 200
    assert (
        "已脱敏" in response["Content-Disposition"] or "%E5%B7%B2%E8%84%B1%E6%95%8F" in response["Content-Disposition"]
    )
    workbook = openpyxl.load_workbook(io.BytesIO(body := _body(response)))
    cells = _cells(body)
    text = "\n".join(cells)
    for secret in (ID_1, ID_2, ID_BAD, _ID_3, PHONE, "13987654321", "1391234"):
        assert secret not in text
    ledger, notes = workbook["人口"], workbook["备注"]
    assert ledger["D2"].value == f"{ID_1[:6]}********{ID_1[-4:]}"
    assert ledger["F2"].value == "139****5678"
    assert ledger["F5"].value == "***1234"  # a too-short number in the phone column: masked all the same
    assert notes["A1"].value == f"王五的身份证{ID_1[:6]}********{ID_1[-4:]},电话139****5678"
    assert notes["A2"].value == "139****4321"
    # the rest of the clerk's workbook as it was
    assert [ledger["C2"].value, ledger["C4"].value, notes["A3"].value, notes["A4"].value] == [
        "王五",
        "李四",
        68000,
        "2026-03-20",
    ]
    assert ledger.column_dimensions["D"].width == 24
    event = SecurityEvent.objects.get(detail__import_batch=person_batch.pk)
    assert event.kind == SecurityEvent.Kind.EXPORT
    assert event.detail == {"import_batch": person_batch.pk, "file": "original", "masked": True, "masked_values": 9}


def test_a_cadre_without_the_reveal_permission_gets_a_masked_annotated_workbook(
    login_as, person_batch, village_a_clerk
):
    response = login_as(village_a_clerk).get(f"/imports/{person_batch.pk}/annotated/")

    assert response.status_code == 200
    body = _body(response)
    text = "\n".join(_cells(body))
    for secret in (ID_1, ID_2, ID_BAD, _ID_3, PHONE, "1391234"):  # in cells, comments and explanations
        assert secret not in text
    sheet = openpyxl.load_workbook(io.BytesIO(body))["人口"]
    assert "校验位" in sheet["G4"].value  # the bad rows are still explained
    assert "电话号码格式不正确" in sheet["F5"].comment.text  # and the bad cell marked
    assert sheet["D4"].value == f"{ID_BAD[:6]}********{ID_BAD[-4:]}"
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).exists()


@pytest.mark.parametrize("which", ["original", "annotated"])
def test_with_the_reveal_permission_the_file_is_whole_and_the_download_a_recorded_reveal(
    login_as, person_batch, working_group_member, which
):
    response = login_as(working_group_member).get(f"/imports/{person_batch.pk}/{which}/", REMOTE_ADDR="10.3.3.3")

    assert response.status_code == 200
    text = "\n".join(_cells(_body(response)))
    assert ID_1 in text
    assert ID_2 in text
    assert PHONE in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ID_REVEAL)
    assert (event.username, event.ip_address) == ("wg_member", "10.3.3.3")
    assert event.detail == {
        "import_batch": person_batch.pk,
        "ledger": "persons",
        "file": which,
        "resident_ids": 5,  # four in the ledger (one with a wrong check digit) and one in the notes
        "phones": 3,
        "other_numbers": 1,
    }
    access = LogEntry.objects.get_for_object(person_batch).get(action=LogEntry.Action.ACCESS)
    assert access.actor == working_group_member
    assert access.changes_dict["revealed"][0] == f"{which}_file"


def test_the_whole_original_is_the_uploaded_bytes(login_as, person_batch, working_group_member):
    response = login_as(working_group_member).get(f"/imports/{person_batch.pk}/original/")

    assert _body(response) == _person_workbook_bytes(person_batch)


def _person_workbook_bytes(batch) -> bytes:
    with batch.file.open("rb") as fh:
        return fh.read()


def test_the_detail_page_says_which_copy_a_cadre_gets(login_as, person_batch, village_a_clerk, working_group_member):
    masked = login_as(village_a_clerk).get(f"/imports/{person_batch.pk}/").content.decode()
    whole = login_as(working_group_member).get(f"/imports/{person_batch.pk}/").content.decode()

    assert "下载原始文件(已脱敏)" in masked
    assert "下载标注了错误的文件(已脱敏)" in masked
    assert "下载原始文件(已脱敏)" not in whole
    assert "下载原始文件" in whole


# --- bank accounts: the payments ledger -----------------------------------------------------------


def test_bank_accounts_in_a_payment_sheet_are_masked_for_a_cadre_and_whole_for_the_working_group(
    client, login_as, make_user, village_a, village_a_clerk
):
    """A working-group member of village A uploads a payment sheet; the village's cadre may read payments
    (masked bank accounts on the pages) and gets a masked copy; the uploader, who may record payments, the whole."""
    uploader = make_user("wg_a", Role.WORKING_GROUP, scope_region=village_a)
    workbook = openpyxl.Workbook()
    workbook.active.append(["协议编号", "兑付日期", "兑付金额", "凭证号", "收款人", "银行账号", "身份证号"])
    workbook.active.append(["ZD1-2026-00001", "2026-03-20", 68000, "记-0001", "王小明", "6228480123456789012", ID_1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = services.batch_upload(
        user=uploader,
        ledger="land_payments",
        file=SimpleUploadedFile("兑付.xlsx", buffer.getvalue()),
        file_name="兑付.xlsx",
    )
    services.batch_check(batch=batch)

    masked = openpyxl.load_workbook(io.BytesIO(_body(login_as(village_a_clerk).get(f"/imports/{batch.pk}/original/"))))
    whole = openpyxl.load_workbook(io.BytesIO(_body(login_as(uploader).get(f"/imports/{batch.pk}/original/"))))

    assert [c.value for c in masked.active[2]][5:] == ["6228***********9012", f"{ID_1[:6]}********{ID_1[-4:]}"]
    assert masked.active["C2"].value == 68000
    assert [c.value for c in whole.active[2]][5:] == ["6228480123456789012", ID_1]


# --- other formats --------------------------------------------------------------------------------


def test_a_csv_comes_back_as_a_masked_csv(tmp_path):
    path = tmp_path / "人口.csv"
    path.write_bytes(f"姓名,身份证号码,电话\n王五,{ID_1},{PHONE}\n".encode("gbk"))

    out, suffix, masker = masked_copy(
        path, original_name="人口.csv", header={}, personal_keys=(), out_dir=Path(tmp_path)
    )

    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert suffix == ".csv"
    assert rows == [["姓名", "身份证号码", "电话"], ["王五", f"{ID_1[:6]}********{ID_1[-4:]}", "139****5678"]]
    assert (masker.counts["resident_id"], masker.counts["phone"]) == (1, 1)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105 1949 1231 002x", "110105********002X"),
        ("139-1234-5678", "139****5678"),
        ("6228 4801 2345 6789 012", "6228***********9012"),
        ("622848012345", "6228****2345"),
        ("ZD1-2026-00001", "ZD1-2026-00001"),
        ("记-202603-0001", "记-202603-0001"),
        ("2026-03-20", "2026-03-20"),
        ("91530000MA6N123456", "91530000MA6N123456"),
        (5.32622198005171e17, "532622********1008"),  # an ID Excel turned into a number
        (13912345678, "139****5678"),
        (68000, 68000),
        (7823000000, 7823000000),
        (68000.5, 68000.5),
    ],
)
def test_what_counts_as_a_personal_number(value, masked):
    assert Masker().value(value) == masked


# --- retention ------------------------------------------------------------------------------------


def test_originals_are_deleted_after_the_retention_period(login_as, person_batch, village_a_clerk, settings):
    settings.LIANXIN_IMPORT_FILE_RETENTION_DAYS = 30
    services.batch_commit(batch=person_batch, actor=village_a_clerk)
    person_batch.refresh_from_db()
    assert person_batch.status == ImportBatch.Status.FAILED  # all-or-nothing with a bad row
    name = person_batch.file.name
    storage = person_batch.file.storage

    assert services.batch_files_purge(now=timezone.now() + timedelta(days=29)) == []
    assert services.batch_files_purge(now=timezone.now() + timedelta(days=31)) == [person_batch.pk]

    person_batch.refresh_from_db()
    assert not storage.exists(name)
    assert person_batch.file_deleted_at is not None
    browser = login_as(village_a_clerk)
    response = browser.get(f"/imports/{person_batch.pk}/original/", follow=True)
    assert "原始文件已按保存期限(30天)" in response.content.decode()
    assert 'data-testid="file-deleted"' in browser.get(f"/imports/{person_batch.pk}/").content.decode()


def test_a_committed_batch_keeps_its_file_for_the_period_counted_from_the_commit(
    client, group_a1, village_a_clerk, settings
):
    settings.LIANXIN_IMPORT_FILE_RETENTION_DAYS = 7
    client.force_login(village_a_clerk)
    content = openpyxl.Workbook()
    content.active.append(["村民小组", "户编号", "姓名", "身份证号码", "与户主关系"])
    content.active.append(["甲马石一组", "A-1", "王五", ID_1, "户主"])
    buffer = io.BytesIO()
    content.save(buffer)
    client.post(
        "/imports/new/", {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("a.xlsx", buffer.getvalue())}
    )
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=100))
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED

    assert services.batch_files_purge(now=timezone.now() + timedelta(days=6)) == []
    assert services.batch_files_purge(now=timezone.now() + timedelta(days=8)) == [batch.pk]
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT, detail__files_deleted__isnull=False).get()
    assert event.detail == {"files_deleted": [batch.pk], "retention_days": 7}


def test_the_purge_command_is_what_cron_runs(person_batch, settings):
    settings.LIANXIN_IMPORT_FILE_RETENTION_DAYS = 0
    out = io.StringIO()

    call_command("purge_import_files", stdout=out)

    person_batch.refresh_from_db()
    assert person_batch.file_deleted_at is not None
    assert "1" in out.getvalue()


def test_a_check_of_a_deleted_file_says_so_instead_of_failing(person_batch, settings, login_as, village_a_clerk):
    settings.LIANXIN_IMPORT_FILE_RETENTION_DAYS = 0
    services.batch_files_purge()
    person_batch.refresh_from_db()

    services.batch_check(batch=person_batch)

    person_batch.refresh_from_db()
    assert person_batch.status == ImportBatch.Status.FAILED
    assert "原始文件已按保存期限" in person_batch.message
