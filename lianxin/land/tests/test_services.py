import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from lianxin.core.errors import DomainError
from lianxin.land import selectors, services
from lianxin.land.models import Compensation, Parcel, Payment, PaymentAppendOnly, Unit
from lianxin.people.models import Person
from lianxin.people.tests import factories as people_factories

from . import factories

TODAY = timezone.localdate


_vouchers = itertools.count(1)


def pay(agreement, amount, actor, **kw):
    kw.setdefault("paid_on", TODAY())
    kw.setdefault("voucher_no", f"记-{next(_vouchers):04d}")
    kw.setdefault("payee_name", "王小明")
    return services.payment_record(agreement=agreement, amount=Decimal(amount), actor=actor, **kw)


# --- standards ------------------------------------------------------------------------------------


def test_agreement_items_use_the_standards_in_force_on_the_signing_date(
    town, land_project, group_a1, household_a, working_group_member
):
    # given an old price until the end of 2024 and a new one from 2025
    services.standard_create(
        region=town,
        item=Compensation.LAND_COMPENSATION,
        unit=Unit.MU,
        unit_price=Decimal("20000"),
        effective_from=date(2020, 1, 1),
        effective_to=date(2024, 12, 31),
    )
    services.standard_create(
        region=town,
        item=Compensation.LAND_COMPENSATION,
        unit=Unit.MU,
        unit_price=Decimal("36000"),
        effective_from=date(2025, 1, 1),
    )
    old_parcel, new_parcel = factories.parcel(land_project, group_a1), factories.parcel(land_project, group_a1)
    old_holding, new_holding = factories.holding(old_parcel, household_a), factories.holding(new_parcel, household_a)
    # when agreements are signed on either side of the change
    before = factories.agreement(
        land_project, household_a, [old_holding], working_group_member, signed_on=date(2024, 12, 31)
    )
    after = factories.agreement(
        land_project, household_a, [new_holding], working_group_member, signed_on=date(2025, 1, 1)
    )
    # then each uses its own day's price
    assert before.items.get().unit_price == Decimal("20000")
    assert before.total_amount == Decimal("200000.00")
    assert after.total_amount == Decimal("360000.00")


def test_village_standard_overrides_township_and_class_specific_overrides_general(
    town, village_a, land_project, group_a1, standards
):
    paddy = factories.land_class("0101")
    services.standard_create(
        region=village_a,
        item=Compensation.LAND_COMPENSATION,
        unit=Unit.MU,
        unit_price=Decimal("32000"),
        effective_from=date(2021, 1, 1),
    )
    services.standard_create(
        region=village_a,
        item=Compensation.LAND_COMPENSATION,
        unit=Unit.MU,
        unit_price=Decimal("40000"),
        effective_from=date(2021, 1, 1),
        land_class=paddy,
    )
    on = date(2025, 6, 1)
    item = Compensation.LAND_COMPENSATION
    assert services.standard_in_force(village_group=group_a1, item=item, on=on).unit_price == Decimal("32000")
    found = services.standard_in_force(village_group=group_a1, item=item, on=on, land_class=paddy)
    assert found.unit_price == Decimal("40000")
    assert services.standard_in_force(village_group=group_a1, item=item, on=date(2020, 6, 1)).region == town


def test_overlapping_standard_ranges_are_refused(town, standards):
    with pytest.raises(DomainError) as exc:
        services.standard_create(
            region=town,
            item=Compensation.LAND_COMPENSATION,
            unit=Unit.MU,
            unit_price=Decimal("1"),
            effective_from=date(2025, 1, 1),
        )
    assert exc.value.code == "overlap"
    # ending the old range first makes room
    old = next(s for s in standards if s.item == Compensation.LAND_COMPENSATION)
    services.standard_end(standard=old, effective_to=date(2024, 12, 31))
    services.standard_create(
        region=town,
        item=Compensation.LAND_COMPENSATION,
        unit=Unit.MU,
        unit_price=Decimal("1"),
        effective_from=date(2025, 1, 1),
    )


def test_a_later_standard_change_never_rewrites_a_signed_agreement(signed, standards):
    agreement, _parcel = signed
    old = next(s for s in standards if s.item == Compensation.LAND_COMPENSATION)
    services.standard_end(standard=old, effective_to=TODAY() - timedelta(days=1))
    services.standard_create(
        region=old.region, item=old.item, unit=Unit.MU, unit_price=Decimal("99999"), effective_from=TODAY()
    )
    agreement.refresh_from_db()
    assert agreement.total_amount == Decimal("550000.00")
    assert agreement.items.get(item=Compensation.LAND_COMPENSATION).unit_price == Decimal("30000")


def test_agreement_without_a_land_compensation_standard_is_refused_and_nothing_is_written(
    land_project, group_a1, household_a, working_group_member
):
    holding = factories.holding(factories.parcel(land_project, group_a1), household_a)
    with pytest.raises(DomainError) as exc:
        factories.agreement(land_project, household_a, [holding], working_group_member)
    assert "土地补偿费" in exc.value.message
    holding.refresh_from_db()
    assert holding.agreement_id is None


# --- agreements -----------------------------------------------------------------------------------


def test_agreement_counts_share_attachments_and_supplement(
    land_project, standards, group_a1, household_a, household_b, working_group_member
):
    parcel = factories.parcel(land_project, group_a1, area_mu="8")
    mine = factories.holding(parcel, household_a, share="25")
    factories.holding(parcel, household_b, share="75")
    agreement = factories.agreement(
        land_project,
        household_a,
        [mine],
        working_group_member,
        attachments=[services.AttachmentCount(unit=Unit.TREE, quantity=Decimal("10"), label="核桃树")],
        supplement_amount=Decimal("1000"),
        supplement_reason="房屋拆迁过渡",
    )
    # 2 mu × 55,000 + 10 trees × 80 + 1,000
    assert agreement.items_total == Decimal("110800.00")
    assert agreement.total_amount == Decimal("111800.00")
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.SURVEYED  # household B has not signed yet


def test_supplement_without_reason_is_refused(land_project, standards, group_a1, household_a, working_group_member):
    holding = factories.holding(factories.parcel(land_project, group_a1), household_a)
    with pytest.raises(DomainError) as exc:
        factories.agreement(land_project, household_a, [holding], working_group_member, supplement_amount=Decimal("5"))
    assert exc.value.field == "supplement_reason"


def test_a_holding_is_under_one_agreement_only(signed, household_a, working_group_member, land_project):
    agreement, parcel = signed
    with pytest.raises(DomainError):
        factories.agreement(land_project, household_a, list(parcel.holdings.all()), working_group_member)


def test_shares_of_a_parcel_cannot_exceed_100_percent(land_project, group_a1, household_a, household_b):
    parcel = factories.parcel(land_project, group_a1)
    factories.holding(parcel, household_a, share="60")
    with pytest.raises(DomainError):
        factories.holding(parcel, household_b, share="50")


def test_village_cadre_cannot_sign_without_permission_to_pay(signed, village_a_clerk):
    agreement, _parcel = signed
    with pytest.raises(PermissionDenied):
        pay(agreement, "1", village_a_clerk)


# --- payments -------------------------------------------------------------------------------------


def test_payments_move_parcel_status_to_paid(signed, working_group_member):
    agreement, parcel = signed
    assert parcel.status == Parcel.Status.AGREED
    pay(agreement, "500000", working_group_member)
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.AGREED
    pay(agreement, "50000", working_group_member, voucher_no="记-002")
    parcel.refresh_from_db()
    agreement.refresh_from_db()
    assert parcel.status == Parcel.Status.PAID
    assert agreement.paid_total == Decimal("550000.00")
    assert agreement.fully_paid_on == TODAY()


def test_over_payment_is_refused(signed, working_group_member):
    agreement, _parcel = signed
    pay(agreement, "550000", working_group_member)
    with pytest.raises(DomainError) as exc:
        pay(agreement, "0.01", working_group_member)
    assert exc.value.code == "over_payment"
    assert Payment.objects.count() == 1


def test_supplementary_agreement_raises_the_ceiling(signed, working_group_member):
    agreement, parcel = signed
    pay(agreement, "550000", working_group_member)
    services.supplementary_agreement_add(
        agreement=agreement,
        number="BC-1",
        signed_on=TODAY(),
        amount=Decimal("2000"),
        reason="复核面积增加",
        actor=working_group_member,
    )
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.AGREED  # no longer fully paid
    pay(agreement, "2000", working_group_member)
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.PAID


def test_reversal_corrects_a_payment_once(signed, working_group_member):
    agreement, parcel = signed
    payment = pay(agreement, "550000", working_group_member)
    reversal = services.payment_reverse(payment=payment, reason="金额录错", actor=working_group_member)
    agreement.refresh_from_db()
    parcel.refresh_from_db()
    assert reversal.amount == Decimal("-550000.00")
    assert reversal.reverses == payment
    assert agreement.paid_total == 0
    assert agreement.fully_paid_on is None
    assert parcel.status == Parcel.Status.AGREED
    with pytest.raises(DomainError):
        services.payment_reverse(payment=payment, reason="再冲", actor=working_group_member)
    with pytest.raises(DomainError):
        services.payment_reverse(payment=reversal, reason="冲冲销", actor=working_group_member)


def test_payee_defaults_to_household_head_and_bank_account_is_encrypted(signed, working_group_member, group_a1):
    agreement, _parcel = signed
    people_factories.person(agreement.household, name="王户主", relation=Person.Relation.HEAD)
    payment = services.payment_record(
        agreement=agreement,
        amount=Decimal("100"),
        paid_on=TODAY(),
        voucher_no="记-9",
        bank_account="6228 4801 2345 6789 012",
        actor=working_group_member,
    )
    assert payment.payee_name == "王户主"
    assert payment.bank_account_masked == "6228***********9012"
    assert b"62284801" not in bytes(payment.bank_account_ciphertext)
    assert services.bank_account_reveal(payment=payment, actor=working_group_member) == "6228480123456789012"


def test_payments_are_append_only_in_the_service_and_the_model(signed, working_group_member):
    agreement, _parcel = signed
    payment = pay(agreement, "100", working_group_member)
    with pytest.raises(DomainError):
        services.payment_update(payment=payment, amount=Decimal("1"))
    with pytest.raises(DomainError):
        services.payment_delete(payment=payment)
    payment.amount = Decimal("1")
    with pytest.raises(PaymentAppendOnly):
        payment.save()
    with pytest.raises(PaymentAppendOnly):
        payment.delete()


@pytest.mark.parametrize("statement", ["UPDATE land_payment SET amount = 1", "DELETE FROM land_payment"])
def test_database_refuses_update_and_delete_of_payments(signed, working_group_member, statement):
    agreement, _parcel = signed
    pay(agreement, "100", working_group_member)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Payment.objects.get().amount == Decimal("100.00")


def test_database_refuses_paid_total_above_agreed_total(signed):
    agreement, _parcel = signed
    from lianxin.land.models import Agreement

    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(paid_total=agreement.total_amount + 1)


# --- hand-over ------------------------------------------------------------------------------------


def test_handover_needs_every_holder_fully_paid(
    land_project, standards, group_a1, household_a, household_b, working_group_member
):
    parcel = factories.parcel(land_project, group_a1, area_mu="10")
    a = factories.holding(parcel, household_a, share="50")
    b = factories.holding(parcel, household_b, share="50")
    agreement_a = factories.agreement(land_project, household_a, [a], working_group_member)
    pay(agreement_a, agreement_a.total_amount, working_group_member)
    with pytest.raises(DomainError) as exc:
        services.handover_record(parcel=parcel, handed_over_on=TODAY(), actor=working_group_member)
    assert exc.value.code == "not_paid"
    agreement_b = factories.agreement(land_project, household_b, [b], working_group_member)
    pay(agreement_b, agreement_b.total_amount, working_group_member)
    handover = services.handover_record(parcel=parcel, handed_over_on=TODAY(), actor=working_group_member)
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.HANDED_OVER
    assert not handover.is_override


# --- household figures ----------------------------------------------------------------------------


def test_household_land_figures(signed, household_a, person_a, land_project, group_a1):
    people_factories.person(household_a, name="王二")
    services.contract_right_set(household=household_a, contracted_area_mu=Decimal("14"))
    factories.holding(factories.parcel(land_project, group_a1, area_mu="3"), household_a)  # not yet agreed
    figures = selectors.household_land_figures(household_a)
    assert figures.mu_lost == Decimal("10.0000")
    assert figures.remaining_mu == Decimal("4.0000")
    assert figures.members == 2
    assert figures.per_capita_remaining_mu == Decimal("2.0000")
    assert figures.agreed_total == Decimal("550000.00")
