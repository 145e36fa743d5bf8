"""People services: resident IDs are never stored in clear, rules refuse in Chinese, every change is audited."""

import json

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection

from lianxin.accounts.models import SecurityEvent
from lianxin.core import crypto
from lianxin.core.errors import DomainError
from lianxin.people.identity import RESIDENT_ID_PURPOSE
from lianxin.people.models import Person
from lianxin.people.services import (
    household_create,
    person_create,
    person_phone_reveal,
    person_resident_id_reveal,
    person_update,
)
from lianxin.people.tests import factories

FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789X"})


def _person_row(person: Person) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person WHERE id = %s", [person.pk])
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _holds(value, text: str) -> bool:
    if isinstance(value, bytes | bytearray | memoryview):
        return text.encode() in bytes(value)
    return text in str(value)


def _entries(person: Person, action: int) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(person).filter(action=action).order_by("pk"))


# --- personal data at rest -----------------------------------------------------------------


def test_no_column_of_a_person_row_holds_the_clear_resident_id_or_phone(household_a):
    number = factories.resident_id()

    person = person_create(household=household_a, name="王小明", resident_id=number, phone="13912345678")

    row = _person_row(person)
    assert [column for column, value in row.items() if _holds(value, number)] == []
    assert [column for column, value in row.items() if _holds(value, "13912345678")] == []
    assert row["resident_id_masked"] == number[:6] + "********" + number[-4:]
    assert row["phone_masked"] == "139****5678"


def test_stored_ciphertext_decrypts_to_the_normalised_resident_id(household_a):
    number = factories.resident_id()

    person = person_create(household=household_a, name="王小明", resident_id=number.translate(FULL_WIDTH))

    stored = Person.objects.get(pk=person.pk)
    assert crypto.decrypt(stored.resident_id_ciphertext, purpose=RESIDENT_ID_PURPOSE) == number


def test_birth_date_and_gender_come_from_the_resident_id(household_a):
    person = person_create(household=household_a, name="李秀英", resident_id=factories.resident_id(male=False))

    assert person.gender == Person.Gender.FEMALE
    assert str(person.birth_date) == "1980-05-17"


# --- refusals -----------------------------------------------------------------------------


def test_registering_the_same_resident_id_twice_is_refused(household_a, household_b):
    number = factories.resident_id()
    person_create(household=household_a, name="王小明", resident_id=number)

    with pytest.raises(ValidationError) as refused:
        person_create(household=household_b, name="王小明", resident_id=number)

    assert "已登记" in refused.value.message_dict["resident_id"][0]
    assert Person.objects.count() == 1


def test_the_same_resident_id_typed_differently_is_still_a_duplicate(household_a):
    number = next(n for s in range(1000) if (n := factories.resident_id(sequence=s)).endswith("X"))
    person_create(household=household_a, name="王小明", resident_id=number)

    with pytest.raises(ValidationError, match="已登记"):
        person_create(household=household_a, name="王晓明", resident_id=number[:-1].translate(FULL_WIDTH) + "x")


def test_invalid_resident_id_is_refused_on_its_field(household_a):
    with pytest.raises(ValidationError) as refused:
        person_create(household=household_a, name="王小明", resident_id="532621198005170010")

    assert list(refused.value.message_dict) == ["resident_id"]
    assert "校验位不正确" in refused.value.message_dict["resident_id"][0]
    assert not Person.objects.exists()


def test_invalid_phone_is_refused_on_its_field(household_a):
    with pytest.raises(ValidationError) as refused:
        person_create(household=household_a, name="王小明", resident_id=factories.resident_id(), phone="12345")

    assert "手机号码" in refused.value.message_dict["phone"][0]


def test_a_second_household_head_is_refused(household_a, household_b):
    factories.person(household_a, name="王大山", relation=Person.Relation.HEAD)

    with pytest.raises(ValidationError) as refused:
        factories.person(household_a, name="王小山", relation=Person.Relation.HEAD)

    assert "已有户主" in refused.value.message_dict["relation"][0]
    factories.person(household_b, name="李大山", relation=Person.Relation.HEAD)  # another household: fine


def test_making_a_member_head_when_the_household_has_one_is_refused(household_a):
    factories.person(household_a, name="王大山", relation=Person.Relation.HEAD)
    child = factories.person(household_a, name="王小山", relation=Person.Relation.CHILD)

    with pytest.raises(ValidationError, match="已有户主"):
        person_update(person=child, name=child.name, relation=Person.Relation.HEAD, ethnicity="01", keep_phone=True)


def test_households_are_registered_only_in_village_groups(village_a):
    with pytest.raises(DomainError) as refused:
        household_create(village_group=village_a, number="H1")

    assert refused.value.field == "village_group"
    assert "村民小组" in refused.value.message


# --- audit trail --------------------------------------------------------------------------


def test_registering_a_person_is_audited_with_the_actor_and_without_secrets(household_a, village_a_clerk):
    number = factories.resident_id()

    person = person_create(
        household=household_a, name="王小明", resident_id=number, phone="13912345678", actor=village_a_clerk
    )

    [entry] = _entries(person, LogEntry.Action.CREATE)
    assert entry.actor == village_a_clerk
    assert entry.changes_dict["name"][1] == "王小明"
    assert entry.changes_dict["resident_id_masked"][1] == person.resident_id_masked
    assert not {"resident_id_ciphertext", "resident_id_digest", "phone_ciphertext"} & set(entry.changes_dict)
    serialized = json.dumps(entry.changes, ensure_ascii=False) + str(entry.serialized_data or "")
    assert number not in serialized
    assert "13912345678" not in serialized
    assert person.resident_id_digest not in serialized


def test_correcting_a_person_audits_old_and_new_values(person_a, village_a_clerk):
    person_update(
        person=person_a,
        name="王晓明",
        relation=Person.Relation.HEAD,
        ethnicity=person_a.ethnicity,
        keep_phone=True,
        actor=village_a_clerk,
    )

    [entry] = _entries(person_a, LogEntry.Action.UPDATE)
    assert entry.actor == village_a_clerk
    assert entry.changes_dict["name"] == ["王小明", "王晓明"]
    assert entry.changes_dict["relation"] == ["other", "head"]


def test_correcting_a_resident_id_audits_only_the_masked_forms(person_a, village_a_clerk):
    old_masked = person_a.resident_id_masked
    new_number = factories.resident_id()

    person_update(
        person=person_a,
        name=person_a.name,
        relation=person_a.relation,
        ethnicity=person_a.ethnicity,
        resident_id=new_number,
        keep_phone=True,
        actor=village_a_clerk,
    )

    [entry] = _entries(person_a, LogEntry.Action.UPDATE)
    assert entry.changes_dict["resident_id_masked"] == [old_masked, new_number[:6] + "********" + new_number[-4:]]
    assert not {"resident_id_ciphertext", "resident_id_digest"} & set(entry.changes_dict)
    assert new_number not in json.dumps(entry.changes, ensure_ascii=False)


def test_blank_resident_id_on_correction_keeps_the_stored_one(person_a):
    before = Person.objects.get(pk=person_a.pk)

    person_update(person=person_a, name="王晓明", relation=person_a.relation, ethnicity="01", keep_phone=True)

    after = Person.objects.get(pk=person_a.pk)
    assert after.resident_id_digest == before.resident_id_digest
    assert after.phone_masked == "139****5678"


# --- revealing the full number ------------------------------------------------------------


@pytest.mark.parametrize("role", ["town_admin", "working_group_member"])
def test_revealing_a_resident_id_is_audited_twice(request, role, person_a):
    actor = request.getfixturevalue(role)

    number = person_resident_id_reveal(person=person_a, actor=actor)

    assert number[:6] + "********" + number[-4:] == person_a.resident_id_masked
    [entry] = _entries(person_a, LogEntry.Action.ACCESS)
    assert entry.actor == actor
    assert number not in json.dumps(entry.changes, ensure_ascii=False)
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).get()
    assert event.username == actor.username
    assert event.detail == {"model": "people.person", "object_id": person_a.pk}


@pytest.mark.parametrize("role", ["village_a_clerk", "system_admin", "outsider"])
def test_revealing_without_the_permission_is_refused_and_leaves_no_reveal_record(request, role, person_a):
    actor = request.getfixturevalue(role)

    with pytest.raises(DomainError) as refused:
        person_resident_id_reveal(person=person_a, actor=actor)

    assert refused.value.code == "permission_denied"
    assert "没有查看完整身份证号码的权限" in refused.value.message
    assert _entries(person_a, LogEntry.Action.ACCESS) == []
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ID_REVEAL).exists()


def test_revealing_a_phone_number_is_audited(person_a, town_admin):
    assert person_phone_reveal(person=person_a, actor=town_admin) == "13912345678"

    assert len(_entries(person_a, LogEntry.Action.ACCESS)) == 1
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.ID_REVEAL).detail["field"] == "phone"


def test_revealing_a_phone_number_needs_the_permission(person_a, village_a_clerk):
    with pytest.raises(DomainError, match="手机号码"):
        person_phone_reveal(person=person_a, actor=village_a_clerk)
