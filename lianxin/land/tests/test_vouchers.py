"""A payment voucher number is used once per project; a reversal references the original instead of reusing
its number. The service says so in Chinese, the database refuses it too (issue 10, item 6)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lianxin.core.errors import DomainError
from lianxin.imports.services import batch_check, batch_upload
from lianxin.imports.tests.workbooks import xlsx_from_rows
from lianxin.land import services
from lianxin.land.models import Payment

from . import factories

TODAY = timezone.localdate


def pay(agreement, amount, actor, voucher):
    return services.payment_record(
        agreement=agreement,
        amount=Decimal(amount),
        paid_on=TODAY(),
        voucher_no=voucher,
        payee_name="王小明",
        actor=actor,
    )


@pytest.fixture
def second(land_project, group_a1, household_b, working_group_member, signed):
    parcel = factories.parcel(land_project, group_a1, area_mu="2")
    return factories.agreement(
        land_project, household_b, [factories.holding(parcel, household_b)], working_group_member
    )


def test_the_same_voucher_twice_on_one_agreement_is_refused(signed, working_group_member):
    agreement, _parcel = signed
    pay(agreement, "1000", working_group_member, "记-202603-0001")
    with pytest.raises(DomainError) as exc:
        pay(agreement, "1000", working_group_member, "记-202603-0001")
    assert exc.value.field == "voucher_no"
    assert "凭证号记-202603-0001在本项目中已使用" in exc.value.message
    assert "1,000.00元" in exc.value.message
    assert Payment.objects.count() == 1


def test_a_voucher_is_unique_in_the_project_not_only_the_agreement(signed, second, working_group_member, town):
    agreement, _parcel = signed
    pay(agreement, "1000", working_group_member, "记-7")
    with pytest.raises(DomainError, match="已使用"):
        pay(second, "1000", working_group_member, "记-7")
    # another project keeps its own numbering
    other = factories.project(town, name="另一项目")
    other_parcel = factories.parcel(other, second.village_group, area_mu="1")
    other_agreement = factories.agreement(
        other, second.household, [factories.holding(other_parcel, second.household)], working_group_member
    )
    assert pay(other_agreement, "100", working_group_member, "记-7").voucher_no == "记-7"


def test_a_reversal_references_the_original_and_does_not_reuse_its_number(signed, working_group_member, login_as):
    agreement, _parcel = signed
    original = pay(agreement, "1000", working_group_member, "记-9")
    reversal = services.payment_reverse(payment=original, reason="金额录错", actor=working_group_member)
    assert reversal.voucher_no == ""
    assert (reversal.reverses, reversal.voucher_reference) == (original, "记-9")
    # the reversal shows under the original's number on the list
    html = login_as(working_group_member).get(reverse("land:payment-list")).content.decode()
    assert html.count("记-9") == 2


def test_the_database_refuses_a_duplicate_voucher_too(signed, working_group_member):
    agreement, _parcel = signed
    first = pay(agreement, "1000", working_group_member, "记-3")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            agreement=agreement,
            project_id=first.project_id,
            village_group_id=first.village_group_id,
            amount=Decimal("5"),
            paid_on=TODAY(),
            voucher_no="记-3",
            payee_name="x",
            recorded_by=working_group_member,
        )


def test_the_payment_form_names_the_rule(signed, working_group_member, login_as):
    agreement, _parcel = signed
    pay(agreement, "1000", working_group_member, "记-5")
    response = login_as(working_group_member).post(
        reverse("land:payment-record", args=[agreement.pk]),
        {"amount": "2000", "paid_on": TODAY().isoformat(), "voucher_no": "记-5", "payee_name": "王小明"},
    )
    assert response.status_code == 400
    assert "凭证号记-5在本项目中已使用" in response.content.decode()


def test_an_import_row_reusing_a_voucher_of_another_agreement_is_rejected(
    tmp_path, signed, second, working_group_member
):
    agreement, _parcel = signed
    pay(agreement, "1000", working_group_member, "记-11")
    path = xlsx_from_rows(
        tmp_path / "payments.xlsx",
        [
            ["协议编号", "兑付日期", "兑付金额(元)", "凭证号", "收款人"],
            [second.number, TODAY() - timedelta(days=1), "100", "记-11", "李秀英"],
            [second.number, TODAY() - timedelta(days=1), "100", "记-12", "李秀英"],
            [agreement.number, TODAY() - timedelta(days=1), "100", "记-12", "王小明"],
        ],
    )
    with open(path, "rb") as fh:
        batch = batch_upload(user=working_group_member, ledger="land_payments", file=fh, file_name=path.name)
    batch = batch_check(batch=batch)
    assert batch.rejected == 2
    assert "记-11" in str(batch.errors)
    assert "记-12" in str(batch.errors)
