from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import audit_access, audit_batch, security_event_record
from lianxin.core import crypto
from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.core.household_changes import households_changed
from lianxin.regions.models import Region

from .identity import (
    PHONE_PURPOSE,
    RESIDENT_ID_PURPOSE,
    mask_mobile,
    mobile_normalize,
    name_normalize,
    resident_id_digest,
    resident_id_digests,
    resident_id_parse,
)
from .models import PURGED_MARK, Household, Person


def household_create(*, village_group: Region, number: str = "", address: str = "", actor=None) -> Household:
    """Register a household (户) in a village group."""
    if village_group.level != Region.Level.VILLAGE_GROUP:
        raise DomainError(_("户必须登记在村民小组下"), field="village_group")
    household = Household(village_group=village_group, number=number.strip(), address=address.strip())
    household.full_clean(exclude=["village_group"])  # the group instance is in hand; no lookup needed
    if household.number and Household.objects.filter(village_group=village_group, number=household.number).exists():
        raise ValidationError({"number": _("本村民小组已有户编号%(number)s") % {"number": household.number}})
    with transaction.atomic(), acting_as(actor):
        household.save()
    return household


def household_update(*, household: Household, number: str, address: str, actor=None) -> Household:
    household.number, household.address = number.strip(), address.strip()
    household.full_clean()
    with transaction.atomic(), acting_as(actor):
        household.save()
    return household


def _set_resident_id(person: Person, value: str, *, check_duplicate: bool = True) -> None:
    try:
        parsed = resident_id_parse(value)
    except ValidationError as exc:
        raise ValidationError({"resident_id": exc.messages}) from exc
    digest = resident_id_digest(parsed.number)
    person._lookup_digests = resident_id_digests(parsed.number)  # a key rotation: every index key
    duplicates = Person.objects.filter(resident_id_digest__in=person._lookup_digests).exclude(pk=person.pk)
    if check_duplicate and duplicates.exists():
        raise ValidationError({"resident_id": _("该身份证号码已登记,不能重复登记")})
    person.resident_id_ciphertext = crypto.encrypt(parsed.number, purpose=RESIDENT_ID_PURPOSE)
    person.resident_id_digest = digest
    person.resident_id_masked = parsed.masked
    person.birth_date = parsed.birth_date
    person.gender = parsed.gender


def _set_phone(person: Person, value: str | None) -> None:
    if not value:
        person.phone_ciphertext, person.phone_masked = None, ""
        return
    try:
        number = mobile_normalize(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    person.phone_ciphertext = crypto.encrypt(number, purpose=PHONE_PURPOSE)
    person.phone_masked = mask_mobile(number)


def _check_head(person: Person) -> None:
    if person.relation != Person.Relation.HEAD:
        return
    if Person.objects.filter(household=person.household, relation=Person.Relation.HEAD).exclude(pk=person.pk).exists():
        raise ValidationError({"relation": _("该户已有户主,一户只能有一位户主")})


def _save_person(person: Person, actor) -> Person:
    # Uniqueness (resident ID, one head per household) was checked above with clear messages and is
    # enforced again by the database; full_clean need not repeat those queries.
    person.full_clean(
        exclude=["household", "resident_id_ciphertext", "phone_ciphertext"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic(), acting_as(actor):
            person.save()
            households_changed([person.household_id])  # figures kept per household (the landless register)
    except IntegrityError as exc:  # a concurrent write got there first: say which rule it broke
        _check_head(person)
        raise ValidationError({"resident_id": _("该身份证号码已登记,不能重复登记")}) from exc
    return person


def person_create(
    *,
    household: Household,
    name: str,
    resident_id: str,
    relation: str = Person.Relation.OTHER,
    ethnicity: str = "01",
    phone: str | None = None,
    actor=None,
) -> Person:
    """Register a person; the resident ID is validated (GB 11643), encrypted and indexed, never stored in clear."""
    person = Person(household=household, name=name_normalize(name), relation=relation, ethnicity=ethnicity)
    _set_resident_id(person, resident_id)
    _set_phone(person, phone)
    _check_head(person)
    return _save_person(person, actor)


def household_members_register(*, household: Household, members: list[dict], actor=None) -> list[Person]:
    """Register a whole family at once (建户登记): every member is validated like ``person_create``, then all
    are written in one statement with one audit entry on the household. Nothing is written if any member fails."""
    people: list[Person] = []
    seen: set[str] = set()
    errors: dict[str, list[str]] = {}
    for index, data in enumerate(members, start=1):
        person = Person(
            household=household,
            name=name_normalize(data["name"]),
            relation=data.get("relation", Person.Relation.OTHER),
            ethnicity=data.get("ethnicity", "01"),
        )
        try:
            _set_resident_id(person, data["resident_id"], check_duplicate=False)
            _set_phone(person, data.get("phone"))
            if person.resident_id_digest in seen:
                raise ValidationError({"resident_id": _("同一户中身份证号码重复")})
            person.full_clean(
                exclude=["household", "resident_id_ciphertext", "phone_ciphertext"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                errors.setdefault(field_name, []).extend(
                    _("第%(n)d人:%(message)s") % {"n": index, "message": m} for m in messages
                )
            continue
        seen.add(person.resident_id_digest)
        people.append(person)
    registered = set(
        Person.objects.filter(resident_id_digest__in=[d for p in people for d in p._lookup_digests]).values_list(
            "resident_id_digest", flat=True
        )
    )
    for person in people:
        if registered.intersection(person._lookup_digests):
            errors.setdefault("resident_id", []).append(
                _("%(name)s:该身份证号码已登记,不能重复登记") % {"name": person.name}
            )
    heads = [p for p in people if p.relation == Person.Relation.HEAD]
    if len(heads) > 1 or (heads and household.members.filter(relation=Person.Relation.HEAD).exists()):
        errors.setdefault("relation", []).append(_("该户已有户主,一户只能有一位户主"))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic(), acting_as(actor):
            Person.objects.bulk_create(people)
            households_changed([household.pk])
            audit_batch(instance=household, actor=actor, changes={"members_registered": ["0", str(len(people))]})
    except IntegrityError as exc:
        raise ValidationError({"resident_id": _("该身份证号码已登记,不能重复登记")}) from exc
    return people


def person_update(
    *,
    person: Person,
    name: str,
    relation: str,
    ethnicity: str,
    resident_id: str | None = None,
    phone: str | None = None,
    keep_phone: bool = False,
    actor=None,
) -> Person:
    """Correct a person's record. A blank resident ID keeps the stored one; ``keep_phone`` keeps the phone."""
    person.name, person.relation, person.ethnicity = name_normalize(name), relation, ethnicity
    if resident_id:
        _set_resident_id(person, resident_id)
    if not keep_phone:
        _set_phone(person, phone)
    _check_head(person)
    return _save_person(person, actor)


def person_resident_id_reveal(*, person: Person, actor) -> str:
    """The full resident ID, for a user holding the reveal permission; every reveal is audited (查看完整身份证号)."""
    if not actor.has_perm("people.reveal_resident_id"):
        raise DomainError(_("您没有查看完整身份证号码的权限"), code="permission_denied")
    if person.is_purged:
        raise DomainError(_("该人员的身份证号码已超过保存期限,已按规定清除"), code="purged")
    number = crypto.decrypt(person.resident_id_ciphertext, purpose=RESIDENT_ID_PURPOSE)
    audit_access(instance=person, actor=actor, what="resident_id")
    security_event_record(
        kind=SecurityEvent.Kind.ID_REVEAL,
        user=actor,
        detail={"model": "people.person", "object_id": person.pk},
    )
    return number


def person_phone_reveal(*, person: Person, actor) -> str:
    """The full mobile number, under the same permission and audit as the resident ID."""
    if not actor.has_perm("people.reveal_resident_id"):
        raise DomainError(_("您没有查看完整手机号码的权限"), code="permission_denied")
    if person.is_purged:
        raise DomainError(_("该人员的手机号码已超过保存期限,已按规定清除"), code="purged")
    if not person.phone_ciphertext:
        return ""
    number = crypto.decrypt(person.phone_ciphertext, purpose=PHONE_PURPOSE)
    audit_access(instance=person, actor=actor, what="phone")
    security_event_record(
        kind=SecurityEvent.Kind.ID_REVEAL,
        user=actor,
        detail={"model": "people.person", "object_id": person.pk, "field": "phone"},
    )
    return number


def person_departure_record(*, person: Person, status: str, left_on: date | None, actor) -> Person:
    """Record that a person moved out or died (迁出、死亡) on ``left_on``, or is registered again; the retention
    period of their resident ID and phone counts from that day (core.retention)."""
    if not actor.has_perm("people.change_person"):
        raise DomainError(_("您没有修改人口信息的权限"), code="permission_denied")
    if status not in Person.Status.values:
        raise DomainError(_("人口状态无效"), field="status")
    if status == Person.Status.REGISTERED:
        left_on = None
    elif left_on is None:
        raise DomainError(_("请填写迁出或死亡日期"), field="left_on")
    elif left_on > timezone.localdate():
        raise DomainError(_("迁出或死亡日期不能晚于今天"), field="left_on")
    person.status, person.left_on = status, left_on
    with transaction.atomic(), acting_as(actor):
        person.save(update_fields=["status", "left_on", "updated_at"])
    return person


def persons_personal_data_purge(*, ids: list[int], now: datetime) -> int:
    """Anonymise the resident ID and phone of these persons (个人信息清除): ciphertexts emptied, the blind index
    replaced by a per-row marker (it stays unique; nothing can be looked up by it), the masked forms by
    ``PURGED_MARK``; also the phone kept for undoing an import. Called by the purge inside its batch's
    transaction; rows already purged or registered again are left alone."""
    from lianxin.imports.models import ImportRecord

    rows = list(
        Person.objects.select_for_update()
        .filter(pk__in=ids, personal_data_purged_at__isnull=True)
        .exclude(status=Person.Status.REGISTERED)
        .only("pk", "phone_masked")
    )
    for person in rows:
        Person.objects.filter(pk=person.pk).update(
            resident_id_ciphertext=b"",
            resident_id_digest=f"purged:{person.pk}",
            resident_id_masked=PURGED_MARK,
            phone_ciphertext=None,
            phone_masked=PURGED_MARK if person.phone_masked else "",
            personal_data_purged_at=now,
            updated_at=now,
        )
    purged = [p.pk for p in rows]
    for record in ImportRecord.objects.select_for_update().filter(
        model="people.person", object_id__in=purged, before__isnull=False
    ):
        before = dict(record.before)
        if before.get("phone_ciphertext"):
            before["phone_ciphertext"], before["phone_masked"] = None, PURGED_MARK
            ImportRecord.objects.filter(pk=record.pk).update(before=before)
    return len(purged)
