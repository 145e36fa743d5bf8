"""Printable agreement (.docx) and household statement (兑付明细 .docx/.xlsx): figures, scope, roles."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from lianxin.accounts.models import SecurityEvent
from lianxin.land import services


def _text(docx_bytes: bytes) -> tuple[str, list]:
    doc = Document(io.BytesIO(docx_bytes))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]
    return text, tables


@pytest.fixture
def paid(signed, working_group_member, person_a):
    """The signed 550,000 元 agreement with a supplementary agreement of 1,000 元, two payments and one reversal."""
    agreement, parcel = signed
    today = timezone.localdate()
    services.supplementary_agreement_add(
        agreement=agreement,
        number="BC-001",
        signed_on=today - timedelta(days=5),
        amount=Decimal("1000"),
        reason="补测面积增加",
        actor=working_group_member,
    )
    first = services.payment_record(
        agreement=agreement,
        amount=Decimal("300000"),
        paid_on=today - timedelta(days=4),
        voucher_no="PZ-001",
        payee_name="王小明",
        bank_account="6222021234567890123",
        actor=working_group_member,
    )
    services.payment_reverse(
        payment=first, reason="账号填错", actor=working_group_member, reversed_on=today - timedelta(days=3)
    )
    services.payment_record(
        agreement=agreement,
        amount=Decimal("300000"),
        paid_on=today - timedelta(days=3),
        voucher_no="PZ-002",
        payee_name="王小明",
        actor=working_group_member,
    )
    agreement.refresh_from_db()
    return agreement, parcel


def test_agreement_docx_has_parties_parcels_items_and_total_in_words(paid, login_as, working_group_member):
    agreement, parcel = paid

    response = login_as(working_group_member).get(reverse("land:agreement-docx", args=[agreement.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text, tables = _text(response.content)
    assert "征地补偿协议书" in text
    assert agreement.number in text
    assert "示例镇人民政府" in text
    assert "王" in text  # the head of household A (person_a)
    parcels_table, items_table = tables[0], tables[1]
    assert parcels_table[1][0] == parcel.code
    assert "旱地" in parcels_table[1][2]
    assert parcels_table[-1][-1] == "10.0000"
    # 30,000 + 20,000 + 5,000 per mu × 10 mu
    amounts = {row[0].split("(")[0]: row[-1] for row in items_table[1:-1]}
    assert amounts["土地补偿费"] == "300,000.00"
    assert amounts["安置补助费"] == "200,000.00"
    assert any(row[2] == "30,000.00" and row[3] == "10" for row in items_table[1:-1])  # unit price × quantity
    assert items_table[-1][-1] == "550,000.00"
    # the supplementary agreement raises the total to 551,000
    assert "补测面积增加" in text
    assert "551,000.00 元" in text
    assert "伍拾伍万壹仟元整" in text
    assert "甲方(盖章)" in "\n".join(c for row in tables[-1] for c in row)


def test_household_statement_docx_lists_payments_reversal_and_balance(
    paid, login_as, working_group_member, household_a
):
    response = login_as(working_group_member).get(reverse("land:household-statement-docx", args=[household_a.pk]))

    assert response.status_code == 200
    text, tables = _text(response.content)
    rows = tables[0]
    kinds = [row[1] for row in rows[1:-1]]
    assert kinds == ["签订协议", "补充协议", "兑付", "冲销", "兑付"]
    assert [row[5] for row in rows[1:-1]][2:] == ["300,000.00", "-300,000.00", "300,000.00"]
    assert rows[-1][4:] == ["551,000.00", "300,000.00", "251,000.00"]
    assert "贰拾伍万壹仟元整" in text


def test_household_statement_xlsx_has_the_same_figures(paid, login_as, working_group_member, household_a):
    response = login_as(working_group_member).get(reverse("land:household-statement-xlsx", args=[household_a.pk]))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if "类型" in row)
    columns = values[header]
    kind, paid_col, balance = columns.index("类型"), columns.index("已付(元)"), columns.index("余额(元)")
    lines = [row for row in values[header + 1 :] if row[kind]]
    assert [row[kind] for row in lines] == ["签订协议", "补充协议", "兑付", "冲销", "兑付"]
    assert [row[balance] for row in lines][-1] == pytest.approx(251000)
    assert [row[paid_col] for row in lines][3] == pytest.approx(-300000)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.EXPORT, detail__list="land.household_statement_xlsx"
    ).exists()


@pytest.mark.parametrize(
    "url_name", ["land:agreement-docx", "land:household-statement-docx", "land:household-statement-xlsx"]
)
def test_documents_of_another_village_are_not_found(paid, login_as, village_b_clerk, household_a, url_name):
    agreement, _parcel = paid
    pk = agreement.pk if url_name == "land:agreement-docx" else household_a.pk

    assert login_as(village_b_clerk).get(reverse(url_name, args=[pk])).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("village_a_clerk", 200), ("town_admin", 200), ("outsider", 403)])
def test_agreement_docx_by_role(paid, login_as, request, who, status):
    agreement, _parcel = paid

    assert (
        login_as(request.getfixturevalue(who)).get(reverse("land:agreement-docx", args=[agreement.pk])).status_code
        == status
    )


def test_statement_of_a_household_without_agreements_is_empty_but_valid(login_as, working_group_member, household_b):
    response = login_as(working_group_member).get(reverse("land:household-statement-docx", args=[household_b.pk]))

    text, tables = _text(response.content)
    assert tables[0][-1][4:] == ["0.00", "0.00", "0.00"]
    assert "零元整" in text
