"""Columns that another column determines are checked, not dropped (issue 15): 性别, 出生日期 and 年龄
against the resident ID, the village committee against the village group."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lianxin.imports.tests.workbooks import xlsx_bytes
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

HEADER = ["村委会", "村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "性别", "出生日期", "年龄"]
MALE = resident_id(birth=date(1980, 5, 17), sequence=701, male=True)
FEMALE = resident_id(birth=date(1982, 3, 8), sequence=702, male=False)


def _age(birth: date) -> int:
    today = timezone.localdate()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _run(tmp_path, rows, user, *, dry_run=True):
    path = tmp_path / "户籍.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, *rows]))
    call_command("import_ledger", "persons", str(path), user=user.username, dry_run=dry_run)


def test_a_gender_birth_date_or_age_that_contradicts_the_id_rejects_the_row_naming_both(
    tmp_path, group_a1, working_group_member, capsys
):
    rows = [
        ["甲马石村", "甲马石一组", "A-1", "王五", MALE, "户主", "男", "1980-05-17", _age(date(1980, 5, 17))],
        ["甲马石村", "甲马石一组", "A-1", "李芳", FEMALE, "配偶", "男", "1982-03-08", ""],
        ["甲马石村", "甲马石一组", "A-1", "王大", resident_id(sequence=703), "子女", "", "1980-05-18", ""],
        ["甲马石村", "甲马石一组", "A-1", "王二", resident_id(sequence=704), "子女", "", "", 12],
    ]
    with pytest.raises(CommandError, match="rows rejected"):
        _run(tmp_path, rows, working_group_member)
    printed = capsys.readouterr().out
    assert "rejected: 3" in printed
    assert "create: 1" in printed
    assert "row 3 column G (性别) value “男”: 性别为“男”,身份证号码显示为女" in printed
    assert "出生日期为“1980-05-18”,身份证号码显示为1980-05-17" in printed
    assert f"年龄为“12”,身份证号码显示为{_age(date(1980, 5, 17))}岁" in printed
    assert MALE not in printed  # IDs stay masked in every message


def test_last_years_age_is_no_contradiction(tmp_path, group_a1, working_group_member, capsys):
    rows = [["", "甲马石一组", "A-1", "王五", MALE, "户主", "男性", "", _age(date(1980, 5, 17)) - 1]]
    _run(tmp_path, rows, working_group_member)
    assert "rejected: 0" in capsys.readouterr().out


def test_the_setting_turns_a_contradiction_into_a_warning_and_the_id_wins(
    tmp_path, group_a1, working_group_member, capsys, settings
):
    settings.LIANXIN_IMPORT_CONTRADICTIONS = "warn"
    rows = [["甲马石村", "甲马石一组", "A-1", "李芳", FEMALE, "户主", "男", "", ""]]
    _run(tmp_path, rows, working_group_member, dry_run=False)
    printed = capsys.readouterr().out
    assert "rejected: 0" in printed
    assert "warnings: 1" in printed
    assert "性别为“男”,身份证号码显示为女" in printed
    assert Person.objects.get().gender == "female"


def test_a_village_committee_that_does_not_contain_the_group_rejects_the_row(
    tmp_path, group_a1, group_b1, working_group_member, capsys
):
    rows = [["白革龙村", "甲马石一组", "A-1", "王五", MALE, "户主", "", "", ""]]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, working_group_member)
    printed = capsys.readouterr().out
    assert "村委会“白革龙村”下没有村民小组“甲马石一组”(该小组属于甲马石村)" in printed
    assert not Person.objects.exists()


def test_the_page_lists_the_contradiction_with_its_row_and_column(client, group_a1, village_a_clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lianxin.imports.models import ImportBatch

    rows = [HEADER, ["甲马石村", "甲马石一组", "A-1", "李芳", FEMALE, "户主", "男", "", ""]]
    client.force_login(village_a_clerk)
    client.post(
        "/imports/new/", {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("户籍.xlsx", xlsx_bytes(rows))}
    )
    batch = ImportBatch.objects.get()
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert batch.rejected == 1
    assert batch.errors[0]["column"] == "G"
    assert "性别为“男”,身份证号码显示为女" in html
