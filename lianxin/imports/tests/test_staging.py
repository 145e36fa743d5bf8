"""The commit after a dry run applies the rows the dry run checked (staging.py), and only while they
still describe what a fresh pass over the file would produce."""

from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.storage import default_storage

from lianxin.imports import staging
from lianxin.imports.models import ImportBatch
from lianxin.imports.services import batch_check, batch_commit, batch_upload
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id
from lianxin.regions.services import region_update

pytestmark = pytest.mark.django_db

HEADER = ["村民小组", "户编号", "姓名", "身份证号", "与户主关系"]
HEAD_ID = resident_id(sequence=501)
SPOUSE_ID = resident_id(sequence=502, male=False)


def _ledger(path: Path, rows: list[list]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, row in enumerate([HEADER, *rows]):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def _checked(user, path: Path, mode: str = ImportBatch.Mode.ALL_OR_NOTHING) -> ImportBatch:
    with path.open("rb") as fh:
        batch = batch_upload(user=user, ledger="persons", file=fh, file_name=path.name, mode=mode)
    return batch_check(batch=batch)


def _created(batch: ImportBatch) -> dict[str, int]:
    """How many rows of each model the batch's undo records say it created."""
    return {r.model: len(r.object_ids) for r in batch.records.filter(action="created")}


@pytest.fixture
def two_people(tmp_path, group_a1):
    return _ledger(
        tmp_path / "户籍.xlsx",
        [["甲马石一组", "A-1", "王大", HEAD_ID, "户主"], ["甲马石一组", "A-1", "李二", SPOUSE_ID, "配偶"]],
    )


def test_commit_applies_the_checked_rows_without_reading_the_file_again(two_people, working_group_member):
    batch = _checked(working_group_member, two_people)
    assert default_storage.exists(staging.stage_name(batch.pk))
    # The commit no longer needs the upload: the stage holds what the dry run prepared.
    with default_storage.open(batch.file.name, "wb") as fh:
        fh.write(b"not a spreadsheet any more")

    batch = batch_commit(batch=batch, actor=working_group_member)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_read, batch.to_create, batch.rejected) == (2, 2, 0)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["李二", "王大"]
    assert _created(batch) == {"people.household": 1, "people.person": 2}  # for undo
    assert not default_storage.exists(staging.stage_name(batch.pk))


def test_stage_holds_no_resident_id_in_clear(two_people, working_group_member):
    batch = _checked(working_group_member, two_people)

    with default_storage.open(staging.stage_name(batch.pk), "rb") as fh:
        stored = fh.read()

    assert HEAD_ID.encode() not in stored
    assert "王大".encode() not in stored


def test_rows_stored_meanwhile_are_classified_again_at_commit(two_people, tmp_path, working_group_member):
    batch = _checked(working_group_member, two_people)
    assert batch.to_create == 2
    # Someone imports the same two people between the dry run and the commit.
    batch_commit(batch=_checked(working_group_member, two_people), actor=working_group_member)

    batch = batch_commit(batch=batch, actor=working_group_member)

    assert (batch.to_create, batch.unchanged) == (0, 2)
    assert Person.objects.count() == 2


def test_a_renamed_village_group_makes_the_commit_read_the_file_again(two_people, group_a1, working_group_member):
    batch = _checked(working_group_member, two_people)
    region_update(region=group_a1, name="甲马石新一组", stat_code=group_a1.stat_code, population=group_a1.population)

    batch = batch_commit(batch=batch, actor=working_group_member)

    # A fresh pass no longer finds "甲马石一组": every row is rejected, nothing is written.
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.rejected == 2
    assert "甲马石一组" in batch.errors[0]["message"]
    assert not Person.objects.exists()


def test_a_tampered_stage_is_not_trusted(two_people, working_group_member):
    batch = _checked(working_group_member, two_people)
    name = staging.stage_name(batch.pk)
    with default_storage.open(name, "rb") as fh:
        data = bytearray(fh.read())
    data[-40] ^= 0xFF  # a bit flipped in the last record
    default_storage.delete(name)
    with default_storage.open(name, "wb") as fh:
        fh.write(bytes(data))

    batch = batch_commit(batch=batch, actor=working_group_member)

    # The commit read the (intact) upload again instead, and wrote each person once.
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Person.objects.count() == 2
    assert _created(batch) == {"people.household": 1, "people.person": 2}


def test_valid_rows_only_commit_from_the_stage_keeps_the_dry_runs_rejections(tmp_path, group_a1, working_group_member):
    path = _ledger(
        tmp_path / "mixed.xlsx",
        [["甲马石一组", "A-1", "王大", HEAD_ID, "户主"], ["甲马石一组", "A-2", "钱五", "123", "户主"]],
    )
    batch = _checked(working_group_member, path, mode=ImportBatch.Mode.VALID_ONLY)

    batch = batch_commit(batch=batch, actor=working_group_member)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_read, batch.to_create, batch.rejected) == (2, 1, 1)
    assert batch.errors[0]["row"] == 3
    assert batch.errors[0]["column"] == "D"
    assert list(Person.objects.values_list("name", flat=True)) == ["王大"]


def test_a_stage_from_other_code_is_not_used(two_people, working_group_member, monkeypatch):
    # A deployment between the dry run and the commit may change what a prepared row holds.
    batch = _checked(working_group_member, two_people)
    with default_storage.open(batch.file.name, "wb") as fh:  # only the stage could import it now
        fh.write(b"not a spreadsheet any more")
    staging.code_version.cache_clear()
    monkeypatch.setattr(staging.inspect, "getsource", lambda module: f"# changed\n{module.__name__}")

    batch = batch_commit(batch=batch, actor=working_group_member)

    staging.code_version.cache_clear()
    # The commit went back to the file (which is no longer readable), not to the stale stage.
    assert batch.status == ImportBatch.Status.FAILED
    assert not Person.objects.exists()
    assert not default_storage.exists(staging.stage_name(batch.pk))
