"""Historical cases through the import engine: one row per case, keyed by number; bad rows named with the rule."""

from datetime import date

import pytest
import xlsxwriter

from lianxin.cases import services
from lianxin.cases.ledger import CaseLedger
from lianxin.cases.models import Case, CaseEvent
from lianxin.imports.engine import run_import
from lianxin.imports.ledger import Context
from lianxin.imports.reading import open_table

HEADERS = [
    "编号",
    "类别",
    "标题",
    "所属区域",
    "登记日期",
    "受理日期",
    "办结日期",
    "归档日期",
    "纠纷类别",
    "调处结果",
    "案件类型",
    "是否破案",
    "抓获人数",
    "满意度",
]


def _workbook(path, rows):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "示范镇矛盾纠纷排查调处台账")
    sheet.write_row(1, 0, HEADERS)
    for i, row in enumerate(rows):
        sheet.write_row(2 + i, 0, row)
    workbook.close()
    return path


def _run(path, user, commit=True):
    with open_table(path, original_name=path.name) as table:
        summary, _match = run_import(table=table, ledger=CaseLedger(), ctx=Context(user=user), commit=commit)
    return summary


@pytest.fixture
def rows(village_a):
    return [
        [
            "JF-2011-0007",
            "矛盾纠纷",
            "补偿款分配纠纷",
            village_a.name,
            "2011-05-09",
            "2011-05-10",
            "2011-05-30",
            "2011-06-08",
            "征地补偿",
            "达成调解协议",
            "",
            "",
            "",
            5,
        ],
        [
            "ZA-2011-0003",
            "治安案件",
            "钢材被盗",
            village_a.name,
            "2011-07-01",
            "2011-07-01",
            "2011-07-20",
            "",
            "",
            "",
            "盗窃",
            "是",
            2,
            "",
        ],
        [
            "JF-2011-0008",
            "矛盾纠纷",
            "界线纠纷",
            village_a.name,
            "2011-08-01",
            "",
            "",
            "",
            "土地权属界线",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def test_import_historical_cases(tmp_path, rows, working_group_member, village_a):
    summary = _run(_workbook(tmp_path / "台账.xlsx", rows), working_group_member)
    assert not summary.errors, summary.errors
    dispute = Case.objects.get(number="JF-2011-0007")
    assert (dispute.state, dispute.dispute_outcome, dispute.satisfaction) == ("closed", "agreement", 5)
    assert dispute.due_on
    assert dispute.accepted_on == date(2011, 5, 10)
    theft = Case.objects.get(number="ZA-2011-0003")
    assert (theft.state, theft.solved, theft.suspects_caught) == ("resolved", True, 2)
    assert Case.objects.get(number="JF-2011-0008").state == "registered"
    assert CaseEvent.objects.filter(case=dispute).count() == 2
    # a new case of 2011 never takes an imported number
    from django.utils import timezone

    later = services.dispute_register(
        actor=working_group_member,
        title="补登",
        description="补登",
        region=village_a,
        category="other",
        registered_at=timezone.datetime(2011, 9, 1, 12, tzinfo=timezone.get_current_timezone()),
    )
    assert later.number == "JF-2011-0009"
    # importing the same file again changes nothing
    again = _run(_workbook(tmp_path / "again.xlsx", rows), working_group_member)
    assert Case.objects.count() == 4
    assert not again.errors


def test_bad_rows_are_named(tmp_path, rows, working_group_member):
    rows[0][0] = "QS-2011-0001"  # prefix of a request on a dispute
    rows[1][5] = "2011-06-01"  # accepted before registered
    rows[2][8] = ""  # dispute without category
    summary = _run(_workbook(tmp_path / "bad.xlsx", rows), working_group_member, commit=False)
    messages = " ".join(e.message for e in summary.errors)
    assert "前缀" in messages
    assert "日期先后" in messages
    assert "纠纷类别" in messages
    assert Case.objects.count() == 0


def test_police_cannot_import_disputes(tmp_path, rows, police):
    summary = _run(_workbook(tmp_path / "p.xlsx", rows[:1]), police, commit=False)
    assert any("无权" in e.message for e in summary.errors)
