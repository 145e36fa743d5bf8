"""The land ledgers through the import engine: parcels, holders, agreements and payments from Excel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.imports.ledger import ledger_get
from lianxin.imports.models import ImportBatch
from lianxin.imports.services import batch_check, batch_commit, batch_undo, batch_upload
from lianxin.imports.tests.workbooks import xlsx_from_rows
from lianxin.imports.xlsx import template_workbook
from lianxin.land.models import Agreement, ContractHolding, Parcel, Payment

TODAY = timezone.localdate


def _import(user, ledger: str, path, *, commit: bool = True):
    with open(path, "rb") as fh:
        batch = batch_upload(user=user, ledger=ledger, file=fh, file_name=path.name)
    return batch_commit(batch=batch, actor=user) if commit else batch_check(batch=batch)


@pytest.mark.parametrize("key", ["land_parcels", "land_holdings", "land_agreements", "land_payments", "land_roster"])
def test_each_land_ledger_has_a_template(key, tmp_path):
    assert template_workbook(ledger_get(key), title_prefix="示范镇")  # the engine builds it from the spec


def test_parcels_holders_agreements_and_payments_import_in_turn(
    tmp_path, working_group_member, land_project, group_a1, household_a, person_a, standards
):
    name = land_project.name
    parcels = xlsx_from_rows(
        tmp_path / "parcels.xlsx",
        [
            ["项目名称", "地块编号", "村委会", "村民小组", "地类", "测量面积(亩)", "测量日期"],
            [name, "X-1", "甲马石村委会", group_a1.name, "旱地", "2.5", TODAY() - timedelta(days=50)],
            [name, "X-2", "甲马石", group_a1.name, "0103", "1.5", TODAY() - timedelta(days=50)],
        ],
    )
    batch = _import(working_group_member, "land_parcels", parcels)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Parcel.objects.filter(project=land_project).count() == 2
    # re-importing the same file changes nothing
    again = _import(working_group_member, "land_parcels", parcels)
    assert again.unchanged == 2

    holdings = xlsx_from_rows(
        tmp_path / "holdings.xlsx",
        [
            ["项目名称", "地块编号", "村民小组", "户编号", "份额"],
            [name, "X-1", group_a1.name, household_a.number, "100"],
            [name, "X-2", group_a1.name, household_a.number, "100"],
        ],
    )
    assert _import(working_group_member, "land_holdings", holdings).status == ImportBatch.Status.COMMITTED
    assert ContractHolding.objects.filter(household=household_a).count() == 2

    agreements = xlsx_from_rows(
        tmp_path / "agreements.xlsx",
        [
            ["协议编号", "项目名称", "村民小组", "户编号", "地块编号", "签订日期", "林木果树(株)"],
            ["XY-1", name, group_a1.name, household_a.number, "X-1、X-2", TODAY() - timedelta(days=20), 10],
        ],
    )
    assert _import(working_group_member, "land_agreements", agreements).status == ImportBatch.Status.COMMITTED
    agreement = Agreement.objects.get(number="XY-1")
    assert agreement.total_amount == Decimal("220800.00")  # 4 mu × 55,000 + 10 trees × 80

    payments = xlsx_from_rows(
        tmp_path / "payments.xlsx",
        [
            ["协议编号", "兑付日期", "兑付金额(元)", "凭证号", "收款人", "银行账号"],
            ["XY-1", TODAY() - timedelta(days=5), "200000", "记-1", "王小明", "6228480123456789012"],
            ["XY-1", TODAY() - timedelta(days=4), "20800", "记-2", "王小明", ""],
        ],
    )
    batch = _import(working_group_member, "land_payments", payments)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    agreement.refresh_from_db()
    assert agreement.is_fully_paid
    assert set(Parcel.objects.values_list("status", flat=True)) == {Parcel.Status.PAID}
    assert _import(working_group_member, "land_payments", payments).unchanged == 2


def test_payment_import_refuses_over_payment_in_the_dry_run(tmp_path, working_group_member, signed):
    agreement, _parcel = signed
    path = xlsx_from_rows(
        tmp_path / "payments.xlsx",
        [
            ["协议编号", "兑付日期", "兑付金额(元)", "凭证号", "收款人"],
            [agreement.number, TODAY(), "500000", "记-1", "王小明"],
            [agreement.number, TODAY(), "60000", "记-2", "王小明"],
        ],
    )
    batch = _import(working_group_member, "land_payments", path, commit=False)
    assert batch.rejected == 1
    assert "超过协议总金额" in str(batch.errors)
    assert not Payment.objects.exists()


def test_village_cadre_cannot_import_payments(tmp_path, village_a_clerk, signed):
    from django.core.exceptions import PermissionDenied

    path = xlsx_from_rows(tmp_path / "p.xlsx", [["协议编号", "兑付日期", "兑付金额", "凭证号"]])
    with pytest.raises(PermissionDenied), open(path, "rb") as fh:
        batch_upload(user=village_a_clerk, ledger="land_payments", file=fh, file_name="p.xlsx")


def test_undoing_a_payment_import_appends_reversals(tmp_path, working_group_member, make_user, town, signed):
    agreement, _parcel = signed
    path = xlsx_from_rows(
        tmp_path / "payments.xlsx",
        [
            ["协议编号", "兑付日期", "兑付金额(元)", "凭证号", "收款人"],
            [agreement.number, TODAY(), "1000", "记-1", "王小明"],
        ],
    )
    batch = _import(working_group_member, "land_payments", path)
    admin = make_user("undo_admin", Role.SYSTEM_ADMIN, scope_region=town)
    batch_undo(batch=batch, actor=admin)
    agreement.refresh_from_db()
    assert agreement.paid_total == 0
    assert Payment.objects.count() == 2  # the payment and its reversal; nothing deleted
