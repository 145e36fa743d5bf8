"""The import engine end to end on the person and enterprise ledgers: dry run, commit, re-import, undo."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from stdnum.cn import uscc

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator
from lianxin.imports.annotate import errors_by_row, write_annotated
from lianxin.imports.ledger import Context, ledger_get
from lianxin.imports.models import ImportBatch
from lianxin.imports.reading import open_table
from lianxin.imports.services import batch_check, batch_commit, batch_undo, batch_upload, header_mapping_remember
from lianxin.people.models import Household, Person
from lianxin.people.tests.factories import resident_id

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HEAD_ID = resident_id(sequence=401)
SPOUSE_ID = resident_id(sequence=402, male=False)
OUTSIDE_ID = resident_id(sequence=403)
BAD_CHECK_ID = resident_id(sequence=404)[:-1] + ("0" if resident_id(sequence=404)[-1] != "0" else "1")


def messy_person_workbook(path: Path) -> Path:
    """The sheet a village clerk keeps: title, two header rows, 序号, blank and 合计 rows, quirks."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("户籍")
    ws.merge_range(0, 0, 0, 8, "示范镇甲马石村户籍人口台账")
    ws.write_row(1, 0, ["序号", "所属", "", "户编号", "身份信息", "", "与户主关系", "民族", "联系电话"])
    ws.merge_range(1, 1, 1, 2, "所属")
    ws.merge_range(1, 4, 1, 5, "身份信息")
    ws.write_row(2, 0, ["", "村委会", "村民小组", "", "姓名", "公民身份号码", "", "", ""])
    rows = [
        [1, "甲马石村", "甲马石一组", "A-001", "王 小明", HEAD_ID.translate(FULL_WIDTH), "户主", "苗族", "13912345678"],
        [2, "甲马石村", "甲马石一组", "A-001", "李秀英", SPOUSE_ID.lower(), "配偶", "汉", ""],
        None,
        [3, "甲马石村", "甲马石一组", "A-002", "张三", 5.32622198005170e17, "户主", "彝族", ""],
        [4, "白革龙村", "白革龙一组", "B-001", "赵四", OUTSIDE_ID, "户主", "汉族", ""],
        [5, "甲马石村", "甲马石一组", "A-003", "钱五", BAD_CHECK_ID, "户主", "汉族", ""],
        ["合计", "", "", "", "5人", "", "", "", ""],
        ["制表人:李会计", "", "", "", "", "审核人:王书记", "", "", ""],
    ]
    for offset, row in enumerate(rows, start=3):
        if row is not None:
            ws.write_row(offset, 0, row)
    wb.close()
    return path


def _upload(user, path: Path, ledger: str = "persons", mode: str = ImportBatch.Mode.ALL_OR_NOTHING) -> ImportBatch:
    with path.open("rb") as fh:
        return batch_upload(user=user, ledger=ledger, file=fh, file_name=path.name, mode=mode)


@pytest.fixture
def messy(tmp_path, group_a1, group_b1):
    return messy_person_workbook(tmp_path / "户籍台账.xlsx")


def test_dry_run_reports_each_rejected_row_and_writes_nothing(messy, village_a_clerk):
    # when the clerk runs the dry run on the messy sheet
    batch = batch_check(batch=_upload(village_a_clerk, messy))

    # then the summary counts the five data rows (title, headers, blank, 合计 and notes excluded)
    assert (batch.rows_read, batch.to_create, batch.to_update, batch.unchanged, batch.rejected) == (5, 2, 0, 0, 3), (
        batch.errors
    )
    by_row = {e["row"]: e for e in batch.errors}
    # the number Excel mangled is refused, with the reason, in the ID column (F), never shown in clear
    assert by_row[7]["column"] == "F"
    assert "Excel" in by_row[7]["message"]
    assert by_row[7]["value"] == "5.32622E+17"  # as Excel shows it: no more digits than the clerk sees
    # another village's group is outside the clerk's scope
    assert by_row[8]["header"].endswith("村民小组")
    assert "管辖范围" in by_row[8]["message"]
    # a wrong check digit is named as such, and the value is masked
    assert "校验位" in by_row[9]["message"]
    assert BAD_CHECK_ID not in str(batch.errors)
    assert by_row[9]["value"].startswith(BAD_CHECK_ID[:6])
    assert Person.objects.count() == 0
    assert batch.status == ImportBatch.Status.CHECKED


def test_all_or_nothing_commit_with_rejected_rows_writes_nothing(messy, village_a_clerk):
    batch = batch_commit(batch=_upload(village_a_clerk, messy), actor=village_a_clerk)

    assert batch.status == ImportBatch.Status.FAILED
    assert Person.objects.count() == 0
    assert Household.objects.count() == 0


def test_valid_rows_only_commit_then_reimport_is_a_no_op_and_undo_takes_it_back(messy, village_a_clerk, system_admin):
    # when the clerk chooses "import valid rows only"
    batch = batch_commit(batch=_upload(village_a_clerk, messy, mode=ImportBatch.Mode.VALID_ONLY), actor=village_a_clerk)

    # then the two good rows are one household with its head and spouse, normalised
    assert batch.status == ImportBatch.Status.COMMITTED
    head = Person.objects.get(relation=Person.Relation.HEAD)
    assert head.name == "王小明"
    assert head.ethnicity == "06"
    assert head.phone_masked == "139****5678"
    assert Person.objects.get(relation=Person.Relation.SPOUSE).household == head.household
    assert head.household.number == "A-001"
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT).latest("sequence")
    assert event.detail["created"] == 2

    # when the same file is imported again, nothing changes
    again = batch_check(batch=_upload(village_a_clerk, messy, mode=ImportBatch.Mode.VALID_ONLY))
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 2)

    # a village cadre cannot undo a batch; an administrator can, and the rows are gone
    with pytest.raises(PermissionDenied):
        batch_undo(batch=batch, actor=village_a_clerk)
    system_admin.user_permissions.add(*_perm("imports.undo_importbatch"))
    admin = type(system_admin).objects.get(pk=system_admin.pk)
    batch_undo(batch=batch, actor=admin)
    assert Person.objects.count() == 0
    assert Household.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def _perm(name: str):
    from django.contrib.auth.models import Permission

    app_label, codename = name.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def test_changed_row_updates_and_undo_restores_the_old_value(tmp_path, group_a1, working_group_member, make_user, town):
    path = tmp_path / "clean.xlsx"
    _write(
        path, [["村民小组", "户编号", "姓名", "身份证号", "与户主关系"], ["甲马石一组", "A-9", "王五", HEAD_ID, "户主"]]
    )
    batch_commit(batch=_upload(working_group_member, path), actor=working_group_member)
    _write(
        path, [["村民小组", "户编号", "姓名", "身份证号", "与户主关系"], ["甲马石一组", "A-9", "王武", HEAD_ID, "户主"]]
    )

    second = batch_commit(batch=_upload(working_group_member, path), actor=working_group_member)

    assert (second.to_create, second.to_update) == (0, 1)
    assert Person.objects.get().name == "王武"
    admin = make_user("importadmin", Role.SYSTEM_ADMIN, scope_region=town)
    admin.user_permissions.add(*_perm("imports.undo_importbatch"))
    batch_undo(batch=second, actor=type(admin).objects.get(pk=admin.pk))
    assert Person.objects.get().name == "王五"


def test_undo_is_refused_when_rows_were_edited_after_the_import(
    tmp_path, group_a1, working_group_member, make_user, town
):
    from lianxin.people.services import person_update

    path = tmp_path / "clean.xlsx"
    _write(path, [["村民小组", "户编号", "姓名", "身份证号"], ["甲马石一组", "A-9", "王五", HEAD_ID]])
    batch = batch_commit(batch=_upload(working_group_member, path), actor=working_group_member)
    person = Person.objects.get()
    person_update(person=person, name="王五一", relation=person.relation, ethnicity=person.ethnicity, keep_phone=True)
    admin = make_user("importadmin", Role.SYSTEM_ADMIN, scope_region=town)
    admin.user_permissions.add(*_perm("imports.undo_importbatch"))

    with pytest.raises(DomainError, match="修改"):
        batch_undo(batch=batch, actor=type(admin).objects.get(pk=admin.pk))
    assert Person.objects.get().name == "王五一"


def _write(path: Path, rows: list[list]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def test_annotated_workbook_marks_bad_cells_and_explains_them(messy, village_a_clerk, tmp_path):
    spec = ledger_get("persons")
    with open_table(messy, original_name=messy.name) as table:
        errors = errors_by_row(table, spec, Context(user=village_a_clerk), {})
    out = tmp_path / "errors.xlsx"
    with open_table(messy, original_name=messy.name) as table:
        write_annotated(table, errors, out)

    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "示范镇甲马石村户籍人口台账"
    bad = ws["F7"]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "Excel" in bad.comment.text
    explain = [c.value for c in ws[7] if isinstance(c.value, str) and "F7" in c.value]
    assert explain
    assert ws["E4"].value == "王 小明"  # the clerk's own cells come back as typed
    assert ws["F4"].comment is None


def test_unknown_header_mapped_by_hand_is_remembered(tmp_path, group_a1, working_group_member):
    path = _write(
        tmp_path / "odd.xlsx",
        [["村民小组", "户编号", "姓名", "身份证号码(18位)", "户内身份"], ["甲马石一组", "1", "王五", HEAD_ID, "户主"]],
    )
    first = batch_check(batch=_upload(working_group_member, path))
    assert any(u["text"] == "户内身份" for u in first.header["unmatched"])

    header_mapping_remember(ledger="persons", header="户内身份", column="relation", actor=working_group_member)
    batch_commit(batch=_upload(working_group_member, path), actor=working_group_member)

    assert Person.objects.get().relation == Person.Relation.HEAD


def test_missing_required_column_is_a_clear_file_message(tmp_path, group_a1, working_group_member):
    path = _write(tmp_path / "x.xlsx", [["村民小组", "户编号", "姓名"], ["甲马石一组", "1", "王五"]])

    batch = batch_check(batch=_upload(working_group_member, path))

    assert batch.status == ImportBatch.Status.FAILED
    assert "身份证号码" in batch.message


def test_not_a_spreadsheet_is_refused_with_a_message(tmp_path, working_group_member):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook" * 10)

    batch = batch_check(batch=_upload(working_group_member, path))

    assert batch.status == ImportBatch.Status.FAILED
    assert "表格文件" in batch.message


def test_role_without_the_ledger_permission_cannot_upload(tmp_path, outsider):
    path = _write(tmp_path / "x.xlsx", [["姓名"]])
    with pytest.raises(PermissionDenied):
        _upload(outsider, path)


def test_command_line_dry_run_prints_the_summary_and_fails_on_rejects(messy, village_a_clerk, tmp_path, capsys):
    out = tmp_path / "marked.xlsx"
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_ledger", "persons", str(messy), user=village_a_clerk.username, dry_run=True, errors=out)
    printed = capsys.readouterr().out
    assert "rejected: 3" in printed
    assert "create: 2" in printed
    assert out.exists()
    assert Person.objects.count() == 0


def test_command_line_commit_of_a_clean_file_succeeds(tmp_path, group_a1, working_group_member, capsys):
    path = _write(
        tmp_path / "ok.xlsx", [["村民小组", "户编号", "姓名", "身份证号"], ["甲马石一组", "1", "王五", HEAD_ID]]
    )
    call_command("import_ledger", "persons", str(path), user=working_group_member.username)
    assert "create: 1" in capsys.readouterr().out
    assert Person.objects.count() == 1


def test_enterprise_ledger_reads_units_from_the_header_and_reimport_changes_nothing(
    tmp_path, town, working_group_member
):
    body = "91532622MA6K99999"
    code = body + uscc.calc_check_digit(body)
    path = _write(
        tmp_path / "企业.xlsx",
        [
            ["示范镇园区企业情况统计表"],
            [
                "序号",
                "企业名称",
                "统一社会信用代码",
                "所在区域",
                "年度",
                "产值(万元)",
                "税收(万元)",
                "就业人数",
                "本地就业",
            ],
            [1, "示范铝业有限公司", code, town.name, 2025, "42,000", 5280, 1850, 1320],
            ["合计", "", "", "", "", 42000, 5280, 1850, 1320],
        ],
    )
    batch = batch_commit(batch=_upload(working_group_member, path, ledger="enterprises"), actor=working_group_member)

    assert batch.status == ImportBatch.Status.COMMITTED
    indicator = EnterpriseIndicator.objects.get(enterprise__credit_code=code, year=2025)
    assert indicator.output_value == Decimal("420000000.00")
    assert indicator.tax_paid == Decimal("52800000.00")
    again = batch_check(batch=_upload(working_group_member, path, ledger="enterprises"))
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 1)
    assert Enterprise.objects.count() == 1


def test_upload_through_the_service_accepts_django_uploaded_files(working_group_member):
    upload = SimpleUploadedFile("a.csv", "村民小组,户编号,姓名,身份证号\n".encode())
    batch = batch_upload(user=working_group_member, ledger="persons", file=upload, file_name=upload.name)
    assert batch.size > 0
    assert len(batch.checksum) == 64


def test_annotated_xlsx_is_the_clerks_own_workbook_with_the_errors_marked(tmp_path, group_a1, village_a_clerk):
    from lianxin.imports.annotate import annotate

    path = tmp_path / "formatted.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("户籍")
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    sheet.merge_range(0, 0, 0, 4, "甲马石村户籍人口台账", bold)
    sheet.write_row(1, 0, ["村民小组", "户编号", "姓名", "身份证号", "与户主关系"], bold)
    sheet.set_column(3, 3, 25)
    sheet.write_row(2, 0, ["甲马石一组", "A-1", "王大", HEAD_ID, "户主"])
    sheet.write_row(3, 0, ["甲马石一组", "A-2", "张三", 5.32622198005170e17, "户主"])
    sheet.data_validation(2, 4, 100, 4, {"validate": "list", "source": ["户主", "配偶", "子女"]})
    book.add_worksheet("填表说明").write(0, 0, "身份证号请设为文本格式")
    book.close()
    out = tmp_path / "annotated.xlsx"

    annotate(
        path,
        original_name=path.name,
        ledger=ledger_get("persons"),
        ctx=Context(user=village_a_clerk),
        remembered={},
        out=out,
    )

    result = openpyxl.load_workbook(out)
    assert result.sheetnames == ["户籍", "填表说明"]
    ws = result["户籍"]
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].font.bold
    assert 25 <= ws.column_dimensions["D"].width < 27  # as set (Excel adds its padding)
    assert ws.data_validations.dataValidation  # the drop-down is still there
    assert ws["D3"].comment is None  # a good row is left alone
    assert ws["D4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "Excel" in ws["D4"].comment.text
    assert ws["F1"].value == "错误说明"
    assert ws["F4"].value.startswith("D4 身份证号:")


def test_a_cell_with_a_nul_is_a_rejected_row_with_its_row_column_and_rule(tmp_path, group_a1, working_group_member):
    # An .xlsx keeps a NUL as the escape _x0000_, which the reader decodes (a .csv with one is not read at all).
    path = _write(
        tmp_path / "nul.xlsx", [["村民小组", "户编号", "姓名", "身份证号"], ["甲马石一组", "1", "王\x00五", HEAD_ID]]
    )

    batch = batch_check(batch=_upload(working_group_member, path))

    assert (batch.rows_read, batch.rejected) == (1, 1)
    [error] = batch.errors
    assert (error["row"], error["column"], error["header"]) == (2, "C", "姓名")
    assert "空字符" in error["message"]
    assert "\x00" not in error["value"]  # quoted back as 王\ufffd五: the error list is stored too
    batch = batch_commit(batch=batch, actor=working_group_member)
    assert Person.objects.count() == 0
