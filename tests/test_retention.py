"""Retention and purge of personal data (issue 16): each data class is anonymised once past its period, and
nothing else — the audit trail and the security events are never touched."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import security_events_verify
from lianxin.cases.models import Case
from lianxin.cases.services import integrity_report_track
from lianxin.cases.tests import factories as case_factories
from lianxin.core import retention
from lianxin.core.errors import DomainError
from lianxin.core.models import PurgeRun
from lianxin.imports.models import ImportBatch
from lianxin.land import services as land_services
from lianxin.land.models import BankAccountRestriction, Payment
from lianxin.land.tests import factories as land_factories
from lianxin.people import services as people_services
from lianxin.people.identity import resident_id_digest
from lianxin.people.models import PURGED_MARK, Person

NOW = timezone.now
TODAY = timezone.localdate


def _depart(person, actor, days_ago: int, status=Person.Status.MOVED_OUT):
    return people_services.person_departure_record(
        person=person, status=status, left_on=TODAY() - timedelta(days=days_ago), actor=actor
    )


def _run():
    return retention.purge_run(trigger=PurgeRun.Trigger.COMMAND)


# --- persons who moved out or died --------------------------------------------------------------------


def test_a_person_past_the_period_after_moving_out_loses_id_and_phone_and_shows_the_mark(
    person_a, person_b, town_admin, working_group_member
):
    # given person A moved out four years ago (default period 3 years), person B died last month
    number = people_services.person_resident_id_reveal(person=person_a, actor=town_admin)
    _depart(person_a, working_group_member, 4 * 365)
    _depart(person_b, working_group_member, 30, status=Person.Status.DECEASED)

    # when the purge runs
    run = _run()

    # then A's ID and phone are gone (ciphertext, index, masks), B's are kept
    person_a.refresh_from_db()
    assert run.counts["people.departed_persons"] == 1
    assert bytes(person_a.resident_id_ciphertext) == b""
    assert person_a.phone_ciphertext is None
    assert person_a.resident_id_masked == PURGED_MARK
    assert person_a.phone_masked == PURGED_MARK
    assert not Person.objects.filter(resident_id_digest=resident_id_digest(number)).exists()
    with pytest.raises(DomainError, match="已按规定清除"):
        people_services.person_resident_id_reveal(person=person_a, actor=town_admin)
    person_b.refresh_from_db()
    assert not person_b.is_purged
    assert people_services.person_resident_id_reveal(person=person_b, actor=town_admin)


def test_a_registered_person_is_never_purged_and_departure_needs_a_date(person_a, working_group_member, system_admin):
    with pytest.raises(DomainError, match="迁出或死亡日期"):
        people_services.person_departure_record(
            person=person_a, status=Person.Status.MOVED_OUT, left_on=None, actor=working_group_member
        )
    retention.retention_rule_set(key="people.departed_persons", days=0, actor=system_admin)

    assert _run().counts["people.departed_persons"] == 0
    person_a.refresh_from_db()
    assert not person_a.is_purged


# --- the rule page, the preview, idempotence ---------------------------------------------------------------


def test_the_administrators_period_decides_and_a_second_run_changes_nothing(
    person_a, person_b, working_group_member, system_admin
):
    # given both moved out 100 days ago: within the default 3 years
    _depart(person_a, working_group_member, 100)
    _depart(person_b, working_group_member, 100)
    preview = {row.data_class.key: row for row in retention.purge_preview()}
    assert preview["people.departed_persons"].count == 0

    # when the administrator shortens the period to 90 days
    retention.retention_rule_set(key="people.departed_persons", days=90, actor=system_admin)
    preview = {row.data_class.key: row for row in retention.purge_preview()}

    # then the preview shows both, masked; the first run purges them, the second nothing
    row = preview["people.departed_persons"]
    assert row.count == 2
    assert len(row.samples) == 2
    assert all(person_a.name not in sample for sample in row.samples)
    first, second = _run(), _run()
    assert first.counts["people.departed_persons"] == 2
    assert second.counts["people.departed_persons"] == 0
    assert LogEntry.objects.filter(
        content_type__model="retentionrule", actor=system_admin
    ).exists()  # the change of period is audited


def test_only_the_system_administrator_changes_periods(working_group_member):
    with pytest.raises(DomainError, match="权限"):
        retention.retention_rule_set(key="people.departed_persons", days=1, actor=working_group_member)


def test_a_bad_period_is_refused_with_its_field(system_admin):
    with pytest.raises(DomainError) as caught:
        retention.retention_rule_set(key="people.departed_persons", days=-1, actor=system_admin)
    assert caught.value.field == "days"


def test_the_page_shows_counts_and_runs_the_purge_for_the_administrator_only(
    login_as, system_admin, working_group_member, person_a
):
    _depart(person_a, working_group_member, 4 * 365)
    assert login_as(working_group_member).get(reverse("core:retention")).status_code == 403

    client = login_as(system_admin)
    page = client.get(reverse("core:retention"))
    assert page.status_code == 200
    assert "迁出或死亡人员的身份证号码和手机号码" in page.content.decode()
    assert person_a.resident_id_masked in page.content.decode()  # the preview row, masked
    response = client.post(reverse("core:retention-purge"))
    assert response.status_code == 302
    run = PurgeRun.objects.get()
    assert run.trigger == PurgeRun.Trigger.PAGE
    assert run.actor == system_admin
    assert run.total == 1
    saved = client.post(reverse("core:retention"), {"data_class": "people.departed_persons", "days": "30"})
    assert saved.status_code == 302
    assert retention.retention_days("people.departed_persons") == 30


def test_dry_run_command_purges_nothing(person_a, working_group_member, capsys):
    _depart(person_a, working_group_member, 4 * 365)

    call_command("purge_personal_data", "--dry-run")

    out = capsys.readouterr().out
    assert "people.departed_persons: 1" in out
    person_a.refresh_from_db()
    assert not person_a.is_purged
    assert not PurgeRun.objects.exists()


# --- the audit trail and the security events ---------------------------------------------------------------


def test_the_purge_never_touches_the_audit_trail_or_the_security_events(person_a, town_admin, working_group_member):
    # given an audited reveal (an audit entry and a security event) long ago, and a person past the period
    people_services.person_resident_id_reveal(person=person_a, actor=town_admin)
    _depart(person_a, working_group_member, 4 * 365)
    audit_before = list(LogEntry.objects.order_by("pk").values_list("pk", "changes", "timestamp"))
    events_before = list(SecurityEvent.objects.order_by("sequence").values_list("sequence", "hash"))

    # when every period is zero and the purge runs
    for klass in retention.data_classes():
        retention.RetentionRule.objects.update_or_create(data_class=klass.key, defaults={"days": 0})
    run = _run()

    # then every earlier entry and event is still there, unchanged; the run added its own and the chain holds
    assert run.total >= 1
    audit_after = list(LogEntry.objects.order_by("pk").values_list("pk", "changes", "timestamp"))
    assert audit_after[: len(audit_before)] == audit_before
    events_after = list(SecurityEvent.objects.order_by("sequence").values_list("sequence", "hash"))
    assert events_after[: len(events_before)] == events_before
    last = SecurityEvent.objects.order_by("-sequence").first()
    assert last.kind == SecurityEvent.Kind.PERSONAL_DATA_PURGED
    assert last.detail["purge_run"] == run.pk
    assert security_events_verify() == []


# --- bank accounts: payments stay append-only -----------------------------------------------------------------


@pytest.fixture
def paid_long_ago(town, group_a1, household_a, person_a, working_group_member):
    project = land_factories.project(town)
    land_factories.township_standards(town)
    parcel = land_factories.parcel(project, group_a1, area_mu="10")
    holding = land_factories.holding(parcel, household_a)
    agreement = land_factories.agreement(
        project, household_a, [holding], working_group_member, signed_on=TODAY() - timedelta(days=6 * 365)
    )
    payment = land_services.payment_record(
        agreement=agreement,
        amount=Decimal("1000"),
        paid_on=TODAY() - timedelta(days=6 * 365),
        voucher_no="记-0001",
        payee_name="王小明",
        bank_account="6228480123456789012",
        actor=working_group_member,
    )
    return agreement, payment


def test_a_bank_account_past_the_period_is_no_longer_revealed_and_the_payment_row_is_unchanged(
    paid_long_ago, working_group_member
):
    _agreement, payment = paid_long_ago
    assert land_services.bank_account_reveal(payment=payment, actor=working_group_member) == "6228480123456789012"
    row_before = Payment.objects.filter(pk=payment.pk).values().get()

    run = _run()

    assert run.counts["land.bank_accounts"] == 1
    assert BankAccountRestriction.objects.filter(payment=payment).exists()
    assert Payment.objects.filter(pk=payment.pk).values().get() == row_before  # append-only: not rewritten
    with pytest.raises(DomainError, match="停止处理"):
        land_services.bank_account_reveal(payment=payment, actor=working_group_member)
    assert _run().counts["land.bank_accounts"] == 0
    # and the database still refuses to rewrite a payment
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE land_payment SET bank_account_ciphertext = NULL WHERE id = %s", [payment.pk])


def test_a_recent_payment_keeps_every_account_of_its_agreement(paid_long_ago, working_group_member):
    agreement, payment = paid_long_ago
    land_services.payment_record(
        agreement=agreement,
        amount=Decimal("500"),
        paid_on=TODAY(),
        voucher_no="记-0002",
        payee_name="王小明",
        bank_account="6228480123456789012",
        actor=working_group_member,
    )

    assert _run().counts["land.bank_accounts"] == 0


# --- integrity reporters ------------------------------------------------------------------------------------


def _finish(case, days_ago: int):
    when = NOW() - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(state=Case.State.CLOSED, resolved_at=when, closed_at=when)


def test_reporters_contacts_go_a_year_after_closure_and_the_tracking_code_stops(village_a, make_user):
    named, _code, _pw = case_factories.integrity_report(
        region=village_a, anonymous=False, reporter_name="张举报", reporter_phone="13800001111"
    )
    anonymous, code, passphrase = case_factories.integrity_report(region=village_a)
    recent, _c, _p = case_factories.integrity_report(region=village_a, anonymous=False, reporter_name="李近期")
    _finish(named, 400)
    _finish(anonymous, 400)
    _finish(recent, 10)
    assert integrity_report_track(code=code, passphrase=passphrase) is not None

    run = _run()

    assert run.counts["cases.reporter_contacts"] == 2
    named.refresh_from_db()
    recent.refresh_from_db()
    assert named.reporter_name == PURGED_MARK
    assert named.reporter_phone == PURGED_MARK
    assert recent.reporter_name == "李近期"
    assert integrity_report_track(code=code, passphrase=passphrase) is None
    assert named.title
    assert named.description


# --- uploaded files -------------------------------------------------------------------------------------------


def test_uploaded_originals_go_after_the_period_from_the_commit(working_group_member):
    old = ImportBatch.objects.create(
        ledger="persons",
        user=working_group_member,
        file_name="户籍.xlsx",
        checksum="a" * 64,
        status=ImportBatch.Status.COMMITTED,
        committed_at=NOW() - timedelta(days=40),
    )
    old.file.save("old.xlsx", ContentFile(b"x"))
    new = ImportBatch.objects.create(
        ledger="persons",
        user=working_group_member,
        file_name="户籍2.xlsx",
        checksum="b" * 64,
        status=ImportBatch.Status.COMMITTED,
        committed_at=NOW() - timedelta(days=5),
    )
    new.file.save("new.xlsx", ContentFile(b"y"))

    run = _run()

    old.refresh_from_db()
    new.refresh_from_db()
    assert run.counts["imports.uploaded_files"] == 1
    assert not old.file
    assert old.file_deleted_at is not None
    assert old.file_name == "户籍.xlsx"
    assert new.file


def test_a_cadre_records_a_move_out_on_the_person_page(login_as, village_a_clerk, village_b_clerk, person_a, person_b):
    client = login_as(village_a_clerk)
    url = reverse("people:person-departure", args=[person_a.pk])

    refused = client.post(url, {"status": Person.Status.MOVED_OUT, "left_on": ""})
    saved = client.post(url, {"status": Person.Status.MOVED_OUT, "left_on": "2025-03-01"})
    other = client.post(
        reverse("people:person-departure", args=[person_b.pk]), {"status": "deceased", "left_on": "2025-03-01"}
    )

    assert refused.status_code == 400
    assert "请填写迁出或死亡日期" in refused.content.decode()
    assert saved.status_code == 302
    person_a.refresh_from_db()
    assert person_a.status == Person.Status.MOVED_OUT
    assert str(person_a.left_on) == "2025-03-01"
    assert other.status_code == 404  # another village's person
    assert "已迁出" in client.get(reverse("people:person-detail", args=[person_a.pk])).content.decode()
