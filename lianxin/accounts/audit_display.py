"""The audit trail as people read it (审计日志): field labels, 是/否, names instead of ids, local time, and only
the fields that carry something — not ``True → False``, ``管辖区域:— → 2`` or UTC seconds.

django-auditlog stores every value as text: booleans as "True", foreign keys as the related row's id,
datetimes naive in UTC. ``describe_entries`` turns a page (or an export chunk) of entries into rows,
looking up the names of the related rows with one query per related model, never one per entry.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# django-auditlog has no Chinese catalogue; the audit page names its actions in ours.
ACTION_LABELS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "新增"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "修改"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "删除"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "查看敏感信息"),
}

# Fields whose model label does not say what the product uses them for.
LABEL_OVERRIDES = {
    ("accounts", "user", "first_name"): gettext_lazy("姓名"),
    ("accounts", "user", "password"): gettext_lazy("密码"),
}

# Entries written by hand (a reveal, a password reset) carry keys that are not model fields.
PSEUDO_FIELDS = {
    "revealed": gettext_lazy("查看完整信息"),
    "password": gettext_lazy("密码"),
    "two_factor": gettext_lazy("双因素认证"),
}
REVEALED_WHAT = {"resident_id": gettext_lazy("身份证号码"), "phone": gettext_lazy("手机号码")}
M2M_OPERATIONS = {"add": gettext_lazy("加入"), "delete": gettext_lazy("移除"), "remove": gettext_lazy("移除")}

_EMPTY = {"", "None", "null"}


def action_label(action: int) -> str:
    return str(ACTION_LABELS.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in ACTION_LABELS.items()]


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the entry was written keeps its raw name
        return None
    return field if getattr(field, "concrete", False) else None  # a reverse relation is not a column


def _bookkeeping(field) -> bool:
    """Fields nobody changes by hand: the id, the row's own timestamps (the entry's time says when), and
    internal fields without a label of their own (a region's materialised path, digests)."""
    return (
        field.primary_key
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
        or (isinstance(field.verbose_name, str) and field.verbose_name == field.name.replace("_", " "))
    )


def _label(model, name: str, field) -> str:
    if model is not None:
        override = LABEL_OVERRIDES.get((model._meta.app_label, model._meta.model_name, name))
        if override is not None:
            return str(override)
    if field is not None:
        return str(getattr(field, "verbose_name", name))
    return str(PSEUDO_FIELDS.get(name, name))


def _local_time(text: str) -> str:
    """auditlog keeps datetimes naive in UTC ("2026-12-03 00:03:37.123456"): show them in local time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class _Names:
    """str() of the rows foreign keys point at, for every entry of a page, one query per related model."""

    def __init__(self, entries: list[LogEntry]) -> None:
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for entry in entries:
            model = entry.content_type.model_class()
            for name, values in (entry.changes_dict or {}).items():
                field = _field(model, name)
                if isinstance(field, models.ForeignKey) and isinstance(values, list | tuple):
                    wanted[field.related_model].update(str(v) for v in values if str(v) not in _EMPTY)
        self.names: dict[type[models.Model], dict[str, str]] = {}
        for related, ids in wanted.items():
            pks = [pk for pk in ids if pk.isdigit()]
            self.names[related] = {str(pk): str(obj) for pk, obj in related._default_manager.in_bulk(pks).items()}

    def name(self, related, value: str) -> str:
        return self.names.get(related, {}).get(value, f"#{value}")


def _display(field, name: str, value: Any, names: _Names) -> str:
    if value is None:
        return ""
    text = str(value)
    if text in _EMPTY:
        return ""
    if name == "password":
        return _("已重置")
    if name == "two_factor":  # lianxin.accounts.two_factor.two_factor_reset
        return {"True": _("已启用"), "False": _("未启用")}.get(text, _("已重置"))
    if field is None:
        return str(REVEALED_WHAT.get(text, text)) if name == "revealed" else text
    if isinstance(field, models.BooleanField):
        return _("是") if text == "True" else _("否") if text == "False" else text
    if isinstance(field, models.ForeignKey):
        return names.name(field.related_model, text)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices:
        return str(choices.get(text, choices.get(_int(text), text)))
    if isinstance(field, models.DateTimeField):
        return _local_time(text)
    return text


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def entry_rows(entry: LogEntry, names: _Names | None = None) -> list[dict[str, str | None]]:
    """The changes worth reading, each ``{"label", "old", "new"}`` (``old`` None: a single value, as for a
    reveal or a many-to-many change). Fields left empty and values that did not change are left out."""
    names = names or _Names([entry])
    model = entry.content_type.model_class()
    rows: list[dict[str, str | None]] = []
    for name, values in (entry.changes_dict or {}).items():
        field = _field(model, name)
        if field is not None and _bookkeeping(field):
            continue
        label = _label(model, name, field)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            objects = "、".join(str(o) for o in values.get("objects", []))
            if objects:
                operation = M2M_OPERATIONS.get(values.get("operation", ""), values.get("operation", ""))
                rows.append({"label": label, "old": None, "new": f"{operation}:{objects}"})
            continue
        if not isinstance(values, list | tuple):
            values = ["", values]
        old, new = (list(values) + ["", ""])[:2]
        if name == "revealed":
            rows.append({"label": label, "old": None, "new": _display(None, name, old or new, names)})
            continue
        old_text, new_text = _display(field, name, old, names), _display(field, name, new, names)
        if old_text == new_text:  # unchanged, or empty before and after (姓氏 None → "")
            continue
        rows.append({"label": label, "old": old_text, "new": new_text})
    return rows


def changes_text(rows: list[dict[str, str | None]]) -> str:
    """The rows on one line, for the export."""
    parts = []
    for row in rows:
        if row["old"] is None:
            parts.append(f"{row['label']}:{row['new']}")
        else:
            parts.append(f"{row['label']}:{row['old'] or '—'} → {row['new'] or '—'}")
    return ";".join(parts)


def describe_entries(entries: Iterable[LogEntry]) -> list[LogEntry]:
    """The entries, each with ``rows`` (see ``entry_rows``) and ``action_label`` set."""
    entries = list(entries)
    names = _Names(entries)
    for entry in entries:
        entry.rows = entry_rows(entry, names)
        entry.action_label = action_label(entry.action)
    return entries
