"""The roster (党员花名册) and the pipeline history (发展党员过程台账) through the import engine: the same rules as
the pages, bad rows named with their rule, a second import changing nothing."""

from datetime import date, timedelta

import pytest
import xlsxwriter
from django.utils import timezone

from lianxin.imports.engine import run_import
from lianxin.imports.ledger import Context
from lianxin.imports.reading import open_table
from lianxin.party.ledger import MemberRosterLedger, PipelineStepLedger
from lianxin.party.models import DevelopmentStep, Member, Step

from . import factories

pytestmark = pytest.mark.django_db

ROSTER = [
    "序号",
    "姓名",
    "身份证号码",
    "党组织",
    "人员类别",
    "入党申请日期",
    "入党日期",
    "转正日期",
    "使用语言",
    "选派到",
]
STEPS = ["姓名", "身份证号码", "党支部", "环节", "日期", "入党介绍人", "公示开始日期", "说明"]


def _workbook(path, headers, rows, title):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.merge_range(0, 0, 0, len(headers) - 1, title)
    sheet.write_row(1, 0, headers)
    for i, row in enumerate(rows):
        sheet.write_row(2 + i, 0, row)
    workbook.close()
    return path


def _run(path, ledger, user, commit=True):
    with open_table(path, original_name=path.name) as table:
        summary, _match = run_import(table=table, ledger=ledger, ctx=Context(user=user), commit=commit)
    return summary


def _id(person) -> str:
    from lianxin.core import crypto
    from lianxin.people.identity import RESIDENT_ID_PURPOSE

    return crypto.decrypt(person.resident_id_ciphertext, purpose=RESIDENT_ID_PURPOSE)


def test_the_roster_imports_members_of_the_population_register(
    tmp_path, party_officer, branch_a, township_committee, group_a1, group_a2
):
    a = factories.person(group_a1, name="王大山", birth=date(1970, 1, 1))
    b = factories.person(group_a1, name="李小花", birth=date(1990, 1, 1), male=False)
    temporary = factories.branch(party_officer, township_committee, group_a2, "二组临时党支部", kind="temporary_branch")
    joined = timezone.localdate() - timedelta(days=200)
    rows = [
        [
            1,
            "王大山",
            _id(a),
            "甲马石村党支部",
            "正式党员",
            "1998-01-10",
            "1999-07-01",
            "2000-07-01",
            "汉语、苗语",
            "二组临时党支部",
        ],
        [2, "李小花", _id(b), "甲马石村党支部", "预备党员", "", joined.isoformat(), "", "汉语", ""],
    ]
    summary = _run(
        _workbook(tmp_path / "花名册.xlsx", ROSTER, rows, "甲马石村党支部党员花名册"),
        MemberRosterLedger(),
        party_officer,
    )
    assert not summary.errors, summary.errors
    wang = Member.objects.get(person=a)
    assert (wang.stage, wang.full_on, wang.seconded_to) == (Member.Stage.FULL, date(2000, 7, 1), temporary)
    assert {lang.name for lang in wang.languages.all()} == {"汉语", "苗语"}
    li = Member.objects.get(person=b)
    assert li.next_step == Step.FULL_REQUEST
    # a second import of the same file changes nothing
    again = _run(_workbook(tmp_path / "again.xlsx", ROSTER, rows, "花名册"), MemberRosterLedger(), party_officer)
    assert not again.errors
    assert Member.objects.count() == 2


def test_roster_rows_breaking_the_rules_are_named(tmp_path, party_officer, branch_a, group_a1):
    a = factories.person(group_a1, name="王大山", birth=date(1970, 1, 1))
    b = factories.person(group_a1, name="赵四", birth=date(2000, 6, 1))
    rows = [
        [1, "王大山", _id(a), "甲马石村党支部", "正式党员", "", "1999-07-01", "2000-08-01", "", ""],
        [2, "赵四", _id(b), "甲马石村党支部", "预备党员", "2018-05-31", "2020-01-01", "", "", ""],
        [3, "张冒名", _id(a), "甲马石村党支部", "正式党员", "", "1999-07-01", "2000-07-01", "", ""],
    ]
    summary = _run(
        _workbook(tmp_path / "bad.xlsx", ROSTER, rows, "花名册"), MemberRosterLedger(), party_officer, commit=False
    )
    messages = {e.row: e.message for e in summary.errors}
    assert "预备期满之日2000-07-01" in messages[3]
    assert "第五条" in messages[4]
    assert "不一致" in messages[5] or "重复" in messages[5]
    assert not Member.objects.exists()


def test_the_pipeline_history_refuses_an_eleven_month_activist_like_the_page(
    tmp_path, party_officer, branch_a, group_a1
):
    veteran = factories.member(party_officer, branch_a, group_a1, name="老党员")
    person = factories.person(group_a1, name="新同志", birth=date(1996, 1, 1))
    today = timezone.localdate()
    applied = today - timedelta(days=700)
    designated = today - timedelta(days=335)
    rows = [
        ["新同志", _id(person), "甲马石村党支部", "递交入党申请书", applied.isoformat(), "", "", ""],
        ["新同志", _id(person), "", "党组织派人谈话", (applied + timedelta(days=9)).isoformat(), "", "", ""],
        ["新同志", _id(person), "", "确定入党积极分子", designated.isoformat(), "", "", ""],
        ["新同志", _id(person), "", "入党积极分子报上级党委备案", designated.isoformat(), "", "", ""],
        ["新同志", _id(person), "", "指定培养联系人", designated.isoformat(), "老党员", "", ""],
        ["新同志", _id(person), "", "培养教育考察", (designated + timedelta(days=150)).isoformat(), "", "", ""],
        ["新同志", _id(person), "", "确定发展对象", today.isoformat(), "", today.isoformat(), ""],
    ]
    path = _workbook(tmp_path / "发展.xlsx", STEPS, rows, "发展党员过程台账")
    dry = _run(path, PipelineStepLedger(), party_officer, commit=False)
    assert [e.row for e in dry.errors] == [9]
    assert "第十三条" in dry.errors[0].message
    assert not Member.objects.filter(person=person).exists()

    # without the last row, the history commits through the services
    path = _workbook(tmp_path / "发展2.xlsx", STEPS, rows[:-1], "发展党员过程台账")
    summary = _run(path, PipelineStepLedger(), party_officer)
    assert not summary.errors, summary.errors
    member = Member.objects.get(person=person)
    assert member.stage == Member.Stage.ACTIVIST
    assert member.steps.count() == 6
    assert list(DevelopmentStep.objects.get(member=member, step=Step.CONTACTS).people.all()) == [veteran]
    # and importing it again adds nothing
    again = _run(path, PipelineStepLedger(), party_officer)
    assert not again.errors
    assert member.steps.count() == 6
