"""The livelihood ledgers through the import engine (issue 13): income surveys (收入调查台账) and village indicators
(村级指标台账) — dry run, commit, idempotent re-import, update with undo, rejected rows with their reasons."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.core.errors import DomainError
from lianxin.imports.models import ImportBatch
from lianxin.imports.services import batch_check, batch_commit, batch_undo, batch_upload
from lianxin.imports.tests.workbooks import xlsx_bytes, xlsx_from_rows
from lianxin.people.models import Person
from lianxin.people.tests import factories as people_factories

from .. import selectors, services
from ..models import IncomeSurvey, VillageIndicator
from . import factories

SURVEY_HEADER = [
    "村民小组",
    "户编号",
    "户主身份证号码",
    "户主姓名",
    "年度",
    "类型",
    "农业收入",
    "工资性收入",
    "经营性收入",
    "转移性收入",
    "财产性收入",
    "合计",
    "家庭人口",
    "调查日期",
    "备注",
]
INDICATOR_HEADER = ["村委会", "村民小组", "年度", "指标", "单位", "目标", "实绩"]


def _household(group, number, head_name, sequence):
    household = people_factories.household(group, number=number)
    number_id = people_factories.resident_id(sequence=sequence)
    people_factories.person(household, name=head_name, relation=Person.Relation.HEAD, resident_id=number_id)
    return household, number_id


@pytest.fixture
def homes(group_a1, group_a2):
    """Three households of 甲马石: one found by number, one by its head's ID, one by its head's name."""
    return {
        "by_number": _household(group_a1, "A1-001", "王大山", 801),
        "by_id": _household(group_a1, "A1-002", "李小河", 802),
        "by_name": _household(group_a2, "A2-001", "赵春花", 803),
    }


def _survey(group, number="", head_id="", head_name="", year=2022, kind="年度调查", figures=None, **extra):
    agriculture, wages, business, transfers, property_income, total = figures or (1000, 20000, 0, 500, 0, 21500)
    row = [
        group,
        number,
        head_id,
        head_name,
        year,
        kind,
        agriculture,
        wages,
        business,
        transfers,
        property_income,
        total,
        extra.get("persons", 4),
        extra.get("surveyed_on", date(year + 1, 1, 10)),
        extra.get("note", ""),
    ]
    return row


def _good_surveys(homes):
    _h, head_id = homes["by_id"]
    return [
        _survey("甲马石一组", number="A1-001", year=2020, kind="基线", figures=(6000, 24000, 0, 0, 0, 30000)),
        _survey("甲马石一组", number="A1-001", year=2022, kind="年度", figures=(1000, 20000, 0, 500, 0, 21500)),
        _survey("甲马石一组", head_id=head_id, year=2020, kind="征地前", figures=(5000, 10000, 0, 0, 0, 15000)),
        _survey("甲马石二组", head_name="赵春花", year=2022, kind="年度调查", figures=(0, 18000, 2000, 0, 0, None)),
    ]


def _import(tmp_path, user, ledger, header, rows, *, commit=True, name="ledger.xlsx", title="示例镇收入调查台账"):
    path = xlsx_from_rows(tmp_path / name, [[title], header, *rows])
    with open(path, "rb") as fh:
        batch = batch_upload(user=user, ledger=ledger, file=fh, file_name=path.name)
    return batch_commit(batch=batch, actor=user) if commit else batch_check(batch=batch)


def _surveys(tmp_path, user, rows, **kw):
    return _import(tmp_path, user, "income_surveys", SURVEY_HEADER, rows, **kw)


def _indicators(tmp_path, user, rows, header=INDICATOR_HEADER, **kw):
    return _import(tmp_path, user, "village_indicators", header, rows, title="示例镇村级发展指标", **kw)


def _messages(batch):
    return [(error["column"], error["message"]) for error in batch.errors]


# --- income surveys ------------------------------------------------------------------------------------------


def test_surveys_dry_run_commit_reimport_and_undo(tmp_path, village_a_clerk, system_admin, homes):
    rows = _good_surveys(homes)
    dry = _surveys(tmp_path, village_a_clerk, rows, commit=False)
    assert (dry.status, dry.rows_read, dry.to_create, dry.rejected) == (ImportBatch.Status.CHECKED, 4, 4, 0), dry.errors
    assert not IncomeSurvey.objects.exists()  # a dry run writes nothing

    batch = _surveys(tmp_path, village_a_clerk, rows)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    by_number = homes["by_number"][0]
    surveys = {(s.household_id, s.year): s for s in IncomeSurvey.objects.all()}
    assert len(surveys) == 4
    baseline = surveys[(by_number.pk, 2020)]
    assert (baseline.kind, baseline.total, baseline.village_group_id) == (
        "baseline",
        Decimal("30000"),
        by_number.village_group_id,
    )
    assert surveys[(homes["by_id"][0].pk, 2020)].kind == IncomeSurvey.Kind.BASELINE
    named = surveys[(homes["by_name"][0].pk, 2022)]
    assert (named.kind, named.total, named.persons) == ("yearly", Decimal("20000"), 4)  # no 合计: the sum

    again = _surveys(tmp_path, village_a_clerk, rows, name="again.xlsx")  # the same file again changes nothing
    assert (again.unchanged, again.to_create, again.to_update) == (4, 0, 0)

    rows[1] = _survey("甲马石一组", number="A1-001", year=2022, kind="年度", figures=(1000, 25000, 0, 500, 0, 26500))
    changed = _surveys(tmp_path, village_a_clerk, rows, name="changed.xlsx")
    assert (changed.unchanged, changed.to_create, changed.to_update) == (3, 0, 1)
    assert IncomeSurvey.objects.get(household=by_number, year=2022).total == Decimal("26500")

    with pytest.raises(DomainError, match="导入后又被修改过"):  # the first batch's survey was changed since
        batch_undo(batch=batch, actor=system_admin)
    batch_undo(batch=changed, actor=system_admin)
    survey = IncomeSurvey.objects.get(household=by_number, year=2022)
    assert (survey.wages, survey.total) == (Decimal("20000"), Decimal("21500"))  # the figures before the update


def test_undo_removes_the_surveys_the_batch_created(tmp_path, village_a_clerk, system_admin, homes):
    batch = _surveys(tmp_path, village_a_clerk, _good_surveys(homes))
    batch_undo(batch=batch, actor=system_admin)
    assert not IncomeSurvey.objects.exists()


def test_household_found_by_the_heads_resident_id(tmp_path, village_a_clerk, homes):
    household, head_id = homes["by_id"]
    other_id = homes["by_number"][1]
    rows = [
        _survey("甲马石一组", head_id=head_id, head_name="李小河", year=2020, kind="基线"),
        _survey("甲马石一组", number="A1-001", head_id=head_id, year=2021, kind="基线"),
        _survey("甲马石一组", head_id=other_id, head_name="李小河", year=2021, kind="基线"),
    ]
    batch = _surveys(tmp_path, village_a_clerk, rows, commit=False)
    assert batch.to_create == 1
    assert _messages(batch) == [
        ("C", "户主身份证号码与户编号A1-001不是同一户"),
        ("D", "户主姓名为“李小河”,与该户登记的户主不符"),
    ]
    batch = _surveys(tmp_path, village_a_clerk, rows[:1], name="one.xlsx")
    assert IncomeSurvey.objects.get().household_id == household.pk


def _reject(tmp_path, user, row, name="bad.xlsx"):
    batch = _surveys(tmp_path, user, [row], name=name)
    assert batch.status == ImportBatch.Status.FAILED
    assert not IncomeSurvey.objects.exists() or batch.to_create == 0
    return _messages(batch)


def test_rejected_survey_rows_name_the_rule(tmp_path, village_a_clerk, group_a1, homes):
    _household(group_a1, "A1-003", "王大山", 804)  # a second head named 王大山 in 甲马石一组
    cases = [
        (_survey("甲马石一组", number="A1-999"), ("B", "甲马石一组没有户编号为A1-999的户")),
        (
            _survey("甲马石一组", head_name="王大山"),
            ("D", "甲马石一组有2位名为“王大山”的户主,请填写户编号或户主身份证号码以区分"),
        ),
        (_survey("甲马石一组", head_name="张无名"), ("D", "甲马石一组没有名为“张无名”的户主")),
        (
            _survey("甲马石一组", number="A1-001", figures=(1000, 20000, 0, 500, 0, 22000)),
            ("L", "合计为22,000.00元,农业收入+工资性收入+经营性收入+转移性收入+财产性收入之和为21,500.00元"),
        ),
        (_survey("白革龙一组", number="B1-001"), ("A", "村民小组“白革龙一组”不存在或不在您的管辖范围内")),
        (_survey("甲马石一组", number="A1-001", year=1985), ("E", "年度应在1990至2100年之间")),
        (
            _survey("甲马石一组", number="A1-001", year=2022, surveyed_on=date(2021, 12, 1)),
            ("N", "调查日期不能早于所调查的年度"),
        ),
        (_survey("甲马石一组", number="A1-001", persons=0), ("M", "家庭人口应在1至99人之间")),
        (
            _survey("甲马石一组", head_id=people_factories.resident_id(sequence=990)),
            ("C", "户主身份证号码对应的人员未登记,请先导入户籍人口台账"),
        ),
        (
            _survey("甲马石一组", head_id=homes["by_name"][1]),
            ("C", "户主身份证号码对应的人员不在甲马石一组"),
        ),
        (_survey("甲马石一组"), ("B", "户编号、户主身份证号码、户主姓名至少填写一项")),
        (_survey("甲马石一组", number="A1-001", kind="随便"), ("F", "“随便”不是有效选项")),
    ]
    for index, (row, (column, message)) in enumerate(cases):
        found = _reject(tmp_path, village_a_clerk, row, name=f"bad{index}.xlsx")
        assert len(found) == 1, (message, found)
        assert found[0][0] == column, (message, found)
        assert found[0][1].startswith(message), (message, found)


def test_a_member_is_no_head(tmp_path, village_a_clerk, homes):
    number = people_factories.resident_id(sequence=805)
    people_factories.person(homes["by_number"][0], name="王小花", relation=Person.Relation.CHILD, resident_id=number)
    found = _reject(tmp_path, village_a_clerk, _survey("甲马石一组", head_id=number))
    assert found == [("C", "户主身份证号码对应的人员不是户主(与户主关系:子女)")]


def test_baseline_rules_against_stored_surveys_and_the_files_own_rows(
    tmp_path, village_a_clerk, working_group_member, homes
):
    household = homes["by_number"][0]
    services.survey_record(
        actor=working_group_member,
        household=household,
        year=2020,
        kind="baseline",
        surveyed_on=date(2021, 1, 5),
        persons=3,
        wages=Decimal("30000"),
    )
    rows = [
        _survey("甲马石一组", number="A1-001", year=2019, kind="基线"),  # a second baseline
        _survey("甲马石一组", number="A1-001", year=2020, kind="年度"),  # yearly in the baseline year
        _survey("甲马石一组", number="A1-002", year=2019, kind="基线"),  # new household: baseline from the file …
        _survey("甲马石一组", number="A1-002", year=2021, kind="基线"),  # … so a second one in the file is refused
        _survey("甲马石一组", number="A1-002", year=2018, kind="年度"),  # and a yearly survey before it
        _survey("甲马石一组", number="A1-002", year=2022, kind="年度"),
    ]
    batch = _surveys(tmp_path, village_a_clerk, rows, commit=False)
    assert batch.to_create == 2
    assert _messages(batch) == [
        ("F", "该户已有2020年的基线调查,每户只有一次基线调查"),
        ("E", "年度调查的年度应晚于基线年度(2020年)"),
        ("F", "该户已有2019年的基线调查,每户只有一次基线调查"),
        ("E", "年度调查的年度应晚于基线年度(2019年)"),
    ]


def test_an_imported_survey_shows_on_the_alert_list_as_one_entered_on_the_page(
    tmp_path, login_as, village_a_clerk, working_group_member, system_admin, homes
):
    entered, imported = homes["by_number"][0], homes["by_id"][0]
    for household in (entered, imported):
        services.survey_record(
            actor=village_a_clerk,
            household=household,
            year=2020,
            kind="baseline",
            surveyed_on=date(2021, 1, 5),
            persons=3,
            wages=Decimal("30000"),
        )
    services.survey_record(
        actor=village_a_clerk,
        household=entered,
        year=2022,
        kind="yearly",
        surveyed_on=date(2023, 1, 10),
        persons=4,
        agriculture=Decimal("1000"),
        wages=Decimal("20000"),
        transfers=Decimal("500"),
    )
    batch = _surveys(
        tmp_path, village_a_clerk, [_survey("甲马石一组", head_id=homes["by_id"][1], year=2022, kind="年度调查")]
    )
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors

    alerts = {row.household_id: row for row in selectors.alert_list(user=village_a_clerk, year=2022)}
    assert set(alerts) == {entered.pk, imported.pk}
    fields = ("before", "total", "fall", "base_year", "village_group_id", "follow_up_case_id", "contact_task_status")
    assert [getattr(alerts[imported.pk], f) for f in fields] == [getattr(alerts[entered.pk], f) for f in fields]
    assert selectors.comparison_for(household=imported, year=2022) == selectors.comparison_for(
        household=entered, year=2022
    )
    page = login_as(village_a_clerk).get(reverse("livelihood:alerts") + "?year=2022")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="follow-up"') == 2

    # a follow-up registered on the imported survey, as on any: then the batch can no longer be undone
    services.follow_up_register(actor=working_group_member, household=imported, year=2022)
    with pytest.raises(DomainError, match="已登记收入下降跟进"):
        batch_undo(batch=batch, actor=system_admin)


def test_survey_import_through_the_api_and_the_command(tmp_path, client, bearer, village_a_clerk, homes):
    rows = _good_surveys(homes)
    sheet = xlsx_bytes([SURVEY_HEADER, *[[c.isoformat() if isinstance(c, date) else c for c in r] for r in rows]])
    headers = bearer(village_a_clerk)
    created = client.post(
        "/api/imports/batches",
        {"ledger": "income_surveys", "file": SimpleUploadedFile("surveys.xlsx", sheet)},
        headers=headers,
    )
    assert created.status_code == 202, created.content
    batch_id = created.json()["id"]
    assert client.get(f"/api/imports/batches/{batch_id}", headers=headers).json()["to_create"] == 4
    assert client.post(f"/api/imports/batches/{batch_id}/commit", headers=headers).status_code == 202
    assert IncomeSurvey.objects.count() == 4

    path = xlsx_from_rows(tmp_path / "cmd.xlsx", [SURVEY_HEADER, *rows])
    call_command("import_ledger", "income_surveys", str(path), "--user", village_a_clerk.username, "--dry-run")
    bad = xlsx_from_rows(tmp_path / "bad.xlsx", [SURVEY_HEADER, _survey("甲马石一组", number="A1-999")])
    with pytest.raises(CommandError, match="rows rejected"):
        call_command("import_ledger", "income_surveys", str(bad), "--user", village_a_clerk.username)


# --- village indicators --------------------------------------------------------------------------------------


def test_indicators_dry_run_commit_reimport_update_and_undo(
    tmp_path, working_group_member, system_admin, village_a, group_a1
):
    rows = [
        ["甲马石村委会", None, 2012, "农村经济总收入", None, "6200万元", "5980万元"],
        ["甲马石村", None, 2012, "农民人均纯收入", "元", 3600, 3420],
        ["甲马石", "甲马石一组", 2012, "斗牛", None, "124头", 118],
        ["甲马石村", None, 2012, "玉米", "亩", 3000, "3150亩"],
        ["甲马石村", None, 2012, "烤烟种植面积(亩)", None, "1,200", None],
        ["甲马石村", None, 2012, "农民纯收入", "万元", 1800, None],
    ]
    dry = _indicators(tmp_path, working_group_member, rows, commit=False)
    assert (dry.to_create, dry.rejected) == (6, 0), dry.errors
    assert not VillageIndicator.objects.exists()

    batch = _indicators(tmp_path, working_group_member, rows)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    stored = {(r.region_id, r.indicator): (r.target, r.actual) for r in VillageIndicator.objects.all()}
    assert stored == {
        (village_a.pk, "total_income"): (Decimal("62000000"), Decimal("59800000")),
        (village_a.pk, "net_income_per_capita"): (Decimal("3600"), Decimal("3420")),
        (group_a1.pk, "cattle"): (Decimal("124"), Decimal("118")),
        (village_a.pk, "corn"): (Decimal("3000"), Decimal("3150")),
        (village_a.pk, "tobacco"): (Decimal("1200"), None),
        (village_a.pk, "net_income"): (Decimal("18000000"), None),
    }

    again = _indicators(tmp_path, working_group_member, rows, name="again.xlsx")
    assert (again.unchanged, again.to_create, again.to_update) == (6, 0, 0)

    # the actual of tobacco arrives; the target column left empty keeps the stored target
    update = _indicators(
        tmp_path, working_group_member, [["甲马石村", None, 2012, "烤烟", None, None, 1260]], name="update.xlsx"
    )
    assert (update.to_update, update.to_create) == (1, 0)
    tobacco = VillageIndicator.objects.get(indicator="tobacco")
    assert (tobacco.target, tobacco.actual) == (Decimal("1200"), Decimal("1260"))

    batch_undo(batch=update, actor=system_admin)
    tobacco.refresh_from_db()
    assert (tobacco.target, tobacco.actual) == (Decimal("1200"), None)
    with pytest.raises(DomainError, match="导入后又被修改过"):
        batch_undo(batch=batch, actor=system_admin)


def test_undo_removes_the_indicators_the_batch_created(tmp_path, working_group_member, system_admin, village_a):
    batch = _indicators(tmp_path, working_group_member, [["甲马石村", None, 2012, "牛", None, 124, None]])
    batch_undo(batch=batch, actor=system_admin)
    assert not VillageIndicator.objects.exists()


def test_money_in_wanyuan_from_the_header(tmp_path, working_group_member, village_a):
    header = ["村", "年度", "指标", "目标(万元)", "实绩(万元)"]
    batch = _indicators(
        tmp_path, working_group_member, [["甲马石村", 2012, "经济总收入", 6200, "5980.5"]], header=header
    )
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    row = VillageIndicator.objects.get()
    assert (row.target, row.actual) == (Decimal("62000000"), Decimal("59805000"))
    # cattle under a header in 万元 would be read 10,000 times too large: refused
    cattle = _indicators(
        tmp_path, working_group_member, [["甲马石村", 2012, "牛", 124, None]], header=header, name="cattle.xlsx"
    )
    assert _messages(cattle) == [("D", "单位为“万元”,指标“牛存栏(头)”应以头计")]


def test_rejected_indicator_rows_name_the_rule(tmp_path, make_user, village_a, village_b, group_a1):
    office = make_user("village_office", Role.WORKING_GROUP, scope_region=village_a)
    rows = [
        ["甲马石村", None, 2012, "牛", None, None, None],
        ["白革龙村", None, 2012, "牛", None, 10, None],
        ["甲马石村", None, 2012, "牛", "万元", 10, None],
        ["甲马石村", None, 2012, "牛", None, "12.5", None],
        ["甲马石村", None, 2012, "玉米", None, "3000头", None],
        ["甲马石村", None, 1980, "牛", None, 10, None],
        ["甲马石村", None, 2012, "茶叶", None, 10, None],
        ["甲马石村", "甲马石九组", 2012, "牛", None, 10, None],
    ]
    batch = _indicators(tmp_path, office, rows)
    assert batch.status == ImportBatch.Status.FAILED
    assert _messages(batch) == [
        ("F", "目标和实绩至少填写一项"),
        ("A", "村“白革龙村”不存在或不在您的管辖范围内"),
        ("F", "单位为“万元”,指标“牛存栏(头)”应以头计"),
        ("F", "应为整数:12.5"),
        ("F", "面积应为数字:3000头"),
        ("C", "年度应在1990至2100年之间"),
        (
            "D",
            "“茶叶”不是有效选项,可选:牛存栏(头)、牛存栏、生猪存栏(头)、生猪存栏、山羊存栏(只)、山羊存栏、玉米种植面积(亩)、玉米种植面积、甘蔗种植面积(亩)、甘蔗种植面积、烤烟种植面积(亩)、烤烟种植面积…",
        ),
        ("B", "村民小组“甲马石九组”不存在或不在您的管辖范围内"),
    ]
    assert not VillageIndicator.objects.exists()


def test_indicator_import_through_the_api_and_the_command(tmp_path, client, bearer, working_group_member, village_a):
    sheet = xlsx_bytes([INDICATOR_HEADER, ["甲马石村", None, 2012, "甘蔗", None, 800, 760]])
    headers = bearer(working_group_member)
    created = client.post(
        "/api/imports/batches",
        {"ledger": "village_indicators", "file": SimpleUploadedFile("ind.xlsx", sheet)},
        headers=headers,
    )
    assert created.status_code == 202, created.content
    assert client.post(f"/api/imports/batches/{created.json()['id']}/commit", headers=headers).status_code == 202
    assert VillageIndicator.objects.get().actual == Decimal("760")

    path = xlsx_from_rows(tmp_path / "cmd.xlsx", [INDICATOR_HEADER, ["甲马石村", None, 2012, "甘蔗", None, 800, 770]])
    call_command("import_ledger", "village_indicators", str(path), "--user", working_group_member.username)
    assert VillageIndicator.objects.get().actual == Decimal("770")


# --- permissions, templates, links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ledger", "role", "allowed"),
    [
        ("income_surveys", "village_a_clerk", True),
        ("income_surveys", "working_group_member", True),
        ("income_surveys", "town_admin", False),
        ("village_indicators", "working_group_member", True),
        ("village_indicators", "village_a_clerk", False),
        ("village_indicators", "town_admin", False),
    ],
)
def test_who_may_import_and_download_the_template(request, login_as, ledger, role, allowed):
    user = request.getfixturevalue(role)
    response = login_as(user).get(reverse("imports:template", args=[ledger]))
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_livelihood_pages_link_to_their_imports(
    login_as, village_a_clerk, town_admin, working_group_member, group_a1, project, default_rule
):
    household = factories.household_with_land(group_a1, contracted="1")
    factories.take_land(project, household, working_group_member, mu="1")
    detail = reverse("livelihood:household", args=[household.pk])
    page = login_as(village_a_clerk).get(detail)
    assert page.status_code == 200
    assert "?ledger=income_surveys" in page.content.decode()
    assert "?ledger=income_surveys" not in login_as(town_admin).get(detail).content.decode()  # reads only
    assert "?ledger=income_surveys" in login_as(village_a_clerk).get(reverse("livelihood:alerts")).content.decode()
    assert (
        "?ledger=village_indicators"
        not in login_as(village_a_clerk).get(reverse("livelihood:indicators")).content.decode()
    )
    assert (
        "?ledger=village_indicators"
        in login_as(working_group_member).get(reverse("livelihood:indicators")).content.decode()
    )
    form = login_as(working_group_member).get(reverse("imports:batch-create") + "?ledger=village_indicators")
    assert form.status_code == 200


def test_indicators_through_the_import_page(login_as, working_group_member, village_a):
    client = login_as(working_group_member)
    sheet = xlsx_bytes([INDICATOR_HEADER, ["甲马石村", None, 2012, "农村经济总收入", None, "6200万元", None]])
    data = {"ledger": "village_indicators", "mode": "all", "file": SimpleUploadedFile("指标.xlsx", sheet)}
    response = client.post(reverse("imports:batch-create"), data)
    assert response.status_code == 302
    assert 'data-figure="to_create">1<' in client.get(response["Location"]).content.decode()
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:batch-commit", args=[batch.pk]))
    assert VillageIndicator.objects.get().target == Decimal("62000000")
