from auditlog.models import LogEntry
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import pgettext_lazy

register = template.Library()

# django-auditlog has no Chinese catalogue; the audit page names its actions in ours.
ACTION_LABELS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "新增"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "修改"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "删除"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "查看敏感信息"),
}


@register.filter
def audit_action(action: int) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.filter
def audit_changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    """(field label, old, new) for display: verbose names and choice labels, without a query per row."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        if isinstance(values, dict):  # many-to-many changes: {"type": "m2m", "operation": ..., "objects": [...]}
            old, new = "", "、".join(str(o) for o in values.get("objects", []))
        else:
            old, new = (list(values) + ["", ""])[:2] if isinstance(values, list | tuple) else ("", values)
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a field removed since the entry was written keeps its raw name
                field = None
            if field is not None:
                label = str(getattr(field, "verbose_name", name))
                choices = dict(getattr(field, "flatchoices", None) or [])
                if isinstance(old, str | int) and isinstance(new, str | int):
                    old, new = choices.get(old, old), choices.get(new, new)
        rows.append((label, "" if old in (None, "None") else str(old), "" if new in (None, "None") else str(new)))
    return rows
