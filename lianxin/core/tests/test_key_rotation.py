"""Key rotation (issue 16, docs/decisions/0015): the demo township's keys are rotated while lookups keep
working; an interrupted rotation resumes; afterwards every reveal gives the number it gave before and
every lookup by resident ID finds its person through the selector the pages use."""

import base64
import io
import json

import pytest
from django.core.management import call_command

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core import crypto, keys, rotation
from lianxin.core.models import KeyFingerprint, KeyRotationProgress
from lianxin.demo.township import load_demo
from lianxin.land.models import Payment
from lianxin.land.services import BANK_ACCOUNT_PURPOSE
from lianxin.people.identity import PHONE_PURPOSE, RESIDENT_ID_PURPOSE
from lianxin.people.models import Person
from lianxin.people.selectors import person_list
from lianxin.people.services import person_phone_reveal, person_resident_id_reveal

pytestmark = pytest.mark.django_db

NEW_FIELD_KEY = base64.b64encode(b"N" * 32).decode()
NEW_INDEX_KEY = base64.b64encode(b"I" * 32).decode()


def _clear() -> dict[int, tuple[str, str | None]]:
    return {
        pk: (
            crypto.decrypt(bytes(id_token), purpose=RESIDENT_ID_PURPOSE),
            crypto.decrypt(bytes(phone), purpose=PHONE_PURPOSE) if phone is not None else None,
        )
        for pk, id_token, phone in Person.objects.values_list("pk", "resident_id_ciphertext", "phone_ciphertext")
    }


def _rotate_settings(settings) -> None:
    """Step 1 of the procedure: new keys current, the old ones retired (what --generate writes)."""
    settings.FIELD_ENCRYPTION_RETIRED_KEYS = {1: settings.FIELD_ENCRYPTION_KEY}
    settings.BLIND_INDEX_RETIRED_KEYS = [settings.BLIND_INDEX_KEY]
    settings.FIELD_ENCRYPTION_KEY = NEW_FIELD_KEY
    settings.FIELD_ENCRYPTION_KEY_VERSION = 2
    settings.BLIND_INDEX_KEY = NEW_INDEX_KEY


def _found(leader, number: str, pk: int) -> bool:
    return list(person_list(user=leader, q=number).values_list("pk", flat=True)) == [pk]


def _run(**options) -> str:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.timeout(900)  # the demo township: 6,500 people, 1,800 payments
def test_rotating_the_demo_keys_keeps_every_reveal_and_every_lookup(settings):
    load_demo()
    leader = User.objects.get(role=Role.TOWNSHIP_LEADER)
    before = _clear()
    people = sorted(before)
    accounts = {
        pk: crypto.decrypt(bytes(token), purpose=BANK_ACCOUNT_PURPOSE)
        for pk, token in Payment.objects.exclude(bank_account_ciphertext=None).values_list(
            "pk", "bank_account_ciphertext"
        )
    }
    assert len(people) > 6000
    sample = people[:: len(people) // 60] + [people[-1]]

    _rotate_settings(settings)
    assert keys.keys_mismatched() == []  # the recorded keys are the retired ones: the site starts

    # a dry run counts and writes nothing
    assert f"people.person: would rewrite {len(people)} of {len(people)} rows read" in _run(dry_run=True)
    assert not Person.objects.filter(resident_id_ciphertext__startswith=b"\x02").exists()

    # interrupted after one batch: half rotated, everything still readable and found
    out = _run(batch_size=1000, max_batches=1)
    assert "people.person: rewrote 1000 of 1000 rows read; not finished" in out
    assert KeyRotationProgress.objects.get(model="people.person").last_pk == people[999]
    versions = {crypto.token_version(t) for t in Person.objects.values_list("resident_id_ciphertext", flat=True)}
    assert versions == {1, 2}
    assert _clear() == before
    for pk in [people[0], people[999], people[1000], *sample]:  # rotated, the last rotated, not yet, …
        assert _found(leader, before[pk][0], pk)

    # the rerun resumes after the last batch and finishes
    out = _run(batch_size=1000)
    assert f"people.person: rewrote {len(people) - 1000} of {len(people) - 1000} rows read; finished" in out
    assert "Rotation finished" in out
    assert "land.payment: kept (append-only)" in out

    # every person: under key version 2 and the new index key; reveals as before
    for pk, id_token, phone, digest in Person.objects.values_list(
        "pk", "resident_id_ciphertext", "phone_ciphertext", "resident_id_digest"
    ):
        assert crypto.token_version(id_token) == 2
        assert phone is None or crypto.token_version(phone) == 2
        assert digest == crypto.blind_index(before[pk][0], purpose=RESIDENT_ID_PURPOSE)
    assert _clear() == before
    for pk in sample:
        person = Person.objects.get(pk=pk)
        assert person_resident_id_reveal(person=person, actor=leader) == before[pk][0]
        if before[pk][1]:
            assert person_phone_reveal(person=person, actor=leader) == before[pk][1]

    # the database now names the new keys; the payments (append-only) keep the retired one
    assert KeyFingerprint.objects.get(name="FIELD_ENCRYPTION_KEY").fingerprint == keys.fingerprint_of(NEW_FIELD_KEY)
    assert KeyFingerprint.objects.get(name="BLIND_INDEX_KEY").fingerprint == keys.fingerprint_of(NEW_INDEX_KEY)
    assert rotation.retired_still_needed() == ({"land.payment": len(accounts)} if accounts else {})

    # with the retired index key dropped, every lookup still finds its person
    settings.BLIND_INDEX_RETIRED_KEYS = []
    assert keys.keys_mismatched() == []
    for pk in sample:
        assert _found(leader, before[pk][0], pk)
    for pk, account in accounts.items():
        token = Payment.objects.values_list("bank_account_ciphertext", flat=True).get(pk=pk)
        assert crypto.decrypt(bytes(token), purpose=BANK_ACCOUNT_PURPOSE) == account

    # a second run has nothing left to do
    assert "people.person: rewrote 0 of 0 rows read; finished" in _run()


def test_removing_the_old_key_before_the_rotation_finished_stops_the_site(settings, person_a):
    person = person_a
    keys.keys_record()
    _rotate_settings(settings)
    _run(batch_size=1, max_batches=0)  # started, nothing done yet

    settings.FIELD_ENCRYPTION_RETIRED_KEYS = {}

    assert keys.keys_mismatched() == ["FIELD_ENCRYPTION_KEY"]  # keys_check_at_start refuses to start
    with pytest.raises(ValueError, match="key version 1"):
        crypto.decrypt(bytes(Person.objects.get(pk=person.pk).resident_id_ciphertext), purpose=RESIDENT_ID_PURPOSE)


def test_generate_moves_the_keys_into_the_retired_lists(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "secrets.json"
    old = {"FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY, "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY}
    path.write_text(json.dumps({"SECRET_KEY": "x", **old}))

    _run(generate=True)

    stored = json.loads(path.read_text())
    assert stored["FIELD_ENCRYPTION_KEY_VERSION"] == 2
    assert stored["FIELD_ENCRYPTION_RETIRED_KEYS"] == {"1": old["FIELD_ENCRYPTION_KEY"]}
    assert stored["BLIND_INDEX_RETIRED_KEYS"] == [old["BLIND_INDEX_KEY"]]
    assert stored["FIELD_ENCRYPTION_KEY"] != old["FIELD_ENCRYPTION_KEY"]
    assert len(base64.b64decode(stored["BLIND_INDEX_KEY"])) == 32
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_person_ledger_import_waits_while_the_index_key_rotates(settings, tmp_path, group_a1, working_group_member):
    from lianxin.imports.models import ImportBatch
    from lianxin.imports.services import batch_check, batch_upload
    from lianxin.imports.tests.workbooks import xlsx_bytes
    from lianxin.people.tests.factories import resident_id

    path = tmp_path / "户籍.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["村民小组", "户编号", "姓名", "身份证号", "与户主关系"],
                ["甲马石一组", "A-1", "王大", resident_id(sequence=1), "户主"],
            ]
        )
    )
    _rotate_settings(settings)

    with path.open("rb") as fh:
        batch = batch_upload(user=working_group_member, ledger="persons", file=fh, file_name=path.name)
    batch_check(batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "正在进行密钥轮换" in batch.message
    assert not Person.objects.exists()
