"""The audit log and the security events read as Chinese sentences, not as stored values (issue 10, items 13–14)."""

import io
import re

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.accounts.services import security_event_record, user_create, user_set_active, user_set_role
from lianxin.cases.models import Case

# --- item 13: the audit log ------------------------------------------------------------------


def _changes_cells(html: str) -> list[str]:
    rows = re.findall(r"<tr>\s*<td class=\"text-nowrap\">.*?</tr>", html, re.S)
    return [re.sub(r"<[^>]+>", "", row.split("<td>")[-1]) for row in rows]


def _audit(login_as, admin, **params) -> str:
    return login_as(admin).get(reverse("accounts:audit-list"), params).content.decode()


def test_booleans_read_yes_and_no(login_as, system_admin, village_a_clerk):
    user_set_active(user=village_a_clerk, active=False, actor=system_admin)

    html = _audit(login_as, system_admin, actor=system_admin.username)

    assert "是 → 否" in html
    assert "True" not in html
    assert "False" not in html


def test_a_scope_change_names_the_regions_not_their_ids(login_as, system_admin, village_a_clerk, village_b):
    user_set_role(
        user=village_a_clerk, role=Role.VILLAGE_CADRE, scope_region=village_b, scope_enterprise=None, actor=system_admin
    )

    cells = _changes_cells(_audit(login_as, system_admin, actor=system_admin.username))

    assert any("管辖区域:甲马石村 → 白革龙村" in cell for cell in cells)
    assert not any(re.search(r"管辖区域:.*→ \d+", cell) for cell in cells)


def test_a_new_account_shows_only_the_fields_it_filled(login_as, system_admin, village_a):
    user_create(
        username="newbie", full_name="新人", role=Role.VILLAGE_CADRE, scope_region=village_a, actor=system_admin
    )

    entry = LogEntry.objects.get(action=LogEntry.Action.CREATE, object_repr="新人")
    html = _audit(login_as, system_admin, object_id=entry.object_pk, action=LogEntry.Action.CREATE)

    cell = _changes_cells(html)[0]  # the newest entry
    assert "姓名:— → 新人" in cell
    assert "管辖区域:— → 甲马石村" in cell
    assert "下次登录须修改密码:— → 是" in cell
    for unused in ("姓氏", "电子邮件地址", "email", "last_name", "ID"):
        assert unused not in cell


def test_times_in_changes_are_local_time_without_seconds(login_as, system_admin):
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk="1",
        object_id=1,
        object_repr="案件",
        action=LogEntry.Action.UPDATE,
        changes={"resolved_at": ["None", "2026-12-03 00:30:12.345678"], "created_at": ["a", "b"]},
    )

    cell = _changes_cells(_audit(login_as, system_admin, action=LogEntry.Action.UPDATE))[0]

    assert "办结时间:— → 2026-12-03 08:30" in cell
    assert "00:30" not in cell
    assert "创建时间" not in cell  # the row's own timestamps: the entry's time says when


def test_unchanged_values_are_left_out(login_as, system_admin, village_a_clerk):
    LogEntry.objects.log_create(
        village_a_clerk,
        action=LogEntry.Action.UPDATE,
        changes={"email": ["None", ""], "is_active": ["True", "True"], "first_name": ["甲", "乙"]},
        force_log=True,
    )

    cell = _changes_cells(_audit(login_as, system_admin, object_id=village_a_clerk.pk, action=LogEntry.Action.UPDATE))[
        0
    ]

    assert cell.strip() == "姓名:甲 → 乙"


def test_the_action_filter_is_in_chinese(login_as, system_admin):
    html = _audit(login_as, system_admin)

    select = re.search(r'<select name="action".*?</select>', html, re.S).group(0)
    labels = re.findall(r">([^<]+)</option>", select)
    assert labels == ["全部", "新增", "修改", "删除", "查看敏感信息"]


def test_the_filtered_log_exports_to_xlsx(login_as, system_admin, village_a_clerk, village_b_clerk):
    user_set_active(user=village_a_clerk, active=False, actor=system_admin)
    user_set_active(user=village_b_clerk, active=False, actor=system_admin)
    user_set_active(user=village_b_clerk, active=True, actor=system_admin)

    response = login_as(system_admin).get(
        reverse("accounts:audit-export"), {"object_id": village_b_clerk.pk, "action": LogEntry.Action.UPDATE}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "审计日志"
    header = values[2]
    assert list(header[1:8]) == ["时间", "操作人", "IP地址", "操作", "对象类型", "对象编号", "变更内容(原值 → 新值)"]
    body = [row for row in values[3:] if isinstance(row[0], int)]
    updates = [row for row in body if row[4] == "修改" and "有效" in (row[7] or "")]
    assert [row[7] for row in updates] == ["有效:否 → 是", "有效:是 → 否"]
    assert all(row[6] == str(village_b_clerk.pk) for row in body)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body[0][1])
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).latest("sequence")
    assert event.detail["list"] == "accounts.audit"
    assert event.detail["rows"] == len(body)


def test_the_export_is_for_the_administrator_only(login_as, town_admin):
    assert login_as(town_admin).get(reverse("accounts:audit-export")).status_code == 403


# --- item 14: security events in words ----------------------------------------------------------

EVENTS = [
    (SecurityEvent.Kind.LOGIN, {}, "—"),
    (SecurityEvent.Kind.LOGIN_FAILED, {}, "—"),
    (SecurityEvent.Kind.LOCKOUT, {"by": "account_address"}, "连续登录失败,账号在该地址锁定15分钟"),
    (SecurityEvent.Kind.LOCKOUT, {"by": "address", "minutes": 15}, "同一地址登录失败过多,该地址暂停登录15分钟"),
    (
        SecurityEvent.Kind.LOCKOUT,
        {"by": "account_address", "second_factor": True},
        "连续输错双因素验证码,账号在该地址锁定15分钟",
    ),
    (SecurityEvent.Kind.TWO_FACTOR_FAILED, {}, "—"),
    (
        SecurityEvent.Kind.TWO_FACTOR_ENROLLED,
        {"recovery_codes": 10},
        "启用双因素认证(验证器App),发放恢复码10个",
    ),
    (SecurityEvent.Kind.RECOVERY_CODES_ISSUED, {"recovery_codes": 10}, "重新生成恢复码10个,原有恢复码作废"),
    (SecurityEvent.Kind.TWO_FACTOR_DISABLED, {"tokens_revoked": 2}, "本人停用双因素认证,吊销API令牌2个"),
    (
        SecurityEvent.Kind.TWO_FACTOR_RESET,
        {"account": "cadre", "had_factor": True, "tokens_revoked": 0},
        "重置了账号 cadre 的双因素认证(下次登录须重新绑定)",
    ),
    (
        SecurityEvent.Kind.PERMISSION_CHANGED,
        {"account": "cadre", "active": False, "tokens_revoked": 3},
        "停用账号 cadre,吊销API令牌3个",
    ),
    (
        SecurityEvent.Kind.PERSONAL_DATA_PURGED,
        {"purge_run": 3, "counts": {"people.departed_persons": 4, "imports.uploaded_files": 0}, "trigger": "schedule"},
        "清除超期个人信息4条(迁出或死亡人员的身份证号码和手机号码4条)",
    ),
    (
        SecurityEvent.Kind.CHAIN_KEYED,
        {"legacy_events": 40, "legacy_last_sequence": 40, "legacy_head": "ab" * 32},
        "事件链启用密钥签名:此前的40条事件(至第40条)由本条封存",
    ),
    (
        SecurityEvent.Kind.ID_REVEAL,
        {
            "import_batch": 7,
            "ledger": "persons",
            "file": "original",
            "resident_ids": 12,
            "phones": 3,
            "other_numbers": 0,
        },
        "下载导入批次 #7(户籍人口台账)的完整原始文件:含身份证号码12个、手机号码3个、其他号码0个",
    ),
    (
        SecurityEvent.Kind.EXPORT,
        {"import_batch": 7, "file": "annotated", "masked": True, "masked_values": 15},
        "下载导入批次 #7 的错误标注文件(已遮蔽15个号码)",
    ),
    (
        SecurityEvent.Kind.IMPORT,
        {"files_deleted": [3, 4], "retention_days": 30},
        "按保存期限(30天)删除导入原始文件2个",
    ),
    (SecurityEvent.Kind.LOGOUT, {}, "—"),
    (SecurityEvent.Kind.PASSWORD_CHANGED, {}, "本人修改密码"),
    (
        SecurityEvent.Kind.PASSWORD_CHANGED,
        {"account": "cadre", "reset": True, "tokens_revoked": 2},
        "重置了账号 cadre 的密码(新的一次性密码,下次登录须修改),吊销API令牌2个",
    ),
    (
        SecurityEvent.Kind.PERMISSION_CHANGED,
        {"account": "cadre", "role": "village_cadre", "scope": "甲马石村"},
        "新建账号 cadre:村干部 · 甲马石村",
    ),
    (
        SecurityEvent.Kind.PERMISSION_CHANGED,
        {
            "account": "cadre",
            "before": {"role": "village_cadre", "scope": "甲马石村"},
            "after": {"role": "working_group", "scope": "示例镇"},
        },
        "调整账号 cadre 的权限:村干部 · 甲马石村 → 工作组成员 · 示例镇",
    ),
    (SecurityEvent.Kind.PERMISSION_CHANGED, {"account": "cadre", "active": False}, "停用账号 cadre"),
    (SecurityEvent.Kind.PERMISSION_CHANGED, {"account": "cadre", "unlocked": True}, "解除账号 cadre 的登录锁定"),
    (
        SecurityEvent.Kind.ID_REVEAL,
        {"model": "people.person", "object_id": 12},
        "查看完整身份证号码:人口 #12",
    ),
    (
        SecurityEvent.Kind.ID_REVEAL,
        {"model": "people.person", "object_id": 12, "field": "phone"},
        "查看完整手机号码:人口 #12",
    ),
    (
        SecurityEvent.Kind.EXPORT,
        {"list": "households", "rows": 120, "filters": {"village_group": "GROUP", "search": True}},
        "导出 户籍台账,120行;筛选条件:村民小组 甲马石一组、含搜索条件",
    ),
    (
        SecurityEvent.Kind.EXPORT,
        {"list": "persons", "rows": 3, "filters": {"village_group": None}},
        "导出 户籍人口台账,3行;筛选条件:无",
    ),
    (SecurityEvent.Kind.EXPORT, {"list": "land.agreement_docx", "id": 329}, "下载 征地补偿协议书(.docx),编号 329"),
    (
        SecurityEvent.Kind.EXPORT,
        {"list": "land.parcel_geometry.geojson", "filters": {"status": "paid"}},
        "导出 地块图形(GeoJSON);筛选条件:状态 paid",
    ),
    (SecurityEvent.Kind.EXPORT, {"import_batch": 5, "annotated": True}, "下载导入批次 #5 的错误标注文件"),
    (SecurityEvent.Kind.EXPORT, {"import_batch": 5, "original": True}, "下载导入批次 #5 的原始文件"),
    (
        SecurityEvent.Kind.IMPORT,
        {
            "batch": 5,
            "ledger": "persons",
            "file": "户籍.xlsx",
            "sha256": "ab" * 32,
            "created": 10,
            "updated": 2,
            "rejected": 1,
        },
        "导入户籍人口台账,批次 #5,文件 户籍.xlsx:新增10行,更新2行,有误1行",
    ),
    (
        SecurityEvent.Kind.IMPORT,
        {"batch": 5, "ledger": "persons", "undone": True, "rows": 12},
        "撤销导入批次 #5(户籍人口台账),共12行",
    ),
    (SecurityEvent.Kind.TOKEN_CREATED, {"token": "lx_AbCdE"}, "创建API令牌 lx_AbCdE…"),
    (SecurityEvent.Kind.EXPORT, {"list": "a.new.list", "rows": 1, "colour": "红"}, "导出 a.new.list,1行;colour:红"),
]


@pytest.mark.parametrize(("kind", "detail", "expected"), EVENTS)
def test_every_event_detail_reads_as_chinese(login_as, system_admin, group_a1, kind, detail, expected):
    if detail.get("filters", {}).get("village_group") == "GROUP":
        detail = {**detail, "filters": {**detail["filters"], "village_group": group_a1.pk}}
    security_event_record(kind=kind, username="someone", detail=detail)

    html = login_as(system_admin).get(reverse("accounts:security-event-list"), {"username": "someone"}).content.decode()

    cells = re.findall(r'data-testid="event-detail">([^<]*)<', html)
    assert cells == [expected]
    assert "{" not in cells[0]


def test_every_kind_of_event_has_a_described_case():
    assert {kind for kind, _detail, _expected in EVENTS} == set(SecurityEvent.Kind)


def test_the_events_page_names_regions_in_one_query(
    login_as, system_admin, group_a1, group_a2, django_assert_max_num_queries
):
    for group in (group_a1, group_a2, group_a1):
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT,
            username="someone",
            detail={"list": "households", "rows": 1, "filters": {"village_group": group.pk}},
        )
    browser = login_as(system_admin)
    browser.get(reverse("accounts:security-event-list"))

    with django_assert_max_num_queries(10):
        html = browser.get(reverse("accounts:security-event-list")).content.decode()

    assert html.count("村民小组 甲马石一组") == 2
    assert html.count("村民小组 甲马石二组") == 1
