"""A dry run's stage is plain data (issue 16): JSON with explicit tags, never pickle. Values come back
exactly (type and value); a stage written by an older version (pickled) or naming a class that is not
a ledger row is refused — not unpickled, not instantiated — and the commit reads the file again."""

import datetime as dt
import pickle
import struct
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from lianxin.core import crypto
from lianxin.imports import staging
from lianxin.imports.engine import RowError
from lianxin.imports.models import ImportBatch
from lianxin.imports.services import batch_check, batch_commit, batch_upload
from lianxin.land.ledger import AgreementRow
from lianxin.people.ledger import PersonRow
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

HEADER = ["村民小组", "户编号", "姓名", "身份证号", "与户主关系"]


def _person_row(n: int, phone: bool) -> PersonRow:
    return PersonRow(
        group_id=7,
        household_number=f"A-{n}",
        address="",
        name=f"王{n}",
        digest=f"{n:064x}",
        id_ciphertext=bytes([n % 256]) * 41,
        id_masked="532622********123X",
        birth_date=dt.date(1950 + n % 50, 1 + n % 12, 28),
        gender="male",
        relation="head",
        ethnicity="miao",
        phone="13800138000" if phone else None,
        phone_ciphertext=b"\x01\x00\xff" * 10 if phone else None,
        phone_masked="138****8000" if phone else "",
    )


def _exactly(a, b) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True would not do)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_exactly(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_exactly(a[k], b[k]) for k in a)
    return a == b


def test_values_round_trip_exactly():
    payload = {
        "money": Decimal("1234.50"),
        "area": Decimal("-0.0001"),
        "born": dt.date(1961, 2, 28),
        "at": dt.datetime(2026, 12, 3, 17, 30, 5, 123, tzinfo=dt.UTC),
        "nothing": None,
        "text": "甲马石一组 ~x",
        "bytes": b"\x00\x80\xff",
        "pair": ("A", 1),
        "flags": [True, False, 0, 1.5],
        (1, "tuple key"): {"~not a tag": "escaped"},
        "error": RowError(3, "D", "身份证号", "123", "位数不对"),
        "agreement": AgreementRow(
            number="XY-1",
            project_id=1,
            household_id=2,
            holding_ids=[3, 4],
            signed_on=dt.date(2026, 1, 5),
            attachments=[("trees", Decimal("12"))],
            supplement_amount=Decimal("0.00"),
            supplement_reason="",
        ),
    }

    back = staging.decode(staging.encode(payload))

    assert _exactly(back, payload)


def test_a_chunk_of_person_rows_round_trips_column_by_column():
    chunk = [(n + 2, _person_row(n, phone=n % 3 == 0), f"{n:064x}") for n in range(50)]
    chunk.append((99, _person_row(99, phone=False), "another key"))

    data = staging.encode_chunk(chunk)
    back = staging.decode(data)

    assert _exactly(back, chunk)
    assert data.startswith(b'LXS2{"~rows":"lianxin.people.ledger:PersonRow"')  # JSON, not a pickle


@pytest.mark.parametrize(
    "record",
    [
        b'LXS2{"~c":"subprocess:Popen","v":[["id"]]}',  # not a lianxin class
        b'LXS2{"~n":"os:system","v":["id"]}',
        b'LXS2{"~c":"lianxin.core.crypto:encrypt","v":[]}',  # a lianxin function, not a row class
        b'LXS2{"~o":"auth.nosuchmodel","v":[]}',
        b'LXS2{"~x":1}',  # unknown tag
        b"LXS2{not json",
        pickle.dumps(["a", "pickle"]),  # an old stage's record
    ],
)
def test_records_that_name_other_classes_or_are_not_json_are_refused(record):
    with pytest.raises(staging.StageBroken):
        staging.decode(record)


# -- stages on disk ---------------------------------------------------------------------------

RAN = []


class _Payload:
    """What a hostile pickle would carry: unpickling it calls RAN.append."""

    def __reduce__(self):
        return (RAN.append, ("unpickled!",))


def _legacy_stage(batch_pk: int) -> bytes:
    """A stage as the pickle version wrote it (before issue 16), with a payload that runs code."""
    out = b""
    for index, payload in enumerate([{"fingerprint": "x", "created": 0, "evil": _Payload()}, [], "end"]):
        sealed = crypto.seal(pickle.dumps(payload), purpose=f"import-stage:{batch_pk}:{index}")
        out += struct.pack(">I", len(sealed)) + sealed
    return out


def _ledger(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for r, row in enumerate([HEADER, ["甲马石一组", "A-1", "王大", resident_id(sequence=501), "户主"]]):
        sheet.write_row(r, 0, row)
    workbook.close()
    return path


@pytest.mark.django_db
def test_a_legacy_pickled_stage_is_refused_unread_and_the_commit_reads_the_file(
    tmp_path, group_a1, working_group_member
):
    path = _ledger(tmp_path / "户籍.xlsx")
    with path.open("rb") as fh:
        batch = batch_upload(user=working_group_member, ledger="persons", file=fh, file_name=path.name)
    batch = batch_check(batch=batch)
    # an upgrade happened between the dry run and the commit: the stage on disk is an old, pickled one
    name = staging.stage_name(batch.pk)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(_legacy_stage(batch.pk)))
    RAN.clear()

    assert staging.stage_open(batch.pk, "x") is None  # refused (and removed), whatever its fingerprint
    assert RAN == []  # never unpickled
    assert not default_storage.exists(name)

    default_storage.save(name, ContentFile(_legacy_stage(batch.pk)))
    batch = batch_commit(batch=batch, actor=working_group_member)

    assert RAN == []
    assert batch.status == ImportBatch.Status.COMMITTED  # from the uploaded file, read again
    assert list(Person.objects.values_list("name", flat=True)) == ["王大"]


@dataclass
class _NotARow:
    value: int


def test_a_class_outside_the_ledgers_cannot_be_staged_or_named():
    # defined in a test module (lianxin.…tests): staged rows are ledger classes; one named by a stage
    # must be a NamedTuple or dataclass of an imported lianxin module, nothing else
    with pytest.raises(TypeError):
        staging.encode(object())
    record = staging.encode(_NotARow(1))
    assert staging.decode(record) == _NotARow(1)  # a lianxin dataclass is fine
    with pytest.raises(staging.StageBroken):
        staging.decode(record.replace(b"lianxin.imports.tests", b"lianxin.imports.nosuch"))


def test_a_stage_record_cannot_be_moved_between_batches_or_positions(settings):
    writer = staging.StageWriter(1, "fp")
    sealed = writer._sealed(writer._encode({"a": 1}), 0)
    with pytest.raises(Exception):  # noqa: B017, PT011 - InvalidTag: another purpose
        crypto.unseal(sealed[4:], purpose="import-stage-v2:2:0")
    assert staging.decode(crypto.unseal(sealed[4:], purpose="import-stage-v2:1:0")) == {"a": 1}
