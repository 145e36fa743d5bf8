"""The 详情 of a security event in words (安全事件详情): what was exported, whose password was reset, which
batch was imported — instead of the JSON the chain seals.

``describe_events(events)`` reads a page of events; the regions and projects their filters name are
looked up in one query each, never one per row. A detail this module does not know (a new kind of event
added later) still reads as "名称:值" pairs, never as a Python dict.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SecurityEvent
from .roles import Role

# What each exported list or document is called (the ``list`` key of an EXPORT event).
EXPORT_NAMES = {
    "households": gettext_lazy("户籍台账"),
    "persons": gettext_lazy("户籍人口台账"),
    "enterprises": gettext_lazy("企业台账"),
    "cases": gettext_lazy("案件台账"),
    "accounts.audit": gettext_lazy("审计日志"),
    "land.parcels": gettext_lazy("征地地块台账"),
    "land.agreements": gettext_lazy("补偿协议台账"),
    "land.payments": gettext_lazy("兑付台账"),
    "land.parcel_geometry.geojson": gettext_lazy("地块图形(GeoJSON)"),
    "land.parcel_geometry.shapefile": gettext_lazy("地块图形(Shapefile)"),
    "land.agreement_docx": gettext_lazy("征地补偿协议书(.docx)"),
    "land.household_statement_docx": gettext_lazy("户兑付明细(.docx)"),
    "land.household_statement_xlsx": gettext_lazy("户兑付明细(.xlsx)"),
}

# Filters and other detail keys, by name.
KEY_LABELS = {
    "village_group": gettext_lazy("村民小组"),
    "region": gettext_lazy("区域"),
    "project": gettext_lazy("项目"),
    "land_class": gettext_lazy("地类"),
    "status": gettext_lazy("状态"),
    "state": gettext_lazy("状态"),
    "kind": gettext_lazy("类别"),
    "industry": gettext_lazy("行业"),
    "ethnicity": gettext_lazy("民族"),
    "assignee": gettext_lazy("承办人"),
    "overdue": gettext_lazy("只看超期"),
    "mismatch": gettext_lazy("面积不符"),
    "search": gettext_lazy("搜索"),
    "q": gettext_lazy("搜索"),
    "model": gettext_lazy("对象类型"),
    "actor": gettext_lazy("操作人"),
    "action": gettext_lazy("操作"),
    "date_from": gettext_lazy("起始日期"),
    "date_to": gettext_lazy("截止日期"),
    "account": gettext_lazy("账号"),
    "role": gettext_lazy("角色"),
    "scope": gettext_lazy("管辖范围"),
    "token": gettext_lazy("令牌"),
    "batch": gettext_lazy("批次"),
    "ledger": gettext_lazy("台账"),
    "file": gettext_lazy("文件"),
    "rows": gettext_lazy("行数"),
    "id": gettext_lazy("编号"),
}

_REGION_KEYS = ("village_group", "region")


def _label(key: str) -> str:
    return str(KEY_LABELS.get(key, key))


def _ledger_name(key: str) -> str:
    from lianxin.imports.ledger import ledger_get  # imports builds on accounts, not the other way round

    try:
        return _(ledger_get(key).label)
    except LookupError:
        return key


def _role_name(value: str) -> str:
    return str(Role(value).label) if value in Role.values else value


def _yes_no(value: Any) -> str:
    return _("是") if value else _("否")


class _Names:
    """Regions and projects named by a page of events, fetched once."""

    def __init__(self, events: list[SecurityEvent]) -> None:
        from lianxin.enterprises.models import Project
        from lianxin.regions.models import Region

        region_ids, project_ids = set(), set()
        for event in events:
            filters = (event.detail or {}).get("filters")
            if isinstance(filters, dict):
                region_ids |= {_int(filters.get(key)) for key in _REGION_KEYS} - {None}
                project_ids.add(_int(filters.get("project")))
        project_ids.discard(None)
        self.regions = dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "name")) if region_ids else {}
        self.projects = (
            dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "name")) if project_ids else {}
        )

    def value(self, key: str, value: Any) -> str:
        if isinstance(value, bool):
            return _yes_no(value)
        if key in _REGION_KEYS and (pk := _int(value)) is not None:
            return self.regions.get(pk, f"#{pk}")
        if key == "project" and (pk := _int(value)) is not None:
            return self.projects.get(pk, f"#{pk}")
        if isinstance(value, dict):
            return ",".join(f"{_label(k)} {self.value(k, v)}" for k, v in value.items())
        if isinstance(value, list | tuple):
            return "、".join(self.value(key, v) for v in value)
        return str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "", True, False) else None
    except (TypeError, ValueError):
        return None


def _filters(filters: Any, names: _Names) -> str:
    if not isinstance(filters, dict):
        return ""
    parts = []
    # In a fixed order (PostgreSQL's jsonb does not keep the written one): known filters as listed above,
    # others by name, the search last.
    order = {key: i for i, key in enumerate(KEY_LABELS)}
    for key, value in sorted(filters.items(), key=lambda kv: (kv[0] in ("search", "q"), order.get(kv[0], 99), kv[0])):
        if value in (None, "", False, [], {}):
            continue
        if key in ("search", "q"):
            parts.append(_("含搜索条件"))  # the search text itself is never logged
        elif value is True:
            parts.append(_label(key))
        else:
            parts.append(f"{_label(key)} {names.value(key, value)}")
    return "、".join(parts) if parts else _("无")


def _pairs(detail: dict, names: _Names, skip: Iterable[str] = ()) -> str:
    return ";".join(f"{_label(k)}:{names.value(k, v)}" for k, v in detail.items() if k not in skip)


def _role_scope(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    return " · ".join(part for part in (_role_name(value.get("role", "")), value.get("scope", "")) if part)


def _permission_changed(detail: dict, names: _Names) -> str:
    account = detail.get("account", "")
    if detail.get("unlocked"):
        return _("解除账号 %(account)s 的登录锁定") % {"account": account}
    if "active" in detail:
        if detail["active"]:
            return _("启用账号 %(account)s") % {"account": account}
        return _("停用账号 %(account)s") % {"account": account} + _tokens_revoked(detail)
    if "before" in detail or "after" in detail:
        return _("调整账号 %(account)s 的权限:%(before)s → %(after)s") % {
            "account": account,
            "before": _role_scope(detail.get("before", {})) or "—",
            "after": _role_scope(detail.get("after", {})) or "—",
        }
    if "role" in detail:
        return _("新建账号 %(account)s:%(role)s") % {"account": account, "role": _role_scope(detail)}
    return _pairs(detail, names)


def _password_changed(detail: dict, names: _Names) -> str:
    if detail.get("reset"):
        text = _("重置了账号 %(account)s 的密码(新的一次性密码,下次登录须修改)") % {
            "account": detail.get("account", "")
        }
        return text + _tokens_revoked(detail)
    return _("本人修改密码") if not detail else _pairs(detail, names)


def _tokens_revoked(detail: dict) -> str:
    return _(",吊销API令牌%(n)s个") % {"n": detail["tokens_revoked"]} if detail.get("tokens_revoked") else ""


def _export(detail: dict, names: _Names) -> str:
    if "import_batch" in detail:
        if detail.get("masked"):
            return _("下载导入批次 #%(batch)s 的%(file)s(已遮蔽%(n)s个号码)") % {
                "batch": detail["import_batch"],
                "file": _file_name(detail.get("file", "")),
                "n": detail.get("masked_values", 0),
            }
        if detail.get("annotated"):
            return _("下载导入批次 #%(batch)s 的错误标注文件") % {"batch": detail["import_batch"]}
        return _("下载导入批次 #%(batch)s 的原始文件") % {"batch": detail["import_batch"]}
    key = str(detail.get("list", ""))
    name = str(EXPORT_NAMES.get(key, key))
    if "id" in detail:
        return _("下载 %(name)s,编号 %(id)s") % {"name": name, "id": detail["id"]}
    text = _("导出 %(name)s") % {"name": name}
    if "rows" in detail:
        text += _(",%(rows)s行") % {"rows": detail["rows"]}
    if "filters" in detail:
        text += _(";筛选条件:%(filters)s") % {"filters": _filters(detail["filters"], names)}
    rest = _pairs(detail, names, skip=("list", "rows", "filters"))
    return f"{text};{rest}" if rest else text


def _file_name(which: str) -> str:
    return _("错误标注文件") if which == "annotated" else _("原始文件")


def _import(detail: dict, names: _Names) -> str:
    if "files_deleted" in detail:
        return _("按保存期限(%(days)s天)删除导入原始文件%(n)s个") % {
            "days": detail.get("retention_days", ""),
            "n": len(detail["files_deleted"]),
        }
    ledger = _ledger_name(str(detail.get("ledger", "")))
    if detail.get("undone"):
        return _("撤销导入批次 #%(batch)s(%(ledger)s),共%(rows)s行") % {
            "batch": detail.get("batch", ""),
            "ledger": ledger,
            "rows": detail.get("rows", 0),
        }
    if "created" in detail:
        return _(
            "导入%(ledger)s,批次 #%(batch)s,文件 %(file)s:新增%(created)s行,更新%(updated)s行,有误%(rejected)s行"
        ) % {
            "ledger": ledger,
            "batch": detail.get("batch", ""),
            "file": detail.get("file", ""),
            "created": detail.get("created", 0),
            "updated": detail.get("updated", 0),
            "rejected": detail.get("rejected", 0),
        }
    return _pairs(detail, names)


def _id_reveal(detail: dict, names: _Names) -> str:
    if "import_batch" in detail:
        return _(
            "下载导入批次 #%(batch)s(%(ledger)s)的完整%(file)s:含身份证号码%(ids)s个、手机号码%(phones)s个、其他号码%(other)s个"
        ) % {
            "batch": detail["import_batch"],
            "ledger": _ledger_name(str(detail.get("ledger", ""))),
            "file": _file_name(detail.get("file", "")),
            "ids": detail.get("resident_ids", 0),
            "phones": detail.get("phones", 0),
            "other": detail.get("other_numbers", 0),
        }
    what = _("手机号码") if detail.get("field") == "phone" else _("身份证号码")
    model = str(detail.get("model", ""))
    target = _("人口") if model == "people.person" else model
    return _("查看完整%(what)s:%(target)s #%(id)s") % {
        "what": what,
        "target": target,
        "id": detail.get("object_id", ""),
    }


def _lockout(detail: dict, names: _Names) -> str:
    if detail.get("by") == "address":
        return _("同一地址登录失败过多,该地址暂停登录%(minutes)s分钟") % {"minutes": detail.get("minutes", "")}
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if detail.get("second_factor"):
        return _("连续输错双因素验证码,账号在该地址锁定%(minutes)s分钟") % {"minutes": minutes}
    return _("连续登录失败,账号在该地址锁定%(minutes)s分钟") % {"minutes": minutes}


def _chain_keyed(detail: dict, names: _Names) -> str:
    return _("事件链启用密钥签名:此前的%(n)s条事件(至第%(last)s条)由本条封存") % {
        "n": detail.get("legacy_events", 0),
        "last": detail.get("legacy_last_sequence", ""),
    }


def _token_created(detail: dict, names: _Names) -> str:
    return _("创建API令牌 %(prefix)s…") % {"prefix": detail.get("token", "")}


def _two_factor_enrolled(detail: dict, names: _Names) -> str:
    return _("启用双因素认证(验证器App),发放恢复码%(n)s个") % {"n": detail.get("recovery_codes", "")}


def _recovery_codes_issued(detail: dict, names: _Names) -> str:
    return _("重新生成恢复码%(n)s个,原有恢复码作废") % {"n": detail.get("recovery_codes", "")}


def _two_factor_disabled(detail: dict, names: _Names) -> str:
    return _("本人停用双因素认证") + _tokens_revoked(detail)


def _two_factor_reset(detail: dict, names: _Names) -> str:
    return _("重置了账号 %(account)s 的双因素认证(下次登录须重新绑定)") % {
        "account": detail.get("account", "")
    } + _tokens_revoked(detail)


def _personal_data_purged(detail: dict, names: _Names) -> str:
    from lianxin.core import retention

    labels = {c.key: str(c.label) for c in retention.data_classes()}
    counts = {key: n for key, n in (detail.get("counts") or {}).items() if isinstance(n, int)}
    parts = "、".join(_("%(label)s%(n)s条") % {"label": labels.get(key, key), "n": n} for key, n in counts.items() if n)
    text = _("清除超期个人信息%(n)s条") % {"n": sum(counts.values())}
    return f"{text}({parts})" if parts else text


_DESCRIBERS = {
    SecurityEvent.Kind.PERMISSION_CHANGED: _permission_changed,
    SecurityEvent.Kind.PASSWORD_CHANGED: _password_changed,
    SecurityEvent.Kind.EXPORT: _export,
    SecurityEvent.Kind.IMPORT: _import,
    SecurityEvent.Kind.ID_REVEAL: _id_reveal,
    SecurityEvent.Kind.LOCKOUT: _lockout,
    SecurityEvent.Kind.TOKEN_CREATED: _token_created,
    SecurityEvent.Kind.CHAIN_KEYED: _chain_keyed,
    SecurityEvent.Kind.TWO_FACTOR_ENROLLED: _two_factor_enrolled,
    SecurityEvent.Kind.RECOVERY_CODES_ISSUED: _recovery_codes_issued,
    SecurityEvent.Kind.TWO_FACTOR_DISABLED: _two_factor_disabled,
    SecurityEvent.Kind.TWO_FACTOR_RESET: _two_factor_reset,
    SecurityEvent.Kind.PERSONAL_DATA_PURGED: _personal_data_purged,
}


def describe(event: SecurityEvent, names: _Names | None = None) -> str:
    """One event's detail in Chinese words ("" when it carries none, as a login does)."""
    names = names or _Names([event])
    detail = event.detail if isinstance(event.detail, dict) else {"detail": event.detail}
    describer = _DESCRIBERS.get(event.kind)
    try:
        if describer is not None:
            return describer(detail, names)
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # a detail of an older or newer shape: fall back to its pairs
    return _pairs(detail, names) if detail else ""


def describe_events(events: Iterable[SecurityEvent]) -> list[SecurityEvent]:
    """The events, each with ``description`` set; names are looked up once for the page."""
    events = list(events)
    names = _Names(events)
    for event in events:
        event.description = describe(event, names)
    return events
