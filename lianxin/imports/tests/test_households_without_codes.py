"""Person rosters without a household-code column (issue 15): the household comes from the head's resident
ID, else the head's name in the village group, else the row order; ambiguities reject those rows."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianxin.imports.tests.workbooks import xlsx_bytes
from lianxin.people.models import Household, Person
from lianxin.people.tests.factories import resident_id

HEAD, WIFE, SON = resident_id(sequence=801), resident_id(sequence=802, male=False), resident_id(sequence=803)
HEAD2, DAUGHTER = resident_id(sequence=804), resident_id(sequence=805, male=False)


def _run(tmp_path, rows, user, *, dry_run=False, name="花名册.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    call_command("import_ledger", "persons", str(path), user=user.username, dry_run=dry_run)


def _households():
    return sorted(
        sorted(Person.objects.filter(household=h).values_list("name", flat=True)) for h in Household.objects.all()
    )


def test_by_the_heads_resident_id_and_reimport_changes_nothing(tmp_path, group_a1, working_group_member, capsys):
    rows = [
        ["村民小组", "姓名", "身份证号码", "与户主关系", "户主身份证号码"],
        ["甲马石一组", "王五", HEAD, "户主", HEAD],
        ["甲马石一组", "李芳", WIFE, "配偶", HEAD],
        ["甲马石一组", "赵六", HEAD2, "户主", HEAD2],
        ["甲马石一组", "王小", SON, "子女", HEAD],
    ]
    _run(tmp_path, rows, working_group_member, dry_run=True)
    printed = capsys.readouterr().out
    assert "note: 没有户编号,按户主身份证号码分户:共2户;前几户:王五户(3人)、赵六户(1人)" in printed
    _run(tmp_path, rows, working_group_member)
    assert _households() == [["李芳", "王五", "王小"], ["赵六"]]
    assert HEAD not in "".join(Household.objects.values_list("number", flat=True))  # no ID as a number
    capsys.readouterr()
    _run(tmp_path, rows, working_group_member)
    printed = capsys.readouterr().out
    assert "unchanged: 4" in printed
    assert Household.objects.count() == 2


def test_by_the_heads_name_in_the_village_group(tmp_path, group_a1, working_group_member, capsys):
    rows = [
        ["所属村民小组", "姓名", "公民身份号码", "与户主关系", "户主姓名"],
        ["甲马石一组", "王五", HEAD, "户主", "王五"],
        ["甲马石一组", "赵六", HEAD2, "户主", "赵六"],
        ["甲马石一组", "李芳", WIFE, "配偶", "王五"],
        ["甲马石一组", "赵丽", DAUGHTER, "子女", "赵六"],
    ]
    _run(tmp_path, rows, working_group_member)
    assert "按村民小组内的户主姓名分户:共2户" in capsys.readouterr().out
    assert _households() == [["李芳", "王五"], ["赵丽", "赵六"]]


def test_two_heads_of_one_name_reject_with_a_reason(tmp_path, group_a1, working_group_member, capsys):
    rows = [
        ["村民小组", "姓名", "身份证号码", "与户主关系", "户主姓名"],
        ["甲马石一组", "王五", HEAD, "户主", "王五"],
        ["甲马石一组", "王五", HEAD2, "户主", "王五"],
        ["甲马石一组", "李芳", WIFE, "配偶", "王五"],
    ]
    with pytest.raises(CommandError, match="rows rejected"):
        _run(tmp_path, rows, working_group_member)
    printed = capsys.readouterr().out
    assert "rejected: 2" in printed
    assert "村民小组中有两位名为“王五”的户主,请填写“户主身份证号码”列以区分" in printed
    assert not Person.objects.exists()  # all or nothing


def test_by_row_order_members_follow_their_head(tmp_path, group_a1, working_group_member, capsys):
    rows = [
        ["村民小组", "姓名", "身份证号码", "与户主关系"],
        ["甲马石一组", "李芳", WIFE, "配偶"],  # before any head
        ["甲马石一组", "王五", HEAD, "户主"],
        ["甲马石一组", "王小", SON, "子女"],
        ["甲马石一组", "赵六", HEAD2, "户主"],
        ["甲马石一组", "赵丽", DAUGHTER, "子女"],
    ]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, working_group_member, dry_run=True)
    printed = capsys.readouterr().out
    assert "rejected: 1" in printed
    assert "row 2 column D (与户主关系) value “配偶”: 没有户编号,此行之前也没有户主行,无法确定所属的户" in printed
    assert "按行的顺序(成员行紧跟户主行)分户:共2户;前几户:王五户(2人)、赵六户(2人)" in printed

    _run(tmp_path, [rows[0], *rows[2:]], working_group_member)
    assert _households() == [["王五", "王小"], ["赵丽", "赵六"]]
    capsys.readouterr()
    _run(tmp_path, [rows[0], *rows[2:]], working_group_member)
    assert "unchanged: 4" in capsys.readouterr().out


def test_without_codes_heads_or_relations_the_file_says_what_is_missing(
    tmp_path, group_a1, working_group_member, capsys
):
    rows = [["村民小组", "姓名", "身份证号码"], ["甲马石一组", "王五", HEAD]]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, working_group_member)
    assert "缺少户编号列" in capsys.readouterr().out
