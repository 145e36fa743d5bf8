"""The compensation roster (征地补偿花名册, ``land_roster``): holders, agreements and payments in one go (issue 15)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from lianxin.accounts.roles import Role
from lianxin.core.errors import DomainError
from lianxin.imports.models import ImportBatch
from lianxin.imports.services import batch_check, batch_commit, batch_undo, batch_upload
from lianxin.imports.tests.workbooks import xlsx_from_rows
from lianxin.land.models import Agreement, ContractHolding, Parcel, Payment
from lianxin.land.roster import luhn_ok
from lianxin.people.tests import factories as people_factories

from . import factories
from .test_ledger import TODAY

HEADER = [
    "户主姓名",
    "身份证号码",
    "地块编号",
    "征收面积(亩)",
    "地类",
    "补偿标准(元/亩)",
    "补偿金额(元)",
    "银行卡号",
    "签字日期",
    "兑付日期",
]
CARD = "6228480123456789015"  # passes the Luhn check


@pytest.fixture
def head(household_a):
    number = people_factories.resident_id()
    person = people_factories.person(household_a, name="王大山", relation="head", resident_id=number)
    return person, number


@pytest.fixture
def parcels(land_project, group_a1, standards):
    return [
        factories.parcel(land_project, group_a1, area_mu=area, code=code)
        for code, area in (("R-1", "2"), ("R-2", "1.5"))
    ]


def _roster(tmp_path, rows, name="roster.xlsx"):
    return xlsx_from_rows(tmp_path / name, [["示范镇氧化铝项目征地补偿花名册"], HEADER, *rows])


def _import(user, path, project, *, commit=True, mode=ImportBatch.Mode.ALL_OR_NOTHING):
    with open(path, "rb") as fh:
        batch = batch_upload(
            user=user, ledger="land_roster", file=fh, file_name=path.name, mode=mode, options={"project": project.pk}
        )
    return batch_commit(batch=batch, actor=user) if commit else batch_check(batch=batch)


def _good_rows(number, paid=True):
    signed, paid_on = TODAY() - timedelta(days=20), (TODAY() - timedelta(days=5) if paid else None)
    return [
        ["王大山", number, "R-1", "2", "旱地", "55000", "110000", CARD, signed, paid_on],
        ["王大山", number, "R-2", "1.5", "0103", "55000", "82500", CARD, signed, paid_on],
    ]


def test_a_roster_creates_holdings_agreements_and_payments_in_one_go(
    tmp_path, working_group_member, land_project, head, parcels
):
    _person, number = head
    path = _roster(tmp_path, _good_rows(number))
    dry = _import(working_group_member, path, land_project, commit=False)
    assert (dry.rows_read, dry.to_create, dry.rejected) == (2, 2, 0), dry.errors
    assert "192,500.00" in " ".join(dry.header["notes"])  # the dry run states the total
    assert not Agreement.objects.exists()  # a dry run writes nothing

    batch = _import(working_group_member, path, land_project)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    agreements = Agreement.objects.filter(project=land_project).order_by("total_amount")
    assert [a.total_amount for a in agreements] == [Decimal("82500.00"), Decimal("110000.00")]
    assert all(a.paid_total == a.total_amount for a in agreements)
    assert ContractHolding.objects.filter(household=head[0].household, agreement__isnull=False).count() == 2
    payment = Payment.objects.get(agreement=agreements[1])
    assert payment.voucher_no == agreements[1].number  # no voucher column: the agreement number
    assert payment.bank_account_masked == "6228***********9015"
    assert set(Parcel.objects.values_list("status", flat=True)) == {Parcel.Status.PAID}

    again = _import(working_group_member, path, land_project)  # the same roster again changes nothing
    assert (again.unchanged, again.to_create, again.to_update) == (2, 0, 0)
    assert Payment.objects.count() == 2


def test_a_signed_roster_paid_later_appends_the_payments(tmp_path, working_group_member, land_project, head, parcels):
    _person, number = head
    _import(working_group_member, _roster(tmp_path, _good_rows(number, paid=False), "signed.xlsx"), land_project)
    assert Agreement.objects.count() == 2
    assert not Payment.objects.exists()
    batch = _import(working_group_member, _roster(tmp_path, _good_rows(number), "paid.xlsx"), land_project)
    assert (batch.to_update, batch.to_create) == (2, 0)
    assert Payment.objects.count() == 2
    assert all(a.is_fully_paid for a in Agreement.objects.all())


def test_undo_reverses_the_payments_and_removes_what_it_created(
    tmp_path, working_group_member, make_user, town, land_project, head, parcels
):
    _person, number = head
    rows = _good_rows(number)
    rows[1][-1] = None  # the second parcel signed, not paid yet
    batch = _import(working_group_member, _roster(tmp_path, rows), land_project)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    admin = make_user("undo_admin", Role.SYSTEM_ADMIN, scope_region=town)
    batch_undo(batch=batch, actor=admin)
    # the paid agreement keeps its payment and the reversal (append-only); the unpaid one is gone with its share
    paid = Agreement.objects.get()
    assert paid.paid_total == 0
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("-110000.00"), Decimal("110000.00")]
    assert list(ContractHolding.objects.values_list("parcel__code", flat=True)) == ["R-1"]
    assert Parcel.objects.get(code="R-2").status == Parcel.Status.SURVEYED


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({6: "110001"}, "G", "补偿金额为110,001.00元,征收面积2亩×补偿标准55,000.00元/亩=110,000.00元"),
        ({5: "60000", 6: "120000"}, "F", "补偿标准为60,000.00元/亩,签字日期适用的补偿标准合计为55,000.00元/亩"),
        ({0: "王小山"}, "A", "户主姓名为“王小山”,身份证号码登记的户主不是此人"),
        ({2: "R-9"}, "C", "项目中没有编号为R-9的地块"),
        ({4: "水田"}, "E", "地类为“水田”,地块R-1登记的地类为“旱地”"),
        ({3: "3", 6: "165000"}, "D", "征收面积为3亩,超过地块R-1的测量面积2亩"),
        ({7: "62284801234"}, "", ""),  # 11 digits: a passbook account, no check digit — accepted
        ({7: "6228-4801"}, "H", "银行卡号应为8至30位数字"),
        ({9: TODAY() + timedelta(days=3)}, "J", "兑付日期应在签字日期与今天之间"),
    ],
)
def test_a_bad_row_is_rejected_naming_the_values(
    tmp_path, working_group_member, land_project, head, parcels, change, column, message
):
    _person, number = head
    rows = _good_rows(number)
    for index, value in change.items():
        rows[0][index] = value
    batch = _import(working_group_member, _roster(tmp_path, rows), land_project)
    if not message:
        assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
        return
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.rejected == 1
    (error,) = batch.errors
    assert error["row"] == 3
    assert error["column"] == column
    assert message in error["message"]
    assert not Agreement.objects.exists()
    assert not Payment.objects.exists()


def test_a_resident_id_that_is_not_a_head_is_rejected(tmp_path, working_group_member, land_project, head, parcels):
    _person, number = head
    member = people_factories.resident_id()
    people_factories.person(head[0].household, name="王小山", relation="child", resident_id=member)
    rows = _good_rows(number)
    rows[0][:2] = ["王小山", member]
    batch = _import(working_group_member, _roster(tmp_path, rows), land_project, commit=False)
    assert "不是户主" in batch.errors[0]["message"]
    assert member not in str(batch.errors)  # the ID is never echoed in clear


def test_parts_must_add_up_to_the_amount(tmp_path, working_group_member, land_project, head, parcels):
    _person, number = head
    header = [*HEADER[:6], "土地补偿费", "安置补助费", "社会保障费", "合计", *HEADER[7:]]
    signed = TODAY() - timedelta(days=20)
    rows = [
        ["王大山", number, "R-1", "2", "旱地", "55000", "60000", "40000", "10000", "110000", CARD, signed, None],
        ["王大山", number, "R-2", "1.5", "旱地", "55000", "45000", "30000", "7000", "82500", CARD, signed, None],
    ]
    path = xlsx_from_rows(tmp_path / "parts.xlsx", [header, *rows])
    batch = _import(working_group_member, path, land_project, commit=False)
    assert batch.rejected == 1
    (error,) = batch.errors
    assert error["row"] == 3
    assert error["header"] == "合计"
    assert error["message"] == "补偿金额为82,500.00元,土地补偿费+安置补助费+社会保障费之和为82,000.00元"


def test_a_card_number_failing_luhn_is_a_warning(tmp_path, working_group_member, land_project, head, parcels):
    assert luhn_ok(CARD)
    assert not luhn_ok("6228480123456789012")
    _person, number = head
    rows = _good_rows(number)
    rows[0][7] = "6228480123456789012"
    batch = _import(working_group_member, _roster(tmp_path, rows), land_project, commit=False)
    assert batch.rejected == 0
    (warning,) = batch.header["warnings"]
    assert warning["row"] == 3
    assert "校验位" in warning["message"]
    assert "6228480123456789012" not in str(batch.header)


def test_the_project_must_be_chosen_and_in_scope(tmp_path, working_group_member, village_b_clerk, land_project):
    path = _roster(tmp_path, [])
    with open(path, "rb") as fh, pytest.raises(DomainError, match="须选择项目"):
        batch_upload(user=working_group_member, ledger="land_roster", file=fh, file_name="r.xlsx")
    with open(path, "rb") as fh, pytest.raises(DomainError, match="不存在或不在您的管辖范围内"):
        batch_upload(
            user=working_group_member,
            ledger="land_roster",
            file=fh,
            file_name="r.xlsx",
            options={"project": "无此项目"},
        )
    with open(path, "rb") as fh:  # by name, as the command line takes it
        batch = batch_upload(
            user=working_group_member,
            ledger="land_roster",
            file=fh,
            file_name="r.xlsx",
            options={"project": land_project.name},
        )
    assert batch.options == {"project": land_project.pk}


def test_command_line_takes_the_project(tmp_path, working_group_member, land_project, head, parcels, capsys):
    _person, number = head
    path = _roster(tmp_path, _good_rows(number))
    with pytest.raises(CommandError, match="须选择项目"):
        call_command("import_ledger", "land_roster", str(path), "--user", working_group_member.username)
    call_command(
        "import_ledger",
        "land_roster",
        str(path),
        "--user",
        working_group_member.username,
        "--project",
        land_project.name,
    )
    assert "create: 2" in capsys.readouterr().out
    assert Payment.objects.count() == 2


def test_upload_page_and_api_take_the_project(
    tmp_path, client, working_group_member, login_as, bearer, land_project, head, parcels
):
    _person, number = head
    path = _roster(tmp_path, _good_rows(number))
    browser = login_as(working_group_member)
    page = browser.get("/imports/new/")
    assert land_project.name in page.content.decode()
    with open(path, "rb") as fh:
        response = browser.post(
            "/imports/new/", {"ledger": "land_roster", "file": fh, "mode": "all", "project": str(land_project.pk)}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    assert (batch.options, batch.to_create) == ({"project": land_project.pk}, 2)
    detail = browser.get(response["Location"]).content.decode()
    assert f"项目:<strong>{land_project.name}</strong>" in detail

    headers = bearer(working_group_member)
    with open(path, "rb") as fh:
        response = client.post("/api/imports/batches", {"ledger": "land_roster", "file": fh}, headers=headers)
    assert response.status_code in (400, 422)
    assert response.json()["message"] == "导入征地补偿花名册须选择项目"
    with open(path, "rb") as fh:
        response = client.post(
            "/api/imports/batches", {"ledger": "land_roster", "file": fh, "project": land_project.name}, headers=headers
        )
    assert response.status_code == 202, response.content
    assert response.json()["to_create"] == 2


def test_voucher_numbers_as_written_and_a_reimport_stays_unchanged(
    tmp_path, working_group_member, land_project, head, parcels
):
    _person, number = head
    header = [*HEADER, "凭证号"]
    rows = [[*row, f"记-{i}"] for i, row in enumerate(_good_rows(number), start=1)]
    path = xlsx_from_rows(tmp_path / "v.xlsx", [header, *rows])
    batch = _import(working_group_member, path, land_project)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert sorted(Payment.objects.values_list("voucher_no", flat=True)) == ["记-1", "记-2"]
    assert _import(working_group_member, path, land_project).unchanged == 2

    rows[1][-1] = "记-1"  # the same voucher twice in a file
    twice = xlsx_from_rows(tmp_path / "twice.xlsx", [header, *rows])
    batch = _import(working_group_member, twice, land_project, commit=False)
    assert "凭证号记-1在本文件中重复" in batch.errors[0]["message"]
