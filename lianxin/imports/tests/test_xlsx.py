"""Import templates and list exports (.xlsx): layout, drop-downs, text IDs, round trip, scope, masking, audit."""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.enterprises.services import indicator_record
from lianxin.enterprises.tests import factories as enterprise_factories
from lianxin.imports import xlsx
from lianxin.imports.headers import Column, find_header
from lianxin.imports.ledger import ledger_get
from lianxin.imports.normalise import CellError, normaliser_for, row_is_blank
from lianxin.imports.reading import open_table
from lianxin.imports.xlsx import ExportColumn, export_workbook, template_workbook
from lianxin.people.ledger import PersonLedger
from lianxin.people.models import Person
from lianxin.people.tests import factories as people_factories

FULL_ID = re.compile(r"\d{17}[\dX]")


def _open(content: bytes, **kwargs) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content), **kwargs)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _validations(sheet) -> dict[str, str]:
    """First cell of each validated range → its list formula."""
    return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


# --- the import template ------------------------------------------------------------------


def test_person_template_has_title_marked_headers_comments_and_sample(db):
    ledger = ledger_get("persons")

    sheet = _open(template_workbook(ledger, title_prefix="示例镇")).worksheets[0]

    assert sheet.title == "户籍人口台账"
    assert sheet["A1"].value == "示例镇户籍人口台账(导入模板)"
    assert "A1:N1" in {str(r) for r in sheet.merged_cells.ranges}
    headers = [cell.value for cell in sheet[2]]
    assert headers == [("*" if c.required else "") + c.label for c in ledger.columns]
    for cell, column in zip(sheet[2], ledger.columns, strict=True):
        assert ("必填" if column.required else "选填") in cell.comment.text
        assert all(name in cell.comment.text for name in column.synonyms)
    assert "18位居民身份证号码" in sheet["F2"].comment.text
    assert sheet.freeze_panes == "A3"
    assert sheet["F3"].value == "532622198005170011"  # the sample ID, kept as text


def test_person_template_keeps_id_phone_and_number_columns_as_text_for_1000_rows(db):
    sheet = _open(template_workbook(ledger_get("persons"), title_prefix="示例镇")).worksheets[0]

    for letter in "CFI":  # 户编号, 身份证号码, 手机号码
        assert {sheet[f"{letter}{row}"].number_format for row in range(3, 1003)} == {"@"}


def test_person_template_offers_relation_and_ethnicity_drop_downs(db):
    sheet = _open(template_workbook(ledger_get("persons"), title_prefix="示例镇")).worksheets[0]

    validations = _validations(sheet)
    assert validations["G3"] == '"户主,配偶,子女,父母,孙子女,兄弟姐妹,其他"'
    ethnicities = validations["H3"].strip('"').split(",")
    assert len(ethnicities) == 58  # the full names only, not 苗 / 06 that the import also accepts
    assert ethnicities[:3] == ["汉族", "蒙古族", "回族"]
    assert all(name.endswith("族") for name in ethnicities[:56])
    assert {str(dv.sqref) for dv in sheet.data_validations.dataValidation} == {
        "G3:G1002",  # 与户主关系
        "H3:H1002",  # 民族
        "J3:J1002",  # 性别
    }


def test_enterprise_template_states_units_and_offers_yes_no(db):
    sheet = _open(template_workbook(ledger_get("enterprises"), title_prefix="示例镇")).worksheets[0]

    headers = [cell.value for cell in sheet[2]]
    assert "产值(元)" in headers
    assert "税收(元)" in headers
    assert _validations(sheet)["E3"] == '"是,否"'
    assert sheet["B500"].number_format == "@"  # 统一社会信用代码


class _LongChoices(PersonLedger):
    """Only the declaration matters to the template writer; the hooks are the person ledger's."""

    key = "long_choices"
    label = "测试台账"
    sample = {}
    columns = (
        Column("name", "名称", required=True),
        Column("place", "地点", kind="choice", choices={f"第{i:03d}号地块名称": str(i) for i in range(100)}),
        Column("short", "等级", kind="choice", choices={"甲": "a", "乙": "b"}),
    )


def test_a_list_longer_than_excel_allows_inline_comes_from_the_hidden_options_sheet():
    workbook = _open(template_workbook(_LongChoices(), title_prefix=""))

    options = workbook["选项"]
    assert options.sheet_state == "hidden"
    assert workbook.worksheets[0].title == "测试台账"  # the reader takes the first visible sheet
    assert [options.cell(row, 1).value for row in (1, 100)] == ["第000号地块名称", "第099号地块名称"]
    validations = _validations(workbook.worksheets[0])
    assert validations["B3"] == "'选项'!$A$1:$A$100"
    assert validations["C3"] == '"甲,乙"'
    assert workbook.worksheets[0]["A3"].number_format == "@"  # no sample row: text format from row 3


@pytest.mark.parametrize("key", ["persons", "enterprises"])
def test_template_round_trips_through_the_reader_with_every_column_mapped(db, tmp_path, key):
    ledger = ledger_get(key)
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook(ledger, title_prefix="示例镇"))

    with open_table(path, original_name="template.xlsx") as table:
        match = find_header(table.rows(), ledger.columns)
        assert match.header_rows == (2,)
        assert sorted(match.columns.values()) == sorted(c.key for c in ledger.columns)
        assert not match.unmatched
        assert not match.duplicates
        assert not match.missing_required
        number, cells = next(match.data_rows)
        assert number == 3
        values = {}
        for index, key_ in match.columns.items():
            try:
                values[key_] = normaliser_for(ledger.column(key_), match.units.get(index, ""))(cells[index])
            except CellError as exc:  # pragma: no cover - the failure message is the point
                pytest.fail(f"sample {key_}: {exc.message}")
        assert all(row_is_blank(rest) for _number, rest in match.data_rows)

    assert all(values[k] is not None for k in ledger.sample)
    if key == "enterprises":
        assert values["output_value"] == Decimal("420000000.00")  # 42000万元 under 产值(元)
        assert values["in_park"] is True


def test_template_download_names_the_village_for_a_village_cadre(login_as, village_a_clerk):
    response = login_as(village_a_clerk).get(reverse("imports:template", args=["persons"]))

    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert _open(_body(response)).worksheets[0]["A1"].value == "甲马石村户籍人口台账(导入模板)"


def test_template_needs_the_ledgers_import_permission(login_as, village_a_clerk):
    browser = login_as(village_a_clerk)

    assert browser.get(reverse("imports:template", args=["enterprises"])).status_code == 403
    assert browser.get(reverse("imports:template", args=["nonsense"])).status_code == 404


def test_title_prefix_falls_back_to_the_configured_township(settings, outsider, town_admin):
    settings.LIANXIN_TOWNSHIP_NAME = "示范镇"

    assert xlsx.title_prefix(outsider) == "示范镇"  # scoped to an enterprise, not a region
    assert xlsx.title_prefix(town_admin) == "示例镇"


# --- export_workbook ------------------------------------------------------------------------

COLUMNS = [
    ExportColumn("姓名", "name"),
    ExportColumn("身份证号码", "resident_id"),
    ExportColumn("面积", "area", total=True),
    ExportColumn("补偿金额", "money", total=True),
    ExportColumn("人数", "int", total=True, unit="人"),
    ExportColumn("年度", "int"),
    ExportColumn("发放日期", "date"),
    ExportColumn("是否低保", "bool"),
]


def _export(rows, **kwargs) -> tuple[int, bytes]:
    out = io.BytesIO()
    kwargs.setdefault("columns", COLUMNS)
    count = export_workbook(
        out, title="示例镇补偿台账", rows=rows, township="示例镇", generated_on=date(2026, 11, 30), **kwargs
    )
    return count, out.getvalue()


def test_export_lays_out_title_date_units_serials_and_decimal_totals():
    rows = [
        ("王小明", "532622********0011", Decimal("0.10"), Decimal("1000.10"), 3, 2025, date(2026, 1, 5), True),
        ("李秀英", "532622********0022", Decimal("0.20"), Decimal("2000.20"), 2, 2024, None, False),
        ("赵四", None, Decimal("0.30"), None, 1, None, None, None),
    ]

    count, content = _export(iter(rows), count_unit="人")
    sheet = _open(content).worksheets[0]
    cached = _open(content, data_only=True).worksheets[0]

    assert count == 3
    assert sheet["A1"].value == "示例镇补偿台账"
    assert "A1:I1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2] if c.value] == ["填报单位:示例镇", "制表日期:2026年11月30日"]
    assert [c.value for c in sheet[3]] == [
        "序号",
        "姓名",
        "身份证号码",
        "面积(亩)",
        "补偿金额(元)",
        "人数(人)",
        "年度",
        "发放日期",
        "是否低保",
    ]
    assert [sheet[f"A{r}"].value for r in (4, 5, 6)] == [1, 2, 3]
    assert sheet["C4"].value == "532622********0011"
    assert sheet["C4"].number_format == "@"
    assert sheet["H4"].number_format == "yyyy-mm-dd"
    assert sheet["H4"].value.date() == date(2026, 1, 5)
    assert sheet["G4"].number_format == "0"  # a year, not 2,025
    assert sheet["F4"].number_format == "#,##0"
    assert sheet["I4"].value == "是"
    assert sheet["I5"].value == "否"
    assert sheet.freeze_panes == "A4"
    total = [c.value for c in cached[7]]
    assert total[:2] == ["合计", "共3人"]
    assert Decimal(str(total[3])) == Decimal("0.60")  # Decimal sums: no 0.6000000000000001
    assert Decimal(str(total[4])) == Decimal("3000.30")
    assert total[5] == 6
    assert total[6] is None
    assert sheet["D7"].value == "=SUM(D4:D6)"
    assert sheet.column_dimensions["C"].width >= 18


def test_export_writes_text_that_looks_like_a_formula_as_text():
    _count, content = _export([('=HYPERLINK("http://x")', "@SUM(1)", None, None, None, None, None, None)])
    cell = _open(content).worksheets[0]["B4"]

    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x")'


def test_export_of_no_rows_still_has_header_and_zero_totals():
    count, content = _export(iter(()))
    sheet = _open(content, data_only=True).worksheets[0]

    assert count == 0
    assert [c.value for c in sheet[4]][:5] == ["合计", None, None, 0, 0]


def test_export_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 10)

    with pytest.raises(xlsx.ExportTooLarge):
        _export(("某人", None, None, None, None, None, None, None) for _ in range(20))


# --- list exports -------------------------------------------------------------------------


def test_person_export_shows_the_clerks_village_masked_with_serials_total_and_audit(
    login_as, village_a_clerk, person_a, person_b
):
    response = login_as(village_a_clerk).get(reverse("people:person-export"))

    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    sheet = _open(_body(response)).worksheets[0]
    rows = _rows(sheet)
    assert "甲马石村" in sheet["A1"].value
    assert sheet["A1"].value.endswith("户籍人口台账")
    assert any(str(r).startswith("A1:") for r in sheet.merged_cells.ranges)
    data = rows[3:-1]
    assert [r[0] for r in data] == [1]
    assert data[0][4] == "王小明"
    assert data[0][5] == person_a.resident_id_masked
    assert data[0][10] == "139****5678"
    assert sheet["F4"].number_format == "@"
    assert rows[-1][:2] == ("合计", "共1人")
    assert "李秀英" not in str(rows)
    assert not any(FULL_ID.search(str(v)) for r in rows for v in r if v)
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).get()
    assert event.username == village_a_clerk.username
    assert event.detail == {
        "list": "persons",
        "rows": 1,
        "filters": {"village_group": None, "ethnicity": "", "region": None, "in_park": False, "search": False},
    }


def test_person_export_follows_the_session_search_and_keeps_the_text_out_of_the_log(
    login_as, town_admin, person_a, person_b
):
    browser = login_as(town_admin)
    browser.post(reverse("people:person-list"), {"q": "王小明", "village_group": "", "ethnicity": ""})

    rows = _rows(_open(_body(browser.get(reverse("people:person-export")))).worksheets[0])

    assert [r[4] for r in rows[3:-1]] == ["王小明"]
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).get()
    assert event.detail["filters"]["search"] is True
    assert "王小明" not in str(event.detail)


def test_person_export_follows_the_ethnicity_and_village_group_filters(
    login_as, town_admin, household_a, group_a2, person_a, person_b
):
    people_factories.person(household_a, name="苗家人", ethnicity="06")
    people_factories.person(people_factories.household(group_a2), name="二组苗家人", ethnicity="06")
    browser = login_as(town_admin)
    browser.post(
        reverse("people:person-list"), {"q": "", "village_group": household_a.village_group_id, "ethnicity": "06"}
    )

    rows = _rows(_open(_body(browser.get(reverse("people:person-export")))).worksheets[0])

    assert [(r[4], r[8]) for r in rows[3:-1]] == [("苗家人", "苗族")]
    detail = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).get().detail
    assert detail["filters"] == {
        "village_group": household_a.village_group_id,
        "ethnicity": "06",
        "region": None,
        "in_park": False,
        "search": False,
    }


def test_person_export_holds_every_page_newest_first(settings, login_as, village_a_clerk, household_a):
    settings.LIANXIN_PAGE_SIZE = 2
    for name in ("甲", "乙", "丙", "丁", "戊"):
        people_factories.person(household_a, name=name)

    rows = _rows(_open(_body(login_as(village_a_clerk).get(reverse("people:person-export")))).worksheets[0])

    assert [r[4] for r in rows[3:-1]] == ["戊", "丁", "丙", "乙", "甲"]
    assert [r[0] for r in rows[3:-1]] == [1, 2, 3, 4, 5]
    assert Person.objects.count() == 5


def test_household_export_follows_the_group_filter_and_sums_members(
    login_as, town_admin, household_a, household_b, person_a, person_b
):
    people_factories.person(household_a, name="王二")
    url = reverse("people:household-export") + f"?village_group={household_a.village_group_id}"

    rows = _rows(_open(_body(login_as(town_admin).get(url)), data_only=True).worksheets[0])

    assert [(r[1], r[5]) for r in rows[3:-1]] == [(household_a.number, 2)]
    assert rows[-1][0] == "合计"
    assert rows[-1][5] == 2


def test_enterprise_export_sums_money_columns_in_the_total_row(login_as, town_admin, town, enterprise_in_town):
    other = enterprise_factories.enterprise(town, name="示例硅业")
    indicator_record(
        enterprise=enterprise_in_town,
        year=2024,
        output_value=Decimal("900000000.10"),
        tax_paid=Decimal("100000000.05"),
        employees=800,
        local_employees=500,
    )
    indicator_record(
        enterprise=other,
        year=2024,
        output_value=Decimal("100000000.20"),
        tax_paid=Decimal("20000000.05"),
        employees=200,
        local_employees=150,
    )

    response = login_as(town_admin).get(reverse("enterprises:enterprise-export"))
    content = _body(response)
    rows = _rows(_open(content, data_only=True).worksheets[0])
    formulas = _open(content).worksheets[0]

    assert rows[2][-2:] == ("最近年度产值(元)", "最近年度税收(元)")
    assert [r[1] for r in rows[3:-1]] == ["示例硅业", "示例铝业有限公司"]  # newest first
    assert rows[3][2] == other.credit_code
    assert formulas["C4"].number_format == "@"
    assert rows[3][5] == "是"
    assert rows[-1][:2] == ("合计", "共2家")
    assert Decimal(str(rows[-1][7])) == Decimal("1000000000.30")
    assert Decimal(str(rows[-1][8])) == Decimal("120000000.10")
    assert formulas.cell(len(rows), 8).value == "=SUM(H4:H5)"
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT).detail["list"] == "enterprises"


def test_enterprise_export_follows_the_industry_filter_and_scope(login_as, outsider, town_admin, enterprise_in_town):
    mine = enterprise_factories.enterprise(enterprise_in_town.region, name="示例矿业", industry="B")

    by_industry = _rows(
        _open(_body(login_as(town_admin).get(reverse("enterprises:enterprise-export") + "?industry=B"))).worksheets[0]
    )
    liaison = _rows(_open(_body(login_as(outsider).get(reverse("enterprises:enterprise-export")))).worksheets[0])

    assert [r[1] for r in by_industry[3:-1]] == [mine.name]
    assert [r[1] for r in liaison[3:-1]] == ["外部企业"]


@pytest.mark.parametrize(
    ("role_user", "url_name"),
    [
        ("village_a_clerk", "enterprises:enterprise-export"),
        ("outsider", "people:person-export"),
        ("outsider", "people:household-export"),
        ("inspector", "people:person-export"),
    ],
)
def test_export_without_the_lists_view_permission_is_refused(request, login_as, make_user, town, role_user, url_name):
    user = (
        make_user("inspector", Role.DISCIPLINE_INSPECTOR, scope_region=town)
        if role_user == "inspector"
        else request.getfixturevalue(role_user)
    )

    response = login_as(user).get(reverse(url_name))

    assert response.status_code == 403
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_list_pages_link_to_their_export_with_the_current_filters(login_as, town_admin, group_a1):
    browser = login_as(town_admin)

    households = browser.get(reverse("people:household-list") + f"?village_group={group_a1.pk}").content.decode()
    enterprises = browser.get(reverse("enterprises:enterprise-list") + "?industry=B").content.decode()
    persons = browser.get(reverse("people:person-list")).content.decode()

    assert f"{reverse('people:household-export')}?village_group={group_a1.pk}" in households
    assert f"{reverse('enterprises:enterprise-export')}?industry=B" in enterprises
    assert reverse("people:person-export") in persons
